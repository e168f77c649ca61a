import { createPublicKey, type KeyObject, randomBytes } from "node:crypto";
import { bitString, explicit, sequence, smallInteger, time, unsignedInteger } from "./der";
import { basicConstraintsExtension, caKeyUsageExtension, subjectAltNameExtension } from "./extensions";
import { type DistinguishedName, encodeName } from "./name";
import { signatureAlgorithm, signSha256, toPem } from "./signing";

export interface CertificateRequest {
  subject: DistinguishedName;
  subjectAltNames?: string[];
  /** The key being certified. */
  publicKey: KeyObject;
  issuer: DistinguishedName;
  /** The issuer's private key (the subject's own for a self-signed certificate). */
  issuerKey: KeyObject;
  isCa?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}

const DAY_MS = 86_400_000;

function spki(key: KeyObject): Buffer {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  return publicKey.export({ type: "spki", format: "der" });
}

/** An X.509 v3 certificate as PEM. */
export function issueCertificate(request: CertificateRequest): string {
  const notBefore = request.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = request.notAfter ?? new Date(Date.now() + 365 * DAY_MS);
  const serial = randomBytes(12);
  serial[0] &= 0x7f;
  const extensions = [basicConstraintsExtension(request.isCa ?? false)];
  if (request.isCa) extensions.push(caKeyUsageExtension());
  if (request.subjectAltNames?.length) extensions.push(subjectAltNameExtension(request.subjectAltNames));
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    signatureAlgorithm(request.issuerKey),
    encodeName(request.issuer),
    sequence(time(notBefore), time(notAfter)),
    encodeName(request.subject),
    spki(request.publicKey),
    explicit(3, sequence(...extensions)),
  );
  const der = sequence(tbs, signatureAlgorithm(request.issuerKey), bitString(signSha256(tbs, request.issuerKey)));
  return toPem("CERTIFICATE", der);
}
