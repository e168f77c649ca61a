import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyUpdate } from "../src/clients/dns/rfc2136-client";
import { xmppRecordSets } from "../src/core/dns/records";
import { replaceRecordSet } from "../src/core/dns/update-message";
import { verifyXmppDns } from "../src/engine/verify-dns";
import { type BindServer, bindSkipReason, nsupdate, startBind } from "./support/bind";

const skip = bindSkipReason();
const nodes = [1, 2, 3].map((i) => ({ name: `cb${i}`, fqdn: `cb${i}.tptac9.com`, address: `127.0.1.${i}` }));
const expected = xmppRecordSets("tptac9.com", nodes, {
  zone: "tptac9.com",
  ttl: 86400,
  componentPort: 25223,
  clientPort: 25222,
  srv: { priority: 10, weight: 10 },
});

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

describe.skipIf(skip)("verifyXmppDns through BIND, with XMPP ports on 127.0.1.x", () => {
  let bind: BindServer;
  const listeners = new Map<string, Server>();
  const verify = () =>
    verifyXmppDns({ domain: "tptac9.com", expected, server: { host: bind.host, port: bind.port }, timeoutMs: 1000 });

  beforeAll(async () => {
    bind = startBind(["tptac9.com"]);
    const target = { server: { host: bind.host, port: bind.port }, zone: "tptac9.com", key: bind.key, timeoutMs: 3000 };
    for (const set of expected) await applyUpdate(target, replaceRecordSet("tptac9.com", set, "absent"));
    for (const n of nodes) {
      for (const port of [25222, 25223]) listeners.set(`${n.address} ${port}`, await listen(n.address, port));
    }
  });
  afterAll(() => {
    for (const server of listeners.values()) server.close();
    bind?.stop();
  });

  it("passes when every record matches and every port answers", async () => {
    const result = await verify();
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.observation.addresses["cb2.tptac9.com"]).toEqual(["127.0.1.2"]);
  });

  it("names the node whose XMPP port does not answer", async () => {
    listeners.get("127.0.1.3 25223")?.close();
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.report).toContain("  - cb3.tptac9.com: 127.0.1.3 port 25223 does not answer on TCP");
    listeners.set("127.0.1.3 25223", await listen("127.0.1.3", 25223));
  });

  it("reports hand-made mistakes as the TechNote's scenario 1, naming each record", async () => {
    nsupdate(bind, [
      "zone tptac9.com",
      "update delete _xmpp-component._tcp.tptac9.com. SRV 10 10 25223 cb3.tptac9.com.",
      "update add _xmpp-component._tcp.tptac9.com. 86400 IN SRV 10 10 25223 cb4.tptac9.com.",
      "update delete _xmpp-client._tcp.tptac9.com. SRV",
    ]);
    const result = await verify();
    expect(result.report).toMatch(
      /No DNS A or AAAA records for\n_xmpp-component._tcp.tptac9.com" and disconnect with failure reason "dns error"/,
    );
    expect(result.problems.map((p) => `${p.record}: ${p.message}`)).toEqual([
      "_xmpp-client._tcp.tptac9.com: No DNS A or AAAA records for _xmpp-client._tcp.tptac9.com: the SRV record set is missing",
      "_xmpp-component._tcp.tptac9.com: cb3.tptac9.com is missing; no Call Bridge can fail over to it",
      "_xmpp-component._tcp.tptac9.com: cb4.tptac9.com is a target but not a node of this cluster",
      "_xmpp-component._tcp.tptac9.com: No DNS A or AAAA records for cb4.tptac9.com, a target of _xmpp-component._tcp.tptac9.com",
    ]);
  });
});
