/** Minimal DER decoder: a tree of TLVs, enough to read back PKCS#10 requests. */

export interface Asn1Node {
  tag: number;
  /** The value bytes. */
  content: Buffer;
  /** The whole TLV, header included (what a signature covers). */
  raw: Buffer;
  children: Asn1Node[];
}

export function parseDer(buffer: Buffer, offset = 0): Asn1Node {
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buffer[offset + 2 + i];
    header += count;
  }
  if (offset + header + length > buffer.length) throw new Error("truncated DER");
  const content = buffer.subarray(offset + header, offset + header + length);
  const children: Asn1Node[] = [];
  if (tag & 0x20) {
    for (let pos = 0; pos < content.length; ) {
      const child = parseDer(content, pos);
      children.push(child);
      pos += child.raw.length;
    }
  }
  return { tag, content, raw: buffer.subarray(offset, offset + header + length), children };
}

export function decodeObjectIdentifier(content: Buffer): string {
  const parts = [Math.floor(content[0] / 40), content[0] % 40];
  let value = 0;
  for (const byte of content.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}
