import { X509Certificate } from "node:crypto";

export interface PemBlock {
  /** The label after BEGIN, e.g. `CERTIFICATE` or `PRIVATE KEY`. */
  type: string;
  /** The block with `\n` line endings and a trailing newline. */
  pem: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

export function isPemText(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]+-----/.test(text);
}

/** Every PEM block in `text`, in order; text between blocks (e.g. openssl's `subject=` lines) is ignored. */
export function splitPemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(BLOCK)].map((m) => ({ type: m[1], pem: `${m[0].replace(/\r\n/g, "\n")}\n` }));
}

/**
 * Parses every certificate in a PEM bundle, in order. Throws naming `what` (e.g. `node "cb1" certificate`) when the
 * text holds no certificate, a block other than a certificate, or a block that does not parse.
 */
export function parseCertificates(text: string, what: string): X509Certificate[] {
  const blocks = splitPemBlocks(text);
  if (blocks.length === 0) {
    throw new Error(`${what}: no PEM certificate found (expected "-----BEGIN CERTIFICATE-----" blocks)`);
  }
  return blocks.map((block, i) => {
    const where = blocks.length > 1 ? `${what}, block #${i + 1}` : what;
    if (block.type !== "CERTIFICATE" && block.type !== "TRUSTED CERTIFICATE") {
      throw new Error(`${where}: is a "${block.type}" block, not a certificate`);
    }
    try {
      return new X509Certificate(block.pem);
    } catch (err) {
      throw new Error(`${where}: is not a valid X.509 certificate (${(err as Error).message})`);
    }
  });
}

/** Parses text that must hold exactly one certificate. */
export function parseCertificate(text: string, what: string): X509Certificate {
  const certs = parseCertificates(text, what);
  if (certs.length !== 1) {
    throw new Error(
      `${what}: holds ${certs.length} certificates; put only the leaf here and the CA chain in the bundle`,
    );
  }
  return certs[0];
}

/** The certificates as one PEM text, one block after another. */
export function certificatesToPem(certs: readonly X509Certificate[]): string {
  return certs.map((c) => c.toString().replace(/\r\n/g, "\n").replace(/\n?$/, "\n")).join("");
}

/** `CN=tptac9.com` style one-line name for messages. */
export function describeSubject(cert: X509Certificate): string {
  return cert.subject.split("\n").join(", ");
}
