import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { issueCertificate } from "./certificate";
import { parseCsr } from "./csr";
import { parseDer } from "./der-reader";
import { type DistinguishedName, decodeName } from "./name";
import { fromPem } from "./signing";

/**
 * A tiny certificate authority for tests, the demo and the simulator's own API certificate:
 * the simulator itself never signs anything a client asked for.
 */
export interface KeyAndCertificate {
  keyPem: string;
  certPem: string;
}

export type KeyKind = "rsa" | "ec";

export function generateKey(kind: KeyKind = "ec"): KeyObject {
  return kind === "rsa"
    ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
    : generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
}

const keyPem = (key: KeyObject): string => key.export({ type: "pkcs8", format: "pem" }).toString();

export function createCa(commonName: string, kind: KeyKind = "ec"): KeyAndCertificate {
  const key = generateKey(kind);
  const subject = { CN: commonName };
  const certPem = issueCertificate({ subject, publicKey: key, issuer: subject, issuerKey: key, isCa: true });
  return { keyPem: keyPem(key), certPem };
}

function issuerOf(ca: KeyAndCertificate): { issuer: DistinguishedName; issuerKey: KeyObject } {
  const tbs = parseDer(fromPem(ca.certPem, "CERTIFICATE")).children[0];
  return { issuer: decodeName(tbs.children[5]), issuerKey: createPrivateKey(ca.keyPem) };
}

/** Signs a PKCS#10 request: subject and subjectAltNames are copied from the request. */
export function signCsr(
  csrPem: string,
  ca: KeyAndCertificate,
  validity?: { notBefore?: Date; notAfter?: Date },
): string {
  const csr = parseCsr(csrPem);
  if (!csr.signatureValid) throw new Error("CSR signature is not valid");
  return issueCertificate({
    subject: csr.subject,
    subjectAltNames: csr.subjectAltNames,
    publicKey: csr.publicKey,
    ...issuerOf(ca),
    ...validity,
  });
}

/** A fresh key and a certificate for it, signed by `ca` or self-signed. */
export function issueKeyAndCertificate(
  subject: DistinguishedName,
  options: { subjectAltNames?: string[]; ca?: KeyAndCertificate; kind?: KeyKind } = {},
): KeyAndCertificate {
  const key = generateKey(options.kind);
  const signer = options.ca ? issuerOf(options.ca) : { issuer: subject, issuerKey: key };
  const certPem = issueCertificate({ subject, subjectAltNames: options.subjectAltNames, publicKey: key, ...signer });
  return { keyPem: keyPem(key), certPem };
}
