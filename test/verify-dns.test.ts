import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xmppRecordSets } from "../src/core/dns/records";
import { dnsConfigSchema } from "../src/core/dns/schema";
import { type BindServer, bindSkipReason, nsupdate, startBind } from "./support/bind";
import { randomLoopbackPrefix } from "./support/loopback";
import { verifyCluster } from "./support/verify";

const skip = bindSkipReason();

describe.skipIf(skip)("verification resolves the cluster's records through DNS (TechNote scenario 1)", () => {
  let bind: BindServer;
  const listeners: Server[] = [];
  const prefix = randomLoopbackPrefix();
  const nodes = [1, 2, 3].map((i) => ({ name: `cb${i}`, fqdn: `cb${i}.tptac9.com`, address: `${prefix}.${i}` }));
  const expected = xmppRecordSets("tptac9.com", nodes, dnsConfigSchema.parse({ backend: "none", zone: "tptac9.com" }));

  const verify = () =>
    verifyCluster({
      expected: { nodes: [], callBridges: [] },
      targets: [],
      bridges: [],
      timeoutMs: 0,
      dns: { domain: "tptac9.com", server: { host: bind.host, port: bind.port }, expected },
    });

  beforeAll(async () => {
    bind = startBind(["tptac9.com"]);
    for (const n of nodes.slice(0, 2)) {
      for (const port of [5222, 5223]) {
        const server = createServer((s) => s.end());
        await new Promise<void>((r) => server.listen(port, n.address, r));
        listeners.push(server);
      }
    }
    const lines = expected.flatMap((set) =>
      set.values.map((v) => `update add ${set.name}. ${set.ttl} ${set.type} ${v}`),
    );
    nsupdate(
      bind,
      lines.filter((l) => !l.includes("cb3")),
    );
  });
  afterAll(() => {
    for (const l of listeners) l.close();
    bind?.stop();
  });

  it("names the record behind a Call Bridge's dns error", async () => {
    const findings = await verify();
    expect(findings.map((f) => `${f.subject} ${f.problem}`)).toEqual([
      "_xmpp-client._tcp.tptac9.com cb3.tptac9.com is missing; no Call Bridge can fail over to it",
      "_xmpp-component._tcp.tptac9.com cb3.tptac9.com is missing; no Call Bridge can fail over to it",
    ]);
    expect(findings.every((f) => f.scenario === "dns")).toBe(true);
    expect(findings.map((f) => f.subject).join(" ")).toContain("_xmpp-component._tcp.tptac9.com");
    expect(findings.map((f) => `${f.subject} ${f.problem}`).join("\n")).toMatch(/cb3/);
  });

  it("passes once every target resolves and answers", async () => {
    nsupdate(
      bind,
      expected.flatMap((set) =>
        set.values
          .filter((v) => v.includes("cb3") || set.name.startsWith("cb3"))
          .map((v) => `update add ${set.name}. ${set.ttl} ${set.type} ${v}`),
      ),
    );
    for (const port of [5222, 5223]) {
      const server = createServer((s) => s.end());
      await new Promise<void>((r) => server.listen(port, nodes[2].address, r));
      listeners.push(server);
    }
    expect(await verify()).toEqual([]);
  });
});
