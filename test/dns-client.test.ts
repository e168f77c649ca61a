import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyUpdate, DnsError, queryRecordSet, type Rfc2136Target } from "../src/clients/dns/rfc2136-client";
import type { RecordSet } from "../src/core/dns/records";
import { deleteRecords, replaceRecordSet } from "../src/core/dns/update-message";
import { type BindServer, bindSkipReason, digShort, nsupdate, startBind, zoneRecords } from "./support/bind";

const skip = bindSkipReason();
const srv: RecordSet = {
  name: "_xmpp-component._tcp.example.com",
  type: "SRV",
  ttl: 86400,
  values: ["10 10 5223 cb1.example.com.", "10 10 5223 cb2.example.com."],
};

describe.skipIf(skip)("RFC 2136 client against BIND on loopback", () => {
  let bind: BindServer;
  let target: Rfc2136Target;
  beforeAll(() => {
    bind = startBind(["example.com", "tptac9.com"]);
    target = { server: { host: bind.host, port: bind.port }, zone: "example.com", key: bind.key, timeoutMs: 3000 };
  });
  afterAll(() => bind?.stop());

  it("creates a record set in one signed update, and dig sees exactly it", async () => {
    await applyUpdate(target, replaceRecordSet("example.com", srv, "absent"));
    expect(digShort(bind, srv.name, "SRV")).toEqual(["10 10 5223 cb1.example.com.", "10 10 5223 cb2.example.com."]);
    expect(await queryRecordSet(target, srv.name, "SRV")).toEqual({ ttl: 86400, values: srv.values });
  });

  it("refuses to create a set that already exists, and changes nothing", async () => {
    const other = { ...srv, values: ["0 0 5223 cb9.example.com."] };
    await expect(applyUpdate(target, replaceRecordSet("example.com", other, "absent"))).rejects.toThrow(
      /\(YXRRSET\): the records on the server changed since this stack last read them/,
    );
    expect(digShort(bind, srv.name, "SRV")).toHaveLength(2);
  });

  it("replaces a set only while it still holds what the stack last saw", async () => {
    const three = { ...srv, values: [...srv.values, "10 10 5223 cb3.example.com."] };
    const stale = { values: ["10 10 5223 cb1.example.com."] };
    await expect(applyUpdate(target, replaceRecordSet("example.com", three, stale))).rejects.toThrow(/NXRRSET/);
    expect(digShort(bind, srv.name, "SRV")).toHaveLength(2);
    await applyUpdate(target, replaceRecordSet("example.com", three, { values: srv.values }));
    expect(digShort(bind, srv.name, "SRV")).toEqual(three.values);
  });

  it("deletes only the records it names, leaving one added by hand", async () => {
    nsupdate(bind, ["zone example.com", `update add ${srv.name}. 86400 IN SRV 10 10 5223 legacy.example.com.`]);
    await applyUpdate(
      target,
      deleteRecords("example.com", { ...srv, values: [...srv.values, "10 10 5223 cb3.example.com."] }),
    );
    expect(digShort(bind, srv.name, "SRV")).toEqual(["10 10 5223 legacy.example.com."]);
    nsupdate(bind, ["zone example.com", `update delete ${srv.name}. SRV`]);
  });

  it("returns undefined for a name with no records, and reads AAAA", async () => {
    expect(await queryRecordSet(target, "nothing.example.com", "A")).toBeUndefined();
    expect(await queryRecordSet(target, "ns1.example.com", "AAAA")).toBeUndefined();
    const v6: RecordSet = { name: "v6.example.com", type: "AAAA", ttl: 60, values: ["::1"] };
    await applyUpdate(target, replaceRecordSet("example.com", v6, "absent"));
    expect(await queryRecordSet({ ...target, key: undefined }, v6.name, "AAAA")).toEqual({ ttl: 60, values: ["::1"] });
  });

  it("fails with plain words for a wrong secret, and changes nothing", async () => {
    const before = zoneRecords(bind);
    const wrong = { ...target, key: { ...bind.key, secret: Buffer.alloc(32, 9).toString("base64") } };
    const attempt = applyUpdate(wrong, replaceRecordSet("example.com", { ...srv, name: "x.example.com" }, "absent"));
    await expect(attempt).rejects.toThrow(
      /rejected the change to zone "example.com" \(NOTAUTH\/BADSIG\): the TSIG key is wrong or not allowed: the secret of key "cms-test-key" does not match/,
    );
    await expect(attempt).rejects.toBeInstanceOf(DnsError);
    expect(zoneRecords(bind)).toEqual(before);
  });

  it("fails with plain words for an unknown key name and for a key that may not update", async () => {
    const unknown = { ...target, key: { ...bind.key, name: "no-such-key" } };
    await expect(applyUpdate(unknown, replaceRecordSet("example.com", srv, "absent"))).rejects.toThrow(
      /\(NOTAUTH\/BADKEY\): the TSIG key is wrong or not allowed: the server has no key named "no-such-key"/,
    );
    const notAllowed = { ...target, key: bind.otherKey };
    await expect(applyUpdate(notAllowed, replaceRecordSet("example.com", srv, "absent"))).rejects.toThrow(
      /\(REFUSED\): the TSIG key is wrong or not allowed: .*key "cms-other-key" may not update/,
    );
    expect(digShort(bind, srv.name, "SRV")).toEqual([]);
  });

  it("fails with plain words for a zone the server does not have, or a record outside the zone", async () => {
    const wrongZone = { ...target, zone: "example.org" };
    await expect(
      applyUpdate(wrongZone, replaceRecordSet("example.org", { ...srv, name: "a.example.org" }, "absent")),
    ).rejects.toThrow(
      /zone "example.org" \(NOTAUTH\): .*the zone is wrong: the server is not authoritative for "example.org"/,
    );
    await expect(
      applyUpdate(target, replaceRecordSet("example.com", { ...srv, name: "a.tptac9.com" }, "absent")),
    ).rejects.toThrow(/\(NOTZONE\): the zone is wrong: a record name is not inside "example.com"/);
  });

  it("says when the server cannot be reached", async () => {
    const closed = { ...target, server: { host: "127.0.0.1", port: 9 } };
    await expect(queryRecordSet(closed, srv.name, "SRV")).rejects.toThrow(
      /cannot reach DNS server 127.0.0.1:9: ECONNREFUSED/,
    );
  });
});
