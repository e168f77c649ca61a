import * as dnsPacket from "dns-packet";
import { parseSrv, type RecordSet, type RecordType } from "./records";
import { CLASS_ANY, CLASS_IN, CLASS_NONE, layout, TYPE_CODES } from "./wire";

/** RFC 2136 §2.4 prerequisites this project uses. */
export type Prerequisite =
  /** "RRset does not exist": nobody created it since we looked. */
  | { kind: "rrset-absent"; name: string; type: RecordType }
  /** "RRset exists (value dependent)": it still holds exactly these values (TTL is not compared). */
  | { kind: "rrset-equals"; name: string; type: RecordType; values: string[] };

/** RFC 2136 §2.5 update operations. */
export type UpdateOperation =
  | { kind: "delete-rrset"; name: string; type: RecordType }
  | { kind: "add"; name: string; type: RecordType; ttl: number; value: string }
  | { kind: "delete-rr"; name: string; type: RecordType; value: string };

export interface UpdateRequest {
  zone: string;
  prerequisites: Prerequisite[];
  updates: UpdateOperation[];
}

const OPCODE_UPDATE = 5;

/**
 * Replaces one RRset in a single atomic UPDATE: delete the RRset, then add every wanted record.
 * `expected` is what the stack last saw: "absent" on create, the old values on update, "anything" when adopting.
 * The prerequisite makes the update fail, changing nothing, if someone else changed the set in between.
 */
export function replaceRecordSet(
  zone: string,
  wanted: RecordSet,
  expected: "absent" | "anything" | { values: string[] },
): UpdateRequest {
  const { name, type } = wanted;
  const prerequisites: Prerequisite[] =
    expected === "anything"
      ? []
      : expected === "absent"
        ? [{ kind: "rrset-absent", name, type }]
        : [{ kind: "rrset-equals", name, type, values: expected.values }];
  return {
    zone,
    prerequisites,
    updates: [
      { kind: "delete-rrset", name, type },
      ...wanted.values.map((value) => ({ kind: "add" as const, name, type, ttl: wanted.ttl, value })),
    ],
  };
}

/** Deletes exactly the given records, one by one, so records at the same name that others added stay. */
export function deleteRecords(zone: string, owned: RecordSet): UpdateRequest {
  const { name, type } = owned;
  return { zone, prerequisites: [], updates: owned.values.map((value) => ({ kind: "delete-rr", name, type, value })) };
}

interface WireRecord {
  name: string;
  type: RecordType;
  cls: number;
  ttl: number;
  value?: string;
}

/** Encodes an UPDATE: zone section = the zone's SOA, prerequisite section, update section. Unsigned. */
export function encodeUpdate(id: number, req: UpdateRequest): Buffer {
  const prerequisites: WireRecord[] = req.prerequisites.flatMap((p): WireRecord[] =>
    p.kind === "rrset-absent"
      ? [{ name: p.name, type: p.type, cls: CLASS_NONE, ttl: 0 }]
      : p.values.map((value) => ({ name: p.name, type: p.type, cls: CLASS_IN, ttl: 0, value })),
  );
  const updates = req.updates.map((u): WireRecord => {
    if (u.kind === "delete-rrset") return { name: u.name, type: u.type, cls: CLASS_ANY, ttl: 0 };
    if (u.kind === "delete-rr") return { name: u.name, type: u.type, cls: CLASS_NONE, ttl: 0, value: u.value };
    return { name: u.name, type: u.type, cls: CLASS_IN, ttl: u.ttl, value: u.value };
  });
  const encoded = dnsPacket.encode({
    id,
    type: "query",
    flags: OPCODE_UPDATE << 11,
    questions: [{ name: req.zone, type: "SOA", class: "IN" }],
    answers: prerequisites.map(toPacketRecord),
    authorities: updates.map(toPacketRecord),
  });
  // dns-packet cannot write class NONE (RFC 2136's "delete this RR"), so every class is written here.
  const all = [...prerequisites, ...updates];
  layout(encoded).records.forEach((loc, i) => {
    encoded.writeUInt16BE(all[i].cls, loc.classOffset);
  });
  return encoded;
}

/** A non-recursive query, for reading what an authoritative server holds. */
export function encodeQuery(id: number, name: string, type: RecordType): Buffer {
  return dnsPacket.encode({ id, type: "query", flags: 0, questions: [{ name, type, class: "IN" }] });
}

function toPacketRecord(r: WireRecord): dnsPacket.Answer {
  if (r.value === undefined) {
    // Empty RDATA through dns-packet's "unknown" codec, which its typings do not list.
    return {
      name: r.name,
      type: `UNKNOWN_${TYPE_CODES[r.type]}`,
      class: "IN",
      ttl: r.ttl,
      data: Buffer.alloc(0),
    } as unknown as dnsPacket.Answer;
  }
  if (r.type === "SRV") return { name: r.name, type: "SRV", class: "IN", ttl: r.ttl, data: parseSrv(r.value) };
  return { name: r.name, type: r.type, class: "IN", ttl: r.ttl, data: r.value };
}
