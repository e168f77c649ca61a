import { splitPemBlocks } from "./pem";

interface Tlv {
  tag: number;
  /** Offset of the value's first byte. */
  start: number;
  /** Offset just past the value. */
  end: number;
  /** Offset of the tag byte. */
  header: number;
}

function readTlv(der: Buffer, offset: number): Tlv {
  if (offset + 2 > der.length) throw new Error("truncated DER");
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) throw new Error("bad DER length");
    length = der.readUIntBE(start, bytes);
    start += bytes;
  }
  if (start + length > der.length) throw new Error("truncated DER");
  return { tag, start, end: start + length, header: offset };
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;

/**
 * The SubjectPublicKeyInfo (DER) of a PKCS#10 request: CertificationRequest ::= SEQUENCE { info SEQUENCE { version,
 * subject, subjectPKInfo, attributes }, … }. node:crypto parses certificates but not requests, hence this reader.
 */
export function csrPublicKeyDer(csrPem: string, what: string): Buffer {
  const block = splitPemBlocks(csrPem).find(
    (b) => b.type === "CERTIFICATE REQUEST" || b.type === "NEW CERTIFICATE REQUEST",
  );
  if (!block) throw new Error(`${what}: no "-----BEGIN CERTIFICATE REQUEST-----" block found`);
  const der = Buffer.from(block.pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  try {
    const request = readTlv(der, 0);
    const info = readTlv(der, request.start);
    const version = readTlv(der, info.start);
    const subject = readTlv(der, version.end);
    const spki = readTlv(der, subject.end);
    if ([request, info, subject, spki].some((t) => t.tag !== SEQUENCE) || version.tag !== INTEGER) {
      throw new Error("unexpected structure");
    }
    return der.subarray(spki.header, spki.end);
  } catch (err) {
    throw new Error(`${what}: is not a valid certificate request (${(err as Error).message})`);
  }
}
