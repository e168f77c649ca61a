/** Small DNS wire-format helpers that dns-packet does not expose: canonical names and record offsets. */

export const HEADER_LENGTH = 12;
export const CLASS_IN = 1;
export const CLASS_NONE = 254;
export const CLASS_ANY = 255;
export const TYPE_CODES = { A: 1, SRV: 33, AAAA: 28, SOA: 6, ANY: 255, TSIG: 250 } as const;

/** Uncompressed, lower-case wire form of a name, as TSIG's canonical form requires. */
export function encodeName(name: string): Buffer {
  const labels = name.toLowerCase().replace(/\.$/, "").split(".").filter(Boolean);
  const parts = labels.map((label) => {
    const bytes = Buffer.from(label, "ascii");
    if (bytes.length > 63) throw new Error(`DNS label "${label}" is longer than 63 bytes`);
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** Reads a (possibly compressed) name; returns it and the offset just after it in the message. */
export function readName(buf: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  for (let jumps = 0; jumps < 128; jumps++) {
    const len = buf.readUInt8(pos);
    if (len === 0) return { name: labels.join("."), next: next === -1 ? pos + 1 : next };
    if ((len & 0xc0) === 0xc0) {
      if (next === -1) next = pos + 2;
      pos = buf.readUInt16BE(pos) & 0x3fff;
      continue;
    }
    labels.push(buf.toString("ascii", pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  throw new Error("DNS name has too many compression pointers");
}

export interface RecordLocation {
  start: number;
  type: number;
  classOffset: number;
  rdataOffset: number;
  end: number;
}

export interface MessageLayout {
  id: number;
  counts: { question: number; answer: number; authority: number; additional: number };
  /** Every record after the question section, in order: answer, authority (update), additional. */
  records: RecordLocation[];
}

export function layout(buf: Buffer): MessageLayout {
  if (buf.length < HEADER_LENGTH) throw new Error("DNS message is shorter than its header");
  const counts = {
    question: buf.readUInt16BE(4),
    answer: buf.readUInt16BE(6),
    authority: buf.readUInt16BE(8),
    additional: buf.readUInt16BE(10),
  };
  let pos = HEADER_LENGTH;
  for (let i = 0; i < counts.question; i++) pos = readName(buf, pos).next + 4;
  const records: RecordLocation[] = [];
  const total = counts.answer + counts.authority + counts.additional;
  for (let i = 0; i < total; i++) {
    const start = pos;
    const afterName = readName(buf, pos).next;
    const rdlength = buf.readUInt16BE(afterName + 8);
    const end = afterName + 10 + rdlength;
    if (end > buf.length) throw new Error("DNS record runs past the end of the message");
    records.push({
      start,
      type: buf.readUInt16BE(afterName),
      classOffset: afterName + 2,
      rdataOffset: afterName + 10,
      end,
    });
    pos = end;
  }
  return { id: buf.readUInt16BE(0), counts, records };
}
