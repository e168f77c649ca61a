import { describe, expect, it } from "vitest";
import {
  addressRecord,
  canonicalValues,
  type DnsNodeInput,
  type DnsRecordOptions,
  parseSrv,
  xmppRecordSets,
} from "../src/core/dns/records";

const nodes: DnsNodeInput[] = [
  { name: "cb1", fqdn: "cb1.tptac9.com", address: "127.0.1.1" },
  { name: "cb2", fqdn: "cb2.tptac9.com", address: "127.0.1.2" },
  { name: "cb3", fqdn: "cb3.tptac9.com", address: "127.0.1.3" },
];
const opts: DnsRecordOptions = {
  zone: "tptac9.com",
  ttl: 86400,
  componentPort: 5223,
  clientPort: 5222,
  srv: { priority: 10, weight: 10 },
};

describe("xmppRecordSets", () => {
  it("builds one component SRV target, one client SRV target and one A record per node", () => {
    expect(xmppRecordSets("tptac9.com", nodes, opts)).toEqual([
      {
        name: "_xmpp-client._tcp.tptac9.com",
        type: "SRV",
        ttl: 86400,
        values: ["10 10 5222 cb1.tptac9.com.", "10 10 5222 cb2.tptac9.com.", "10 10 5222 cb3.tptac9.com."],
      },
      {
        name: "_xmpp-component._tcp.tptac9.com",
        type: "SRV",
        ttl: 86400,
        values: ["10 10 5223 cb1.tptac9.com.", "10 10 5223 cb2.tptac9.com.", "10 10 5223 cb3.tptac9.com."],
      },
      { name: "cb1.tptac9.com", type: "A", ttl: 86400, values: ["127.0.1.1"] },
      { name: "cb2.tptac9.com", type: "A", ttl: 86400, values: ["127.0.1.2"] },
      { name: "cb3.tptac9.com", type: "A", ttl: 86400, values: ["127.0.1.3"] },
    ]);
  });

  it("cannot reproduce the TechNote's mistake (two SRV records at cb2, none at cb3)", () => {
    const copyPasted = [nodes[0], nodes[1], { ...nodes[1], name: "cb3" }];
    expect(() => xmppRecordSets("tptac9.com", copyPasted, opts)).toThrow(
      /nodes cb2 and cb3 have the same fqdn "cb2.tptac9.com"[\s\S]*nodes cb2 and cb3 have the same address "127.0.1.2"/,
    );
    const sameName = [nodes[0], nodes[1], { ...nodes[2], name: "CB2" }];
    expect(() => xmppRecordSets("tptac9.com", sameName, opts)).toThrow(/nodes cb2 and CB2 have the same name/);
  });

  it("lists every node exactly once in each SRV set, whatever the node count and order", () => {
    for (let count = 1; count <= 9; count++) {
      const many = Array.from({ length: count }, (_, i) => ({
        name: `n${i}`,
        fqdn: `n${i}.tptac9.com`,
        address: `127.0.1.${i + 1}`,
      })).reverse();
      const sets = xmppRecordSets("tptac9.com", many, opts);
      for (const srv of sets.filter((s) => s.type === "SRV")) {
        expect(srv.values.map((v) => parseSrv(v).target).sort()).toEqual(many.map((n) => n.fqdn).sort());
      }
      expect(sets.filter((s) => s.type === "A").map((s) => s.name)).toEqual(many.map((n) => n.fqdn).sort());
    }
  });

  it("uses AAAA for IPv6 addresses, in canonical form", () => {
    const v6 = [{ name: "cb1", fqdn: "cb1.tptac9.com", address: "::FFFF:0:0:0:1" }];
    expect(xmppRecordSets("tptac9.com", v6, opts).find((s) => s.name === "cb1.tptac9.com")).toEqual({
      name: "cb1.tptac9.com",
      type: "AAAA",
      ttl: 86400,
      values: ["::ffff:0:0:0:1"],
    });
  });

  it("applies ports, TTL, priority and weight from the options", () => {
    const sets = xmppRecordSets("tptac9.com", nodes, {
      ...opts,
      ttl: 300,
      componentPort: 5269,
      clientPort: 5333,
      srv: { priority: 5, weight: 50 },
    });
    expect(sets.every((s) => s.ttl === 300)).toBe(true);
    expect(sets[1].values[0]).toBe("5 50 5269 cb1.tptac9.com.");
    expect(sets[0].values[0]).toBe("5 50 5333 cb1.tptac9.com.");
  });

  it("pins a preferred node through a lower priority, listed first", () => {
    const sets = xmppRecordSets("tptac9.com", nodes, {
      ...opts,
      srv: { priority: 10, weight: 10, perNode: { cb3: { priority: 0 }, cb2: { weight: 90 } } },
    });
    expect(sets[1].values).toEqual([
      "0 10 5223 cb3.tptac9.com.",
      "10 10 5223 cb1.tptac9.com.",
      "10 90 5223 cb2.tptac9.com.",
    ]);
  });

  it("puts only the chosen nodes in the client SRV", () => {
    const sets = xmppRecordSets("tptac9.com", nodes, { ...opts, clientNodes: ["cb2"] });
    expect(sets[0].values).toEqual(["10 10 5222 cb2.tptac9.com."]);
    expect(sets[1].values).toHaveLength(3);
  });

  it("rejects overrides and client nodes that name no node, and a node listed twice", () => {
    expect(() =>
      xmppRecordSets("tptac9.com", nodes, {
        ...opts,
        srv: { priority: 10, weight: 10, perNode: { cb4: { priority: 0 } } },
      }),
    ).toThrow(/srv.perNode: "cb4" is not one of the nodes \(cb1, cb2, cb3\)/);
    expect(() => xmppRecordSets("tptac9.com", nodes, { ...opts, clientNodes: ["cb1", "cb1"] })).toThrow(
      /clientNodes: a node is listed twice/,
    );
    expect(() => xmppRecordSets("tptac9.com", nodes, { ...opts, clientNodes: ["xb"] })).toThrow(/clientNodes: "xb"/);
    expect(() => xmppRecordSets("tptac9.com", nodes, { ...opts, clientNodes: [] })).toThrow(/at least one node/);
  });

  it("rejects bad names, addresses, ports, TTLs and records outside the zone, listing every problem", () => {
    const bad = [
      { name: "cb1", fqdn: "cb1..tptac9.com", address: "127.0.1.1" },
      { name: "cb2", fqdn: "cb2.other.org", address: "cb2.tptac9.com" },
    ];
    const run = () =>
      xmppRecordSets("tptac9.com", bad, { ...opts, ttl: 0, componentPort: 70000, srv: { priority: -1, weight: 10 } });
    expect(run).toThrow(/fqdn "cb1..tptac9.com" is not a DNS name/);
    expect(run).toThrow(/address "cb2.tptac9.com" is not an IPv4 or IPv6 address/);
    expect(run).toThrow(/fqdn "cb2.other.org" is outside zone "tptac9.com"/);
    expect(run).toThrow(/ttl 0 is out of range/);
    expect(run).toThrow(/componentPort 70000 is not a TCP port/);
    expect(run).toThrow(/srv.priority -1 is not 0-65535/);
    expect(() => xmppRecordSets("tptac9.com", [], opts)).toThrow(/list at least one XMPP node/);
    expect(() => xmppRecordSets("xmpp.other.org", nodes, opts)).toThrow(/domain "xmpp.other.org" is outside zone/);
  });

  it("canonicalises names: lower case, no trailing dot", () => {
    const mixed = [{ name: "cb1", fqdn: "CB1.TPTAC9.com.", address: "127.0.1.1" }];
    const sets = xmppRecordSets("TPTAC9.com.", mixed, opts);
    expect(sets.map((s) => s.name)).toEqual([
      "_xmpp-client._tcp.tptac9.com",
      "_xmpp-component._tcp.tptac9.com",
      "cb1.tptac9.com",
    ]);
    expect(sets[0].values).toEqual(["10 10 5222 cb1.tptac9.com."]);
  });
});

describe("record values", () => {
  it("parses and canonicalises SRV values, sorted by priority, weight, port, target", () => {
    expect(
      canonicalValues("SRV", ["10 1 5223 B.example.com", "0 0 5223 c.example.com.", "10 1 5223 a.example.com"]),
    ).toEqual(["0 0 5223 c.example.com.", "10 1 5223 a.example.com.", "10 1 5223 b.example.com."]);
    expect(() => parseSrv("10 50 522")).toThrow(/not an SRV value/);
    expect(() => parseSrv("10 50 70000 cb1.example.com")).toThrow(/not an SRV value/);
  });

  it("tells A from AAAA and refuses the wrong family", () => {
    expect(addressRecord("127.0.1.7")).toEqual({ type: "A", value: "127.0.1.7" });
    expect(addressRecord("::1")).toEqual({ type: "AAAA", value: "::1" });
    expect(() => canonicalValues("A", ["::1"])).toThrow(/not an A address/);
    expect(canonicalValues("A", ["127.0.1.2", "127.0.1.1", "127.0.1.2"])).toEqual(["127.0.1.1", "127.0.1.2"]);
  });
});
