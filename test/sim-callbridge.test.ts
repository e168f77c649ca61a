import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { callApi, xmlValue } from "./sim-support/api-client";
import { DnsResponder } from "./sim-support/dns-responder";
import { eventually, loopbackSubnet, threeNodes } from "./sim-support/loopback-net";
import { buildXmppCluster, DOMAIN, uploadSharedCertificate } from "./sim-support/xmpp-procedure";

const CONFIG = "/api/v1/system/configuration/xmpp";
const STATUS = "/api/v1/system/status";
const SRV_NAME = `_xmpp-component._tcp.${DOMAIN}`;

/** Step 9 and the TechNote's troubleshooting scenarios 1 (DNS) and 2 (authentication), through the REST API. */
describe("Call Bridge XMPP connection", () => {
  const subnet = loopbackSubnet();
  const dns = new DnsResponder(`${subnet}.53`);
  let cluster: SimCluster;
  let secrets: Map<string, string>;

  const bridgeStatus = async (name: string) => {
    const response = await callApi(cluster.node(name), "GET", STATUS);
    return {
      status: xmlValue(response.body, "status"),
      server: xmlValue(response.body, "server"),
      body: response.body,
    };
  };

  beforeAll(async () => {
    await dns.start();
    cluster = await startSimCluster({
      nodes: threeNodes(subnet, { dnsServer: { host: dns.host, port: dns.port } }),
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

  it("starts unconfigured and the API needs Basic auth", async () => {
    expect((await callApi(cluster.node("cb1"), "GET", CONFIG, undefined, null)).status).toBe(401);
    expect((await callApi(cluster.node("cb1"), "GET", CONFIG, undefined, "admin:wrong")).status).toBe(401);
    expect((await bridgeStatus("cb1")).status).toBe("not configured");
    const put = await callApi(cluster.node("cb1"), "PUT", CONFIG, { bogus: "1" });
    expect(put.status).toBe(400);
    expect(put.body).toContain('<parameterError parameter="bogus" error="unrecognised" />');
  });

  it("apiPutFails answers the settings PUT with 500 and changes nothing", async () => {
    const node = cluster.node("cb1");
    node.clearTranscript();
    node.faults.apiPutFails = true;
    const put = await callApi(node, "PUT", CONFIG, { uniqueName: "other", domain: DOMAIN });
    node.faults.apiPutFails = false;
    expect(put.status).toBe(500);
    expect(xmlValue((await callApi(node, "GET", CONFIG)).body, "uniqueName")).toBe("");
    expect(node.transcript.map((e) => [e.command, e.result, e.output])).toEqual([
      [`API PUT ${CONFIG} uniqueName=other&domain=${DOMAIN}`, "error", "500"],
    ]);
  });

  it("scenario 1: blank server address and no SRV record gives a DNS error", async () => {
    const put = await callApi(cluster.node("cb1"), "PUT", CONFIG, {
      uniqueName: "cb1",
      domain: DOMAIN,
      sharedSecret: secrets.get("cb1") as string,
      serverAddress: "",
    });
    expect(put.status).toBe(200);
    const status = await eventually(async () => {
      const current = await bridgeStatus("cb1");
      return current.status === "dns error" ? current : null;
    });
    expect(xmlValue(status.body, "detail")).toBe(`No DNS A or AAAA records for ${SRV_NAME}`);
    expect(dns.queries).toContain(`${subnet}.1 SRV ${SRV_NAME}`);
  });

  it("GET returns the settings as XML and never the secret", async () => {
    const get = await callApi(cluster.node("cb1"), "GET", CONFIG);
    expect(get.status).toBe(200);
    expect(get.body).toBe(
      `<?xml version="1.0"?>\n<xmpp><uniqueName>cb1</uniqueName><domain>${DOMAIN}</domain><serverAddress /></xmpp>\n`,
    );
    expect(get.body).not.toContain(secrets.get("cb1"));
  });

  it("connects once the SRV and A records exist", async () => {
    dns.srv.set(
      SRV_NAME,
      ["cb1", "cb2", "cb3"].map((name) => ({ priority: 0, weight: 0, port: 5223, target: `${name}.${DOMAIN}` })),
    );
    for (const node of cluster.nodes) dns.a.set(`${node.name}.${DOMAIN}`, [node.host]);
    const status = await eventually(async () => {
      const current = await bridgeStatus("cb1");
      return current.status === "connected" ? current : null;
    });
    expect(status.server).toMatch(new RegExp(`^${subnet.replace(/\./g, "\\.")}\\.[123]:5223$`));
    expect(cluster.node("cb1").callBridge().status()).toBe("connected");
    const xmppNode = cluster.nodes.find((node) => `${node.host}:5223` === status.server);
    expect(xmppNode?.state().xmpp.connectedCallbridges).toContain("cb1");
  });

  it("scenario 2: a wrong shared secret gives an authentication failure", async () => {
    await callApi(cluster.node("cb2"), "PUT", CONFIG, {
      uniqueName: "cb2",
      domain: DOMAIN,
      sharedSecret: "kvgP1SRzWVabhiPVAb1",
    });
    await eventually(async () => (await bridgeStatus("cb2")).status === "authentication failure");
    expect(cluster.node("cb2").callBridge().detail()).toMatch(
      /^failed to connect to .*:5223 due to authentication failure$/,
    );
    const recorded = JSON.stringify(cluster.node("cb2").transcript);
    expect(recorded).toContain("sharedSecret=********");
    expect(recorded).not.toContain("kvgP1SRzWVabhiPVAb1");
  });

  it("a pinned server address skips DNS", async () => {
    const fromCb3 = () => dns.queries.filter((query) => query.startsWith(`${subnet}.3 `)).length;
    const before = fromCb3();
    await callApi(cluster.node("cb3"), "PUT", CONFIG, {
      uniqueName: "cb3",
      domain: DOMAIN,
      sharedSecret: secrets.get("cb3") as string,
      serverAddress: `${subnet}.2:5223`,
    });
    await eventually(() => cluster.node("cb3").callBridge().connectedTo() === `${subnet}.2:5223`);
    expect(fromCb3()).toBe(before);
  });

  it("fails over to another XMPP server when its server dies", async () => {
    // cb1's own XMPP server last in priority, so that its bridge starts on cb2 or cb3.
    dns.srv.set(
      SRV_NAME,
      cluster.nodes.map((node) => ({
        priority: node.name === "cb1" ? 10 : 0,
        weight: 10,
        port: 5223,
        target: `${node.name}.${DOMAIN}`,
      })),
    );
    await callApi(cluster.node("cb1"), "PUT", CONFIG, { serverAddress: "" });
    const bridge = cluster.node("cb1").callBridge();
    const first = await eventually(() => (bridge.status() === "connected" ? bridge.connectedTo() : null));
    expect([`${subnet}.2:5223`, `${subnet}.3:5223`]).toContain(first);
    const dying = cluster.nodes.find((node) => `${node.host}:5223` === first);
    await dying?.stop();
    const next = await eventually(() => {
      const current = bridge.status() === "connected" ? bridge.connectedTo() : null;
      return current !== first ? current : null;
    });
    expect(cluster.nodes.map((node) => `${node.host}:5223`)).toContain(next);
    await dying?.start();
  });
});
