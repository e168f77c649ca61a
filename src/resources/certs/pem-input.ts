import { readFileSync } from "node:fs";
import { isPemText } from "../../core/certs/pem";

/**
 * A config value that is PEM text, or the path (relative to the Pulumi project) of a PEM file. The value itself is
 * never echoed when it cannot be read: it may be a mangled private key.
 */
export function readPemInput(value: string, field: string): string {
  if (isPemText(value)) return value;
  let text: string;
  try {
    text = readFileSync(value, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new Error(
      `${field}: is neither PEM text nor the path of a readable file (${code}); give the PEM itself (starting with -----BEGIN) or a path relative to the Pulumi project directory`,
    );
  }
  if (!isPemText(text)) throw new Error(`${field}: the file ${value} holds no PEM block`);
  return text;
}
