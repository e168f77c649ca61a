import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { type DnsConfigInput, dnsConfigSchema } from "../src/core/dns/schema";
import type { CloudflareModule } from "../src/resources/dns/cloudflare";
import type { AwsRoute53Module } from "../src/resources/dns/route53";
import { XmppDnsRecords } from "../src/resources/dns/xmpp-dns-records";
import { provider as zoneFileProvider } from "../src/resources/dns/zonefile-output.provider";
import { type Registered, recordRegistrations } from "./support/mocks";

let registered: Registered[] = [];

beforeAll(async () => {
  const mocks = recordRegistrations("proj");
  registered = mocks.registered;
  await mocks.ready;
});

const nodes = [1, 2, 3].map((i) => ({ name: `cb${i}`, fqdn: `cb${i}.tptac9.com`, address: `127.0.1.${i}` }));

/** Builds the component and waits until the mock engine has seen all its resources. */
async function build(name: string, dns: DnsConfigInput): Promise<Registered[]> {
  const records = new XmppDnsRecords(name, { domain: "tptac9.com", nodes, dns: dnsConfigSchema.parse(dns) });
  await Promise.all(records.resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  return registered
    .filter((r) => r.name.startsWith(`${name}-`))
    .map((r) => ({ ...r, inputs: Object.fromEntries(Object.entries(r.inputs).filter(([k]) => k !== "__provider")) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

describe("Route 53 backend (setMocks)", () => {
  it("declares a subset of @pulumi/aws's own types", () => {
    expectTypeOf<typeof import("@pulumi/aws")>().toExtend<AwsRoute53Module>();
  });

  it("creates one aws.route53.Record per RRset in Route 53 value format, plus the blast-radius guard", async () => {
    const seen = await build("r53", { backend: "route53", zone: "tptac9.com", zoneId: "Z0123456789ABCDEFGHIJ" });
    expect(seen.map((r) => [r.type, r.name])).toEqual([
      ["aws:route53/record:Record", "r53-_xmpp-client._tcp.tptac9.com-SRV"],
      ["aws:route53/record:Record", "r53-_xmpp-component._tcp.tptac9.com-SRV"],
      ["aws:route53/record:Record", "r53-cb1.tptac9.com-A"],
      ["aws:route53/record:Record", "r53-cb2.tptac9.com-A"],
      ["aws:route53/record:Record", "r53-cb3.tptac9.com-A"],
      ["pulumi-nodejs:dynamic/cms:DnsBlastRadiusGuard", "r53-guard"],
    ]);
    const byName = Object.fromEntries(seen.map((r) => [r.name, r.inputs]));
    expect(byName["r53-_xmpp-component._tcp.tptac9.com-SRV"]).toEqual({
      zoneId: "Z0123456789ABCDEFGHIJ",
      name: "_xmpp-component._tcp.tptac9.com",
      type: "SRV",
      ttl: 86400,
      records: ["10 10 5223 cb1.tptac9.com.", "10 10 5223 cb2.tptac9.com.", "10 10 5223 cb3.tptac9.com."],
    });
    expect(byName["r53-cb2.tptac9.com-A"]).toEqual({
      zoneId: "Z0123456789ABCDEFGHIJ",
      name: "cb2.tptac9.com",
      type: "A",
      ttl: 86400,
      records: ["127.0.1.2"],
    });
  });
});

describe("Cloudflare backend (setMocks)", () => {
  it("declares a subset of @pulumi/cloudflare's own types", () => {
    expectTypeOf<typeof import("@pulumi/cloudflare")>().toExtend<CloudflareModule>();
  });

  const zoneId = "0123456789abcdef0123456789abcdef";

  it("creates one cloudflare.DnsRecord per record, SRV fields in data", async () => {
    const seen = await build("cf", {
      backend: "cloudflare",
      zone: "tptac9.com",
      zoneId,
      clientNodes: ["cb1"],
      srv: { perNode: { cb1: { priority: 0 } } },
    });
    const records = seen.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord");
    expect(records.map((r) => r.inputs)).toEqual([
      {
        zoneId,
        name: "_xmpp-client._tcp.tptac9.com",
        type: "SRV",
        ttl: 86400,
        data: { priority: 0, weight: 10, port: 5222, target: "cb1.tptac9.com" },
      },
      ...[
        [0, "cb1"],
        [10, "cb2"],
        [10, "cb3"],
      ].map(([priority, node]) => ({
        zoneId,
        name: "_xmpp-component._tcp.tptac9.com",
        type: "SRV",
        ttl: 86400,
        data: { priority, weight: 10, port: 5223, target: `${node}.tptac9.com` },
      })),
      ...[1, 2, 3].map((i) => ({ zoneId, name: `cb${i}.tptac9.com`, type: "A", ttl: 86400, content: `127.0.1.${i}` })),
    ]);
    expect(records.map((r) => r.name)).toContain("cf-_xmpp-component._tcp.tptac9.com-SRV-cb3.tptac9.com");
  });

  it("refuses a TTL above Cloudflare's maximum", () => {
    const dns = dnsConfigSchema.parse({ backend: "cloudflare", zone: "tptac9.com", zoneId, ttl: 172800 });
    expect(() => new XmppDnsRecords("cf-ttl", { domain: "tptac9.com", nodes, dns })).toThrow(
      /dns.ttl 172800 is above Cloudflare's maximum of 86400 seconds/,
    );
  });
});

describe("RFC 2136 backend graph (setMocks)", () => {
  it("creates one record-set resource per RRset, with the TSIG secret as a secret input", async () => {
    const secret = Buffer.alloc(32, 3).toString("base64");
    const dns = dnsConfigSchema.parse({
      backend: "rfc2136",
      zone: "tptac9.com",
      server: { host: "127.0.0.1", port: 5300 },
      tsig: { name: "cms-xmpp-key", secret },
    });
    const component = new XmppDnsRecords("rfc", { domain: "tptac9.com", nodes, dns });
    const seen = await build("rfc-graph", dns);
    const sets = seen.filter((r) => r.type === "pulumi-nodejs:dynamic/cms:Rfc2136RecordSet");
    expect(sets.map((r) => r.name)).toEqual([
      "rfc-graph-_xmpp-client._tcp.tptac9.com-SRV",
      "rfc-graph-_xmpp-component._tcp.tptac9.com-SRV",
      "rfc-graph-cb1.tptac9.com-A",
      "rfc-graph-cb2.tptac9.com-A",
      "rfc-graph-cb3.tptac9.com-A",
    ]);
    expect(sets[2].inputs).toMatchObject({
      zone: "tptac9.com",
      name: "cb1.tptac9.com",
      type: "A",
      values: ["127.0.1.1"],
    });
    const secrets = await Promise.all(
      component.resources.map((r) =>
        pulumi.isSecret((r as unknown as { tsigSecret: pulumi.Output<string> }).tsigSecret),
      ),
    );
    expect(secrets.every(Boolean)).toBe(true);
  });

  it("creates nothing for backend none, but still computes the records", async () => {
    const none = new XmppDnsRecords("none", {
      domain: "tptac9.com",
      nodes,
      dns: dnsConfigSchema.parse({ backend: "none" }),
    });
    expect(none.resources).toEqual([]);
    expect(none.recordSets).toHaveLength(5);
  });
});

describe("zone-file backend", () => {
  const dir = mkdtempSync(join(tmpdir(), "dns-zonefile-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("registers one output resource for the zone", async () => {
    const seen = await build("zf", { backend: "zonefile", zone: "tptac9.com", directory: dir });
    expect(seen.map((r) => r.type)).toEqual([
      "pulumi-nodejs:dynamic/cms:DnsBlastRadiusGuard",
      "pulumi-nodejs:dynamic/cms:DnsZoneFileOutput",
    ]);
    expect(seen[1].inputs).toMatchObject({ directory: dir, zone: "tptac9.com" });
  });

  it("writes the zone-file lines and an nsupdate script; delete leaves a removal script", async () => {
    const recordSets = new XmppDnsRecords("zf-files", {
      domain: "tptac9.com",
      nodes,
      dns: dnsConfigSchema.parse({ backend: "none" }),
    }).recordSets;
    const inputs = { directory: dir, zone: "tptac9.com", recordSets };
    await zoneFileProvider.create(inputs);
    expect(readdirSync(dir).sort()).toEqual(["tptac9.com.xmpp.nsupdate", "tptac9.com.xmpp.zone"]);
    expect(readFileSync(join(dir, "tptac9.com.xmpp.zone"), "utf8")).toContain(
      "_xmpp-component._tcp.tptac9.com. 86400 IN SRV 10 10 5223 cb3.tptac9.com.\n",
    );
    expect(readFileSync(join(dir, "tptac9.com.xmpp.nsupdate"), "utf8")).toMatch(/nsupdate -g[\s\S]*^send$/m);
    await zoneFileProvider.delete("id", inputs);
    expect(readdirSync(dir)).toEqual(["tptac9.com.xmpp.remove.nsupdate"]);
    expect(readFileSync(join(dir, "tptac9.com.xmpp.remove.nsupdate"), "utf8")).toContain(
      "update delete cb1.tptac9.com. A 127.0.1.1\n",
    );
  });
});
