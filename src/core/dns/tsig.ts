import { createHmac, timingSafeEqual } from "node:crypto";
import { CLASS_ANY, encodeName, layout, readName, TYPE_CODES } from "./wire";

/** A TSIG key (RFC 8945). `secret` is base64, as `tsig-keygen` prints it. */
export interface TsigKey {
  name: string;
  algorithm: "hmac-sha256";
  secret: string;
}

export interface TsigRecord {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
}

export const TSIG_ERRORS = { BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;
export const DEFAULT_FUDGE = 300;
const HASH = { "hmac-sha256": "sha256" } as const;

export type TsigCheck =
  | { ok: true; record: TsigRecord }
  | { ok: false; problem: "unsigned" | "tsig-error" | "wrong-key" | "bad-mac" | "bad-time"; record?: TsigRecord };

/** Appends a TSIG record to an encoded message. Returns the signed message and its MAC (needed to verify the reply). */
export function sign(
  message: Buffer,
  key: TsigKey,
  timeSigned: number,
  fudge = DEFAULT_FUDGE,
): { message: Buffer; mac: Buffer } {
  const vars = { keyName: key.name, algorithm: key.algorithm, timeSigned, fudge, error: 0, otherData: Buffer.alloc(0) };
  const mac = hmac(key, [message, variables(vars)]);
  const record = encodeTsigRecord({ ...vars, mac, originalId: message.readUInt16BE(0) });
  const signed = Buffer.concat([message, record]);
  signed.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { message: signed, mac };
}

/**
 * Verifies the TSIG on a message: a request when `requestMac` is absent, else the reply to that request.
 * The server's error field and MAC size are checked before the MAC, as an unsigned error reply has an empty MAC.
 */
export function verify(message: Buffer, key: TsigKey, nowSeconds: number, requestMac?: Buffer): TsigCheck {
  const found = readTsig(message);
  if (!found) return { ok: false, problem: "unsigned" };
  const { record, start } = found;
  if (record.error !== 0) return { ok: false, problem: "tsig-error", record };
  if (!sameName(record.keyName, key.name) || !sameName(record.algorithm, key.algorithm)) {
    return { ok: false, problem: "wrong-key", record };
  }
  const unsigned = Buffer.from(message.subarray(0, start));
  unsigned.writeUInt16BE(record.originalId, 0);
  unsigned.writeUInt16BE(message.readUInt16BE(10) - 1, 10);
  const prefix = requestMac ? [u16(requestMac.length), requestMac] : [];
  const expected = hmac(key, [...prefix, unsigned, variables(record)]);
  if (record.mac.length !== expected.length || !timingSafeEqual(record.mac, expected)) {
    return { ok: false, problem: "bad-mac", record };
  }
  if (Math.abs(nowSeconds - record.timeSigned) > record.fudge) return { ok: false, problem: "bad-time", record };
  return { ok: true, record };
}

/** The TSIG record, which must be the last record of the additional section, and where it starts. */
export function readTsig(message: Buffer): { record: TsigRecord; start: number } | undefined {
  const { counts, records } = layout(message);
  const last = records[records.length - 1];
  if (counts.additional === 0 || !last || last.type !== TYPE_CODES.TSIG) return undefined;
  try {
    const keyName = readName(message, last.start).name;
    return { record: { keyName, ...decodeTsigRdata(message, last.rdataOffset, last.end) }, start: last.start };
  } catch {
    throw new Error("the TSIG record of a DNS message is malformed");
  }
}

function decodeTsigRdata(message: Buffer, rdataOffset: number, end: number): Omit<TsigRecord, "keyName"> {
  const alg = readName(message, rdataOffset);
  let pos = alg.next;
  const timeSigned = message.readUIntBE(pos, 6);
  const fudge = message.readUInt16BE(pos + 6);
  const macSize = message.readUInt16BE(pos + 8);
  pos += 10;
  const mac = Buffer.from(message.subarray(pos, pos + macSize));
  pos += macSize;
  const originalId = message.readUInt16BE(pos);
  const error = message.readUInt16BE(pos + 2);
  const otherLen = message.readUInt16BE(pos + 4);
  const otherData = Buffer.from(message.subarray(pos + 6, pos + 6 + otherLen));
  if (pos + 6 + otherLen !== end || mac.length !== macSize) throw new Error("TSIG RDATA length mismatch");
  return { algorithm: alg.name, timeSigned, fudge, mac, originalId, error, otherData };
}

function encodeTsigRecord(r: TsigRecord): Buffer {
  const rdata = Buffer.concat([
    encodeName(r.algorithm),
    u48(r.timeSigned),
    u16(r.fudge),
    u16(r.mac.length),
    r.mac,
    u16(r.originalId),
    u16(r.error),
    u16(r.otherData.length),
    r.otherData,
  ]);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(TYPE_CODES.TSIG, 0);
  fixed.writeUInt16BE(CLASS_ANY, 2);
  fixed.writeUInt32BE(0, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(r.keyName), fixed, rdata]);
}

type Variables = Pick<TsigRecord, "keyName" | "algorithm" | "timeSigned" | "fudge" | "error" | "otherData">;

/** RFC 8945 §4.3.3: the TSIG variables in canonical form. */
function variables(v: Variables): Buffer {
  const classAndTtl = Buffer.alloc(6);
  classAndTtl.writeUInt16BE(CLASS_ANY, 0);
  return Buffer.concat([
    encodeName(v.keyName),
    classAndTtl,
    encodeName(v.algorithm),
    u48(v.timeSigned),
    u16(v.fudge),
    u16(v.error),
    u16(v.otherData.length),
    v.otherData,
  ]);
}

function hmac(key: TsigKey, parts: Buffer[]): Buffer {
  const h = createHmac(HASH[key.algorithm], Buffer.from(key.secret, "base64"));
  for (const p of parts) h.update(p);
  return h.digest();
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, "") === b.toLowerCase().replace(/\.$/, "");
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}
