import * as dnsPacket from "dns-packet";
import { canonicalName, canonicalValues, formatSrv, type RecordType } from "./records";

export interface ObservedRecordSet {
  ttl: number;
  values: string[];
}

/** The response code (0-15) from a reply's header. */
export function responseCode(reply: Buffer): number {
  return reply.readUInt16BE(2) & 0xf;
}

/** The records of `type` at `name` in a reply's answer section; undefined when there are none. */
export function answerRecordSet(reply: Buffer, name: string, type: RecordType): ObservedRecordSet | undefined {
  const wanted = canonicalName(name);
  const values: string[] = [];
  let ttl = Number.POSITIVE_INFINITY;
  for (const a of dnsPacket.decode(reply).answers ?? []) {
    if (a.type !== type || canonicalName(a.name) !== wanted) continue;
    if (a.type === "SRV")
      values.push(formatSrv({ ...a.data, priority: a.data.priority ?? 0, weight: a.data.weight ?? 0 }));
    else if (a.type === "A" || a.type === "AAAA") values.push(a.data);
    ttl = Math.min(ttl, a.ttl ?? 0);
  }
  return values.length === 0 ? undefined : { ttl, values: canonicalValues(type, values) };
}
