/** One row of `user list` ([C] columns: `USERNAME ROLE PASSWORD EXPIRY LOGGED IN`, dates as `2017-Nov-05`). */
export interface UserEntry {
  username: string;
  role: string;
  /** Midnight UTC of the expiry day; undefined when the date could not be read. */
  passwordExpiry: Date | undefined;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function parseMmpDate(text: string): Date | undefined {
  const match = text.match(/^(\d{4,5})-([A-Za-z]{3})-(\d{1,2})$/);
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[2].toLowerCase());
  if (month < 0) return undefined;
  return new Date(Date.UTC(Number(match[1]), month, Number(match[3])));
}

export function parseUserList(output: string): UserEntry[] {
  const lines = output.split(/\r?\n/).map((l) => l.trim());
  const header = lines.findIndex((l) => /^USERNAME\s+ROLE\s+PASSWORD EXPIRY\b/i.test(l));
  if (header < 0) return [];
  return lines
    .slice(header + 1)
    .map((l) => l.split(/\s+/))
    .filter((cells) => cells.length >= 3)
    .map(([username, role, expiry]) => ({ username, role, passwordExpiry: parseMmpDate(expiry) }));
}
