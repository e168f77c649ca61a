// The simulated Call Bridges resolve _xmpp-component._tcp through BIND, holding records written by the RFC 2136
// provider, and fail over to the next SRV target when their XMPP node stops.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { type DnsNodeInput, xmppRecordSets } from "../src/core/dns/records";
import * as provider from "../src/resources/dns/rfc2136-record-set.provider";
import { callApi, xmlValue } from "./sim-support/api-client";
import { eventually, loopbackSubnet, threeNodes } from "./sim-support/loopback-net";
import { buildXmppCluster, DOMAIN, uploadSharedCertificate } from "./sim-support/xmpp-procedure";
import { type BindServer, bindSkipReason, digShort, startBind } from "./support/bind";

const skip = bindSkipReason();
const CONFIG = "/api/v1/system/configuration/xmpp";

describe.skipIf(skip)("Call Bridge failover through BIND and the stack's SRV records", () => {
  const subnet = loopbackSubnet();
  let bind: BindServer;
  let cluster: SimCluster;
  let secrets: Map<string, string>;
  const nodes: DnsNodeInput[] = [1, 2, 3].map((i) => ({
    name: `cb${i}`,
    fqdn: `cb${i}.${DOMAIN}`,
    address: `${subnet}.${i}`,
  }));

  beforeAll(async () => {
    bind = startBind([DOMAIN]);
    // cb2 pinned first, then cb1 and cb3 at equal priority: the bridge's first choice is known.
    const sets = xmppRecordSets(DOMAIN, nodes, {
      zone: DOMAIN,
      ttl: 60,
      componentPort: 5223,
      clientPort: 5222,
      srv: { priority: 10, weight: 10, perNode: { cb2: { priority: 0 } } },
    });
    for (const set of sets) {
      await provider.create({
        server: { host: bind.host, port: bind.port },
        zone: DOMAIN,
        keyName: bind.key.name,
        algorithm: "hmac-sha256",
        tsigSecret: bind.key.secret,
        timeoutSeconds: 3,
        adoptExisting: false,
        ...set,
      });
    }
    cluster = await startSimCluster({
      nodes: threeNodes(subnet, { dnsServer: { host: bind.host, port: bind.port } }),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 100,
    });
    await uploadSharedCertificate(cluster.nodes);
    ({ secrets } = await buildXmppCluster(cluster));
  });
  afterAll(async () => {
    await cluster?.stop();
    bind?.stop();
  });

  it("BIND serves the records the stack wrote", () => {
    expect(digShort(bind, `_xmpp-component._tcp.${DOMAIN}`, "SRV")).toEqual([
      `0 10 5223 cb2.${DOMAIN}.`,
      `10 10 5223 cb1.${DOMAIN}.`,
      `10 10 5223 cb3.${DOMAIN}.`,
    ]);
  });

  it("a Call Bridge with a blank server address connects to the preferred SRV target", async () => {
    const put = await callApi(cluster.node("cb1"), "PUT", CONFIG, {
      uniqueName: "cb1",
      domain: DOMAIN,
      sharedSecret: secrets.get("cb1") as string,
      serverAddress: "",
    });
    expect(put.status).toBe(200);
    const bridge = cluster.node("cb1").callBridge();
    expect(await eventually(() => (bridge.status() === "connected" ? bridge.connectedTo() : null))).toBe(
      `${subnet}.2:5223`,
    );
    const status = await callApi(cluster.node("cb1"), "GET", "/api/v1/system/status");
    expect(xmlValue(status.body, "server")).toBe(`${subnet}.2:5223`);
  });

  it("fails over to the next SRV target when that XMPP node stops, without a DNS error", async () => {
    const bridge = cluster.node("cb1").callBridge();
    await cluster.node("cb2").stop();
    const next = await eventually(() => {
      const now = bridge.status() === "connected" ? bridge.connectedTo() : null;
      return now && now !== `${subnet}.2:5223` ? now : null;
    });
    expect([`${subnet}.1:5223`, `${subnet}.3:5223`]).toContain(next);
    expect(bridge.detail()).not.toMatch(/dns error|No DNS A or AAAA records/);
    await cluster.node("cb2").start();
  });
});
