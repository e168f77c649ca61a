import { describe, expect, it } from "vitest";
import { blastRadius, blastRadiusRefusal } from "../src/core/dns/blast-radius";
import { type DnsNodeInput, type DnsRecordOptions, xmppRecordSets } from "../src/core/dns/records";

const opts: DnsRecordOptions = { ttl: 86400, componentPort: 5223, clientPort: 5222, srv: { priority: 10, weight: 10 } };
const node = (i: number): DnsNodeInput => ({ name: `cb${i}`, fqdn: `cb${i}.tptac9.com`, address: `127.0.1.${i}` });
const cluster = (n: number, o = opts) =>
  xmppRecordSets(
    "tptac9.com",
    Array.from({ length: n }, (_, i) => node(i + 1)),
    o,
  );

describe("blast-radius guard", () => {
  it("allows the first deployment and adding a node", () => {
    expect(blastRadiusRefusal([], cluster(3), false)).toBeUndefined();
    expect(blastRadius(cluster(3), cluster(4))).toEqual({ existing: 9, removed: [] });
    expect(blastRadiusRefusal(cluster(3), cluster(4), false)).toBeUndefined();
  });

  it("allows removing one node of three (exactly a third)", () => {
    expect(blastRadius(cluster(3), cluster(2)).removed).toEqual([
      "_xmpp-client._tcp.tptac9.com 86400 SRV 10 10 5222 cb3.tptac9.com.",
      "_xmpp-component._tcp.tptac9.com 86400 SRV 10 10 5223 cb3.tptac9.com.",
      "cb3.tptac9.com 86400 A 127.0.1.3",
    ]);
    expect(blastRadiusRefusal(cluster(3), cluster(2), false)).toBeUndefined();
  });

  it("refuses removing two nodes of five, or a new TTL on everything, unless allowed", () => {
    const refusal = blastRadiusRefusal(cluster(5), cluster(3), false);
    expect(refusal).toMatch(/deletes or replaces 6 of the stack's 15 DNS records, more than a third/);
    expect(refusal).toMatch(/set dns.allowLargeChanges: true/);
    expect(refusal).toMatch(/Nothing was changed/);
    expect(blastRadiusRefusal(cluster(5), cluster(3), true)).toBeUndefined();
    expect(blastRadiusRefusal(cluster(3), cluster(3, { ...opts, ttl: 300 }), false)).toMatch(/9 of the stack's 9/);
  });

  it("counts a changed SRV port as replacing those records", () => {
    const moved = cluster(3, { ...opts, componentPort: 5269 });
    expect(blastRadius(cluster(3), moved).removed).toHaveLength(3);
    expect(blastRadiusRefusal(cluster(3), moved, false)).toBeUndefined();
  });

  it("lists at most ten records", () => {
    const refusal = blastRadiusRefusal(cluster(9), [], false) ?? "";
    expect(refusal.split("\n  - ")).toHaveLength(11);
    expect(refusal).toMatch(/… and 17 more/);
  });
});
