/** Parses `pki list`: the file names after the `User supplied certificates and keys:` heading. */
export function parsePkiList(output: string): string[] {
  const lines = output.split(/\r?\n/).map((l) => l.trim());
  const start = lines.findIndex((l) => /^user supplied certificates and keys:?$/i.test(l));
  return lines
    .slice(start + 1)
    .filter((l) => /^[A-Za-z0-9._-]+$/.test(l))
    .filter((l, i, all) => all.indexOf(l) === i);
}
