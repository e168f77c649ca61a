import { createHash, X509Certificate } from "node:crypto";

/** Longest name we produce; MMP file names are bare names in one flat directory. */
const MAX_FILE_NAME_LENGTH = 64;

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const UNIT_MAX = 32;

/** First 8 hex digits of the SHA-256 of `content`: the version tag in every file name. */
export function shortHash(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex").slice(0, 8);
}

export function isSafeFileName(name: string): boolean {
  return SAFE_NAME.test(name) && name.length <= MAX_FILE_NAME_LENGTH;
}

/** A node name (or `shared`) reduced to characters the flat namespace accepts. */
export function unitTag(unit: string): string {
  const tag = unit
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, UNIT_MAX);
  if (!tag) throw new Error(`"${unit}" has no letters or digits to name certificate files after`);
  return tag;
}

/** `xmpp-<unit>-<hash of the DER>.cer`: a renewed certificate gets a new name. */
export function certFileName(unit: string, certPem: string): string {
  return `xmpp-${unitTag(unit)}-${shortHash(new X509Certificate(certPem).raw)}.cer`;
}

/** `xmpp-<unit>-<hash of the public key>.key`: named after the certificate's public key, so never after a secret. */
export function keyFileName(unit: string, certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return `xmpp-${unitTag(unit)}-${shortHash(spki)}.key`;
}

export function caBundleFileName(bundlePem: string): string {
  return `xmpp-cabundle-${shortHash(bundlePem)}.cer`;
}

export function trustFileName(trustPem: string): string {
  return `xmpp-trust-${shortHash(trustPem)}.cer`;
}

/**
 * The base name `pki csr` writes `<base>.key` and `<base>.csr` under. The key is unknown before the command runs, so
 * the version tag is a random `nonce` (8 hex digits) chosen at creation: a replacement never reuses a name in use.
 */
export function csrBaseName(unit: string, nonce: string): string {
  if (!/^[0-9a-f]{8}$/.test(nonce)) throw new Error(`nonce must be 8 hex digits, got "${nonce}"`);
  return `xmpp-${unitTag(unit)}-csr-${nonce}`;
}
