import type { ExistingNodeFileNames } from "./schema";

/** What `pki match <key> <cert>` said. Its output is not documented ([I]): only clear lines count. */
export type PkiMatchResult =
  | { status: "match" }
  | { status: "mismatch" | "failed"; line: string }
  /** The command is unknown or its output unclear: the pair was not checked (not a failure). */
  | { status: "unchecked"; line?: string };

const UNSUPPORTED = /\b(unknown|unrecogni[sz]ed|invalid|unsupported|not supported)\b|\bcommand not found\b|^usage:/im;
const MISMATCH = /\b(do(es)?\s+not|don't|doesn't)\s+match\b|\bmismatch/i;

/** Reads `pki match` output (the simulator prints `SUCCESS: Key and certificate pair match` or a FAILURE line). */
export function parsePkiMatch(output: string): PkiMatchResult {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const failure = lines.find((l) => /^FAILURE\b/i.test(l));
  if (failure) {
    if (MISMATCH.test(failure)) return { status: "mismatch", line: failure };
    if (UNSUPPORTED.test(failure)) return { status: "unchecked", line: failure };
    return { status: "failed", line: failure };
  }
  const mismatch = lines.find((l) => MISMATCH.test(l));
  if (mismatch) return { status: "mismatch", line: mismatch };
  const unsupported = lines.find((l) => UNSUPPORTED.test(l));
  if (unsupported) return { status: "unchecked", line: unsupported };
  if (lines.some((l) => /^SUCCESS\b/i.test(l) || /\bmatch(es|ed)?\b/i.test(l))) return { status: "match" };
  return lines.length > 0 ? { status: "unchecked", line: lines[0] } : { status: "unchecked" };
}

type Role = keyof ExistingNodeFileNames["fields"];
const ROLES: Role[] = ["keyFile", "certFile", "bundleFile", "trustBundle"];

/** Each named file with the config field that named it, in the order `xmpp certs` / `xmpp cluster trust` use them. */
export function namedFiles(files: ExistingNodeFileNames): { name: string; field: string }[] {
  const out: { name: string; field: string }[] = [];
  for (const role of ROLES) {
    const name = files[role];
    const field = files.fields[role];
    if (name !== undefined && field !== undefined) out.push({ name, field });
  }
  return out;
}

/** Named files `pki list` does not show (a name used twice is reported once, with its first field). */
export function missingFiles(files: ExistingNodeFileNames, listed: string[]): { name: string; field: string }[] {
  const present = new Set(listed);
  const seen = new Set<string>();
  return namedFiles(files).filter((f) => !present.has(f.name) && !seen.has(f.name) && seen.add(f.name));
}

export interface FileProblem {
  step: string;
  detail: string;
  hint: string;
}

const STEP = "certificates (source: existing)";

export function missingFilesProblem(node: string, missing: { name: string; field: string }[]): FileProblem | undefined {
  if (missing.length === 0) return undefined;
  const list = missing.map((m) => `${m.name} (${m.field})`).join(", ");
  const them = missing.length > 1 ? "them" : "it";
  return {
    step: STEP,
    detail: `\`pki list\` does not list ${list}`,
    hint: `upload ${them} to ${node} over SFTP (the MMP login) and check with \`pki list\`, or correct the file name${missing.length > 1 ? "s" : ""} in the stack config`,
  };
}

export function pkiMatchProblem(files: ExistingNodeFileNames, result: PkiMatchResult): FileProblem | undefined {
  if (result.status === "match" || result.status === "unchecked") return undefined;
  const key = `${files.keyFile} (${files.fields.keyFile})`;
  const cert = `${files.certFile} (${files.fields.certFile})`;
  const hint =
    result.status === "mismatch"
      ? `${key} is not the key of ${cert}: upload the matching key or certificate over SFTP, or correct the file names in the stack config`
      : `check that ${key} holds the unencrypted private key and ${cert} the certificate; fix the files on the node or the names in the stack config`;
  return { step: STEP, detail: `\`pki match ${files.keyFile} ${files.certFile}\`: ${result.line}`, hint };
}
