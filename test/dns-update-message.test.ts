import * as dnsPacket from "dns-packet";
import { describe, expect, it } from "vitest";
import type { RecordSet } from "../src/core/dns/records";
import {
  deleteRecords,
  encodeQuery,
  encodeUpdate,
  replaceRecordSet,
  type UpdateRequest,
} from "../src/core/dns/update-message";
import { layout, readName } from "../src/core/dns/wire";

// `nsupdate -v` for: prereq nxrrset SRV; update delete SRV; update add SRV; update add A (TSIG removed, ARCOUNT 0).
const nsupdateUpdate = Buffer.from(
  "26ef28000001000100030000076578616d706c6503636f6d00000600010f5f786d70702d636f6d706f6e656e74045f746370076578616d706c6503636f6d00002100fe000000000000c01d002100ff000000000000c01d00210001000151800017000a000a146703636231076578616d706c6503636f6d00c067000100010001518000047f000101",
  "hex",
);

/** Every record as name/type/class/ttl/rdata, names decompressed, so encodings can be compared. */
function records(message: Buffer) {
  return layout(message).records.map((r) => ({
    name: readName(message, r.start).name.toLowerCase(),
    type: r.type,
    class: message.readUInt16BE(r.classOffset),
    ttl: message.readUInt32BE(r.classOffset + 2),
    rdata: message.subarray(r.rdataOffset, r.end).toString("hex"),
  }));
}

const srvName = "_xmpp-component._tcp.example.com";
const srv: RecordSet = { name: srvName, type: "SRV", ttl: 86400, values: ["10 10 5223 cb1.example.com."] };

describe("RFC 2136 UPDATE encoding", () => {
  it("encodes the same sections, classes and RDATA as nsupdate", () => {
    const req: UpdateRequest = {
      zone: "example.com",
      prerequisites: [{ kind: "rrset-absent", name: srvName, type: "SRV" }],
      updates: [
        { kind: "delete-rrset", name: srvName, type: "SRV" },
        { kind: "add", name: srvName, type: "SRV", ttl: 86400, value: "10 10 5223 cb1.example.com." },
        { kind: "add", name: "cb1.example.com", type: "A", ttl: 86400, value: "127.0.1.1" },
      ],
    };
    const ours = encodeUpdate(0x26ef, req);
    expect(ours.subarray(0, 12).toString("hex")).toBe(nsupdateUpdate.subarray(0, 12).toString("hex"));
    expect(readName(ours, 12).name).toBe("example.com");
    expect(records(ours)).toEqual(records(nsupdateUpdate));
  });

  it("replaces a record set: prerequisite 'absent' on create, then delete RRset and add each value", () => {
    const two = { ...srv, values: ["10 10 5223 cb1.example.com.", "10 10 5223 cb2.example.com."] };
    const msg = encodeUpdate(1, replaceRecordSet("example.com", two, "absent"));
    expect(records(msg).map((r) => [r.class, r.ttl, r.rdata.length > 0])).toEqual([
      [254, 0, false], // NONE: RRset does not exist
      [255, 0, false], // ANY: delete the RRset
      [1, 86400, true],
      [1, 86400, true],
    ]);
    expect(msg.readUInt16BE(6)).toBe(1); // prerequisite count
    expect(msg.readUInt16BE(8)).toBe(3); // update count
  });

  it("guards an update with the values last seen (RRset exists, value dependent)", () => {
    const msg = encodeUpdate(1, replaceRecordSet("example.com", srv, { values: ["0 0 5222 old.example.com."] }));
    const [prereq] = records(msg);
    expect(prereq).toMatchObject({ class: 1, ttl: 0, type: 33 });
    // priority 0, weight 0, port 5222, target old.example.com.
    expect(prereq.rdata).toBe(["0000", "0000", "1466", "036f6c64076578616d706c6503636f6d00"].join(""));
  });

  it("adopts without prerequisites", () => {
    const msg = encodeUpdate(1, replaceRecordSet("example.com", srv, "anything"));
    expect(msg.readUInt16BE(6)).toBe(0);
  });

  it("deletes only the owned records, each with class NONE", () => {
    const msg = encodeUpdate(
      2,
      deleteRecords("example.com", { name: "cb1.example.com", type: "A", ttl: 86400, values: ["127.0.1.1"] }),
    );
    expect(records(msg)).toEqual([{ name: "cb1.example.com", type: 1, class: 254, ttl: 0, rdata: "7f000101" }]);
  });

  it("encodes AAAA values", () => {
    const set: RecordSet = { name: "cb1.example.com", type: "AAAA", ttl: 60, values: ["::1"] };
    const msg = encodeUpdate(3, replaceRecordSet("example.com", set, "anything"));
    expect(records(msg)[1]).toMatchObject({ type: 28, rdata: `${"00".repeat(15)}01` });
  });

  it("builds a non-recursive query", () => {
    const q = dnsPacket.decode(encodeQuery(9, srvName, "SRV"));
    expect(q).toMatchObject({ id: 9, flag_rd: false, questions: [{ name: srvName, type: "SRV", class: "IN" }] });
  });
});
