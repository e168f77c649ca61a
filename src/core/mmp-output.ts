/** Pure helpers for MMP command text: redaction, output cleaning and failure detection. */

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export const REDACTED = "<redacted>";

/** Replaces every occurrence of each secret (longer ones first) with a marker. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Normalises line endings, strips ANSI codes and the echoed command line. */
export function cleanOutput(raw: string, command: string): string {
  const lines = raw.replace(ANSI, "").replace(/\r\n?/g, "\n").split("\n");
  if (lines.length > 0 && lines[0].trim() === command.trim()) lines.shift();
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines.join("\n");
}

const FAILURE_PATTERNS: RegExp[] = [
  /^FAILURE\b.*$/m,
  /^.*\b(unknown|unrecogni[sz]ed|invalid) command\b.*$/im,
  /^.*\bcommand not found\b.*$/im,
  /^(ERROR|Error)\b.*$/m,
  /^Usage:.*$/m,
];

/** Returns the first line that marks the command as failed, or undefined when it succeeded. */
export function failureLine(output: string): string | undefined {
  for (const pattern of FAILURE_PATTERNS) {
    const match = output.match(pattern);
    if (match) return match[0].trim();
  }
  return undefined;
}
