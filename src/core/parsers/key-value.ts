/** Splits `Key   : value` lines (MMP's status format) into normalised keys: lower case, single spaces. */
export function keyValueLines(output: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = line.match(/^\s*([A-Za-z][A-Za-z0-9 /_()-]*?)\s*:\s?(.*?)\s*$/);
    if (match) pairs.push([match[1].toLowerCase().replace(/\s+/g, " "), match[2]]);
  }
  return pairs;
}

export function firstValue(pairs: [string, string][], keys: RegExp): string | undefined {
  return pairs.find(([key]) => keys.test(key))?.[1];
}

/** MMP prints booleans as true/false, yes/no or enabled/disabled. */
export function parseFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (["true", "yes", "enabled", "on"].includes(v)) return true;
  if (["false", "no", "disabled", "off"].includes(v)) return false;
  return undefined;
}

/** MMP prints "none" (or nothing) for an unset file or value. */
export function optionalValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  return v === "" || v.toLowerCase() === "none" || v === "-" ? undefined : v;
}
