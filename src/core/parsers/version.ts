export interface CmsVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** Reads the first dotted version number in the output of `version`. */
export function parseVersion(output: string): CmsVersion | undefined {
  const match = output.match(/(\d+)\.(\d+)(?:\.(\d+))?/);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), text: match[0] };
}
