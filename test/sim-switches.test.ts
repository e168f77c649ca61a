import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { callApi } from "./sim-support/api-client";
import { DnsResponder } from "./sim-support/dns-responder";
import { eventually, loopbackSubnet, threeNodes } from "./sim-support/loopback-net";
import { withMmp } from "./sim-support/mmp-client";
import { buildXmppCluster, DOMAIN, uploadSharedCertificate } from "./sim-support/xmpp-procedure";

/** The alternatives to the behaviours the reference only infers. */
describe("behaviour switches", () => {
  const subnet = loopbackSubnet();
  const dns = new DnsResponder(`${subnet}.53`);
  let cluster: SimCluster;
  let secrets: Map<string, string>;

  beforeAll(async () => {
    await dns.start();
    cluster = await startSimCluster({
      nodes: threeNodes(subnet, {
        dnsServer: { host: dns.host, port: dns.port },
        behaviour: { authFailureFailover: true, noQuorumState: "FOLLOWER" },
      }),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 100,
    });
    await uploadSharedCertificate(cluster.nodes);
    ({ secrets } = await buildXmppCluster(cluster));
  });
  afterAll(async () => {
    await cluster?.stop();
    dns.stop();
  });

  it("authFailureFailover: an authentication failure on one XMPP server moves on to the next SRV target", async () => {
    const priority: Record<string, number> = { cb2: 0, cb3: 10, cb1: 20 };
    dns.srv.set(
      `_xmpp-component._tcp.${DOMAIN}`,
      cluster.nodes.map((node) => ({
        priority: priority[node.name],
        weight: 0,
        port: 5223,
        target: `${node.name}.${DOMAIN}`,
      })),
    );
    for (const node of cluster.nodes) dns.a.set(`${node.name}.${DOMAIN}`, [node.host]);
    expect(await withMmp(cluster.node("cb2"), (mmp) => mmp.run("xmpp callbridge del cb1"))).toBe("");
    await callApi(cluster.node("cb1"), "PUT", "/api/v1/system/configuration/xmpp", {
      uniqueName: "cb1",
      domain: DOMAIN,
      sharedSecret: secrets.get("cb1") as string,
    });
    await eventually(() => cluster.node("cb1").callBridge().connectedTo() === `${subnet}.3:5223`);
  });

  it("noQuorumState FOLLOWER: without a majority the survivor prints FOLLOWER and no leader", async () => {
    await eventually(() => cluster.nodes.every((node) => node.state().cluster.leader !== null));
    const [survivor, ...others] = cluster.nodes;
    await Promise.all(others.map((node) => node.stop()));
    await eventually(() => survivor.state().cluster.leader === null, 3000);
    const status = await withMmp(survivor, (mmp) => mmp.run("xmpp cluster status"));
    expect(status.split("\n").slice(0, 5)).toEqual([
      "State: FOLLOWER",
      "List of peers",
      `${subnet}.1:5222`,
      `${subnet}.2:5222`,
      `${subnet}.3:5222`,
    ]);
  });
});
