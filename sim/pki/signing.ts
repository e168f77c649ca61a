import { type KeyObject, sign } from "node:crypto";
import { nullValue, objectIdentifier, sequence } from "./der";
import { OID } from "./oids";

/** AlgorithmIdentifier for a SHA-256 signature made with this private key (RSA or EC). */
export function signatureAlgorithm(key: KeyObject): Buffer {
  return key.asymmetricKeyType === "ec"
    ? sequence(objectIdentifier(OID.ecdsaWithSHA256))
    : sequence(objectIdentifier(OID.sha256WithRSA), nullValue());
}

export function signSha256(data: Buffer, key: KeyObject): Buffer {
  return sign("sha256", data, key);
}

export function toPem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export function fromPem(pem: string, label: string): Buffer {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!match) throw new Error(`no ${label} block`);
  return Buffer.from(match[1].replace(/\s+/g, ""), "base64");
}
