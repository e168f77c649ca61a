import { readFileSync } from "node:fs";
import { join } from "node:path";

const EXCERPTS = join(__dirname, "..", "fixtures", "technote");

/** TechNote 213479, German edition, steps 7 to the troubleshooting: its command blocks are the cleanest text. */
export function germanSeed(): string {
  return readFileSync(join(EXCERPTS, "de-steps-7-to-troubleshooting.txt"), "utf8");
}

/** The same part of the Spanish edition, recovered by OCR (`cbl` for `cb1` is OCR noise). */
export function spanishSeed(): string {
  return readFileSync(join(EXCERPTS, "es-steps-7-to-troubleshooting.txt"), "utf8");
}

/** The lines after a line that contains `marker`, up to (not including) the first line matching `end`. */
export function blockAfter(text: string, marker: string, end: RegExp, from = 0): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l, i) => i >= from && l.includes(marker));
  if (start < 0) throw new Error(`seed has no line with ${marker}`);
  const stop = lines.findIndex((l, i) => i > start && end.test(l));
  return lines.slice(start + 1, stop < 0 ? undefined : stop).join("\n");
}

export function lineIndex(text: string, marker: string, occurrence = 1): number {
  const lines = text.split("\n");
  let seen = 0;
  for (const [i, l] of lines.entries()) if (l.includes(marker) && ++seen === occurrence) return i;
  throw new Error(`seed has no occurrence ${occurrence} of ${marker}`);
}
