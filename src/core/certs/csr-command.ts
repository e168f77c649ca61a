import { isSafeFileName } from "./file-names";

/** Optional distinguished-name fields, as `pki csr` names them. */
export interface CertificateSubject {
  O?: string;
  OU?: string;
  L?: string;
  ST?: string;
  C?: string;
}

export interface PkiCsrRequest {
  /** `pki csr` writes `<base>.key` and `<base>.csr`. */
  base: string;
  commonName: string;
  subjectAltNames: string[];
  subject?: CertificateSubject;
}

const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const SUBJECT_ORDER = ["O", "OU", "L", "ST", "C"] as const;

export function dnsNameProblem(name: string): string | undefined {
  return DNS_NAME.test(name) ? undefined : `"${name}" is not a DNS name (letters, digits, hyphens and dots only)`;
}

/**
 * MMP splits the command line on spaces and `attribute:value` on the colon; double quotes group words. So a value may
 * hold printable ASCII but no double quote, backslash or colon.
 */
export function subjectValueProblem(field: keyof CertificateSubject, value: string): string | undefined {
  if (field === "C") return /^[A-Z]{2}$/.test(value) ? undefined : "must be a 2-letter ISO country code such as DE";
  if (value.trim() !== value || value.length === 0) return "must not be empty or start or end with a space";
  if (value.length > 64) return "must be at most 64 characters";
  if (!/^[\x20-\x7e]+$/.test(value))
    return "may hold only printable ASCII characters (no line breaks, tabs or accents)";
  if (/["\\:]/.test(value)) return 'must not contain ", \\ or : (they would break the MMP command line)';
  return undefined;
}

function attribute(name: string, value: string): string {
  return /[ ,]/.test(value) ? `${name}:"${value}"` : `${name}:${value}`;
}

/** The exact `pki csr` command line; throws naming the offending value instead of building a broken one. */
export function buildPkiCsrCommand(request: PkiCsrRequest): string {
  const problems: string[] = [];
  if (!isSafeFileName(request.base)) problems.push(`base name "${request.base}" is not a safe MMP file name`);
  for (const name of [request.commonName, ...request.subjectAltNames]) {
    const problem = dnsNameProblem(name);
    if (problem) problems.push(problem);
  }
  if (request.subjectAltNames.length === 0) problems.push("at least one subjectAltName is required");
  const subject = request.subject ?? {};
  for (const field of SUBJECT_ORDER) {
    const value = subject[field];
    const problem = value === undefined ? undefined : subjectValueProblem(field, value);
    if (problem) problems.push(`subject ${field} ${problem}`);
  }
  if (problems.length > 0) throw new Error(`cannot build the pki csr command: ${problems.join("; ")}`);
  const sans = request.subjectAltNames.filter(
    (name, i, all) => all.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === i,
  );
  const fields = SUBJECT_ORDER.flatMap((field) => {
    const value = subject[field];
    return value === undefined ? [] : [attribute(field, value)];
  });
  return ["pki csr", request.base, `CN:${request.commonName}`, ...fields, `subjectAltName:${sans.join(",")}`].join(" ");
}
