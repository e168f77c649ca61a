import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";

/** What a file in the MMP's flat namespace holds, read the way the MMP would (PEM, or DER as a fallback). */
export interface PemContents {
  certificates: X509Certificate[];
  privateKey: KeyObject | null;
  csrPem: string | null;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function tryKey(data: Buffer | string): KeyObject | null {
  try {
    return typeof data === "string"
      ? createPrivateKey(data)
      : createPrivateKey({ key: data, format: "der", type: "pkcs8" });
  } catch {
    return null;
  }
}

function tryCertificate(data: Buffer | string): X509Certificate | null {
  try {
    return new X509Certificate(data);
  } catch {
    return null;
  }
}

export function readPemContents(data: Buffer): PemContents {
  const text = data.toString("latin1");
  const contents: PemContents = { certificates: [], privateKey: null, csrPem: null };
  const blocks = [...text.matchAll(BLOCK)];
  if (blocks.length === 0) {
    const certificate = tryCertificate(data);
    if (certificate) contents.certificates.push(certificate);
    else contents.privateKey = tryKey(data);
    return contents;
  }
  for (const [block, label] of blocks) {
    if (label === "CERTIFICATE") {
      const certificate = tryCertificate(block);
      if (certificate) contents.certificates.push(certificate);
    } else if (label.endsWith("PRIVATE KEY")) {
      contents.privateKey ??= tryKey(block);
    } else if (label.endsWith("CERTIFICATE REQUEST")) {
      contents.csrPem ??= block;
    }
  }
  return contents;
}

export function isPkiFile(name: string, data: Buffer): boolean {
  if (/\.(key|crt|cer|pem|csr|der|p12|pfx)$/i.test(name)) return true;
  const contents = readPemContents(data);
  return contents.certificates.length > 0 || contents.privateKey !== null || contents.csrPem !== null;
}
