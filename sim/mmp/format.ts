/** Aligned "Key : value" lines, as MMP status commands print them. */
export function keyValueLines(pairs: [string, string][], minWidth = 0): string {
  const width = Math.max(minWidth, ...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${key.padEnd(width)} : ${value}`).join("\n");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2017-Aug-13 07:27:58", the MMP's date style. */
export function mmpDateTime(date: Date): string {
  return `${mmpDate(date)} ${date.toTimeString().slice(0, 8)}`;
}

/** "2017-Nov-05". */
export function mmpDate(date: Date): string {
  return `${date.getFullYear()}-${MONTHS[date.getMonth()]}-${String(date.getDate()).padStart(2, "0")}`;
}

export const orNone = (value: string | null | undefined): string => (value ? value : "none");
