// XmppDnsRecords through the real Pulumi engine (Automation API) against BIND on loopback; `dig` and a signed AXFR
// are the independent checks.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DnsNodeInput, xmppRecordSets } from "../src/core/dns/records";
import { zoneFileLines } from "../src/core/dns/zonefile";
import { type BindServer, bindSkipReason, digShort, nsupdate, startBind, zoneRecords } from "./support/bind";
import { dispose, engineOrSkipReason, exportedStateText, testStack } from "./support/engine";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`dns-engine skipped: ${engine.skip}`);
const skip = "skip" in engine || bindSkipReason() !== undefined;

const node = (i: number): DnsNodeInput => ({ name: `cb${i}`, fqdn: `cb${i}.example.com`, address: `127.0.1.${i}` });
const three = [1, 2, 3].map(node);
const four = [1, 2, 3, 4].map(node);
const recordOptions = { ttl: 86400, componentPort: 5223, clientPort: 5222, srv: { priority: 10, weight: 10 } };

/** The records as the AXFR helper prints them: "name ttl TYPE rdata", sorted. */
function wanted(nodes: DnsNodeInput[]): string[] {
  return zoneFileLines(xmppRecordSets("example.com", nodes, recordOptions))
    .map((line) => line.replace(" IN ", " "))
    .sort();
}

describe.skipIf(skip)("XmppDnsRecords (RFC 2136) through the Pulumi engine against BIND", () => {
  let bind: BindServer;
  let stack: Stack;
  const dnsConfig = (over: Record<string, unknown> = {}) => ({
    value: JSON.stringify({
      backend: "rfc2136",
      zone: "example.com",
      server: { host: bind.host, port: bind.port },
      tsig: { name: bind.key.name, secret: bind.key.secret },
      timeoutSeconds: 5,
      ...over,
    }),
    secret: true,
  });
  const setNodes = (nodes: DnsNodeInput[]) => stack.setConfig("dns-stack:nodes", { value: JSON.stringify(nodes) });
  const serial = () => digShort(bind, "example.com", "SOA")[0].split(" ")[2];

  beforeAll(async () => {
    bind = startBind(["example.com"]);
    stack = await testStack({
      workDir: "test/fixtures/dns-stack",
      config: {
        "dns-stack:domain": { value: "example.com" },
        "dns-stack:nodes": { value: JSON.stringify(three) },
        "dns-stack:dns": dnsConfig(),
      },
    });
  });
  afterAll(async () => {
    await dispose(stack);
    bind?.stop();
  });

  it("up creates the records, and dig sees exactly them", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    // the stack, the component, the guard and five record sets
    expect(up.summary.resourceChanges).toEqual({ create: 8 });
    expect(zoneRecords(bind)).toEqual(wanted(three));
    expect(digShort(bind, "_xmpp-component._tcp.example.com", "SRV")).toEqual([
      "10 10 5223 cb1.example.com.",
      "10 10 5223 cb2.example.com.",
      "10 10 5223 cb3.example.com.",
    ]);
  });

  it("a second up changes nothing, not even the zone's serial", async () => {
    const before = serial();
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 8 });
    expect(serial()).toBe(before);
  });

  it("refresh detects records deleted by hand with nsupdate, keeps the TSIG secret encrypted, and up restores them", async () => {
    nsupdate(bind, [
      "zone example.com",
      "update delete cb2.example.com. A",
      "update delete _xmpp-component._tcp.example.com. SRV 10 10 5223 cb3.example.com.",
    ]);
    expect(zoneRecords(bind)).toHaveLength(wanted(three).length - 2);
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toMatchObject({ update: 1, delete: 1 });
    const state = await exportedStateText(stack);
    expect(state).toContain("ciphertext");
    expect(state).not.toContain(bind.key.secret); // not in plaintext, also after a refresh rewrote the outputs
    expect(state).not.toContain(Buffer.from(bind.key.secret, "base64").toString("hex"));
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 1, update: 1 });
    expect(zoneRecords(bind)).toEqual(wanted(three));
  });

  it("adding a node adds exactly one target to each SRV set and one A record", async () => {
    const before = zoneRecords(bind);
    await setNodes(four);
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    const after = zoneRecords(bind);
    expect(before.filter((line) => !after.includes(line))).toEqual([]);
    expect(after.filter((line) => !before.includes(line))).toEqual([
      "_xmpp-client._tcp.example.com. 86400 SRV 10 10 5222 cb4.example.com.",
      "_xmpp-component._tcp.example.com. 86400 SRV 10 10 5223 cb4.example.com.",
      "cb4.example.com. 86400 A 127.0.1.4",
    ]);
  });

  it("refuses to remove more than a third of the records without allowLargeChanges, changing nothing", async () => {
    await setNodes([node(1), node(2)]);
    await expect(stack.up()).rejects.toThrow(
      /deletes or replaces 6 of the stack's 12 DNS records, more than a third[\s\S]*set dns.allowLargeChanges: true/,
    );
    expect(zoneRecords(bind)).toEqual(wanted(four));
    await setNodes(four);
  });

  it("a wrong TSIG key fails with plain words and changes nothing", async () => {
    const before = zoneRecords(bind);
    const soa = serial();
    await stack.setConfig(
      "dns-stack:dns",
      dnsConfig({ tsig: { name: bind.key.name, secret: Buffer.alloc(32, 7).toString("base64") } }),
    );
    await expect(stack.up()).rejects.toThrow(
      /the TSIG key is wrong or not allowed: the secret of key "cms-test-key" does not match/,
    );
    expect(zoneRecords(bind)).toEqual(before);
    expect(serial()).toBe(soa);
    await stack.setConfig("dns-stack:dns", dnsConfig());
  });

  it("destroy removes exactly the stack's records and leaves records it does not own", async () => {
    const foreign = [
      "update add legacy.example.com. 3600 IN A 127.0.1.99",
      "update add _xmpp-component._tcp.example.com. 86400 IN SRV 20 10 5223 legacy.example.com.",
    ];
    nsupdate(bind, ["zone example.com", ...foreign]);
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(zoneRecords(bind)).toEqual([
      "_xmpp-component._tcp.example.com. 86400 SRV 20 10 5223 legacy.example.com.",
      "legacy.example.com. 3600 A 127.0.1.99",
    ]);
  });
});
