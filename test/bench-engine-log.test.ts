// The bench reads the engine's `-v=7` log: a cold up's phases, in ms since the log's first line.
import { describe, expect, it } from "vitest";
import { coldPhases } from "../bench/engine-log";

const T0 = Date.parse("2026-12-04T20:00:00.000Z");
const line = (ms: number, msg: string) =>
  JSON.stringify({ time: new Date(T0 + ms).toISOString(), level: "INFO", msg, v: 7 });
const urn = (type: string, name: string) =>
  `urn:pulumi:dev::cms-xmpp-resiliency::cms:xmpp:XmppResilientCluster$${type}::${name}`;
const step = (ms: number, op: string, type: string, name: string, what: string) =>
  line(ms, `Provider[0xc0].${op}(${urn(type, name)}) ${what} (#news=3)`);

const LOG = [
  line(0, "Pulumi 3.248.0"),
  line(1000, "ResourceMonitor.RegisterResource received: t=pulumi:pulumi:Stack, name=s"),
  line(1800, "ResourceMonitor.RegisterResource received: t=cms:xmpp:XmppResilientCluster, name=xmpp"),
  step(2000, "Create", "tls:index/privateKey:PrivateKey", "xmpp-ca-key", "executing"),
  step(2100, "Create", "tls:index/privateKey:PrivateKey", "xmpp-ca-key", "success"),
  step(2150, "Create", "tls:index/locallySignedCert:LocallySignedCert", "xmpp-cb1-cert", "executing"),
  step(2400, "Create", "tls:index/locallySignedCert:LocallySignedCert", "xmpp-cb1-cert", "success"),
  step(2500, "Create", "pulumi-nodejs:dynamic/cms:NodeFile", "xmpp-cb1-key", "executing"),
  step(2550, "Create", "pulumi-nodejs:dynamic/cms:NodeFile", "xmpp-cb2-key", "executing"),
  step(2900, "Create", "pulumi-nodejs:dynamic/cms:NodeFile", "xmpp-cb2-key", "success"),
  step(3000, "Create", "pulumi-nodejs:dynamic/cms:NodeFile", "xmpp-cb1-key", "success"),
  step(3100, "Check", "pulumi-nodejs:dynamic/cms:XmppCluster", "xmpp-cluster", "executing"),
  step(3500, "Check", "pulumi-nodejs:dynamic/cms:XmppCluster", "xmpp-cluster", "success"),
  step(3510, "Create", "pulumi-nodejs:dynamic/cms:XmppCluster", "xmpp-cluster", "executing"),
  step(7000, "Create", "pulumi-nodejs:dynamic/cms:XmppCluster", "xmpp-cluster", "success"),
  step(7100, "Create", "pulumi-nodejs:dynamic/cms:CallBridgeXmppSettings", "xmpp-callbridge-cb1", "executing"),
  step(7300, "Create", "pulumi-nodejs:dynamic/cms:CallBridgeXmppSettings", "xmpp-callbridge-cb1", "success"),
  step(7350, "Create", "pulumi-nodejs:dynamic/cms:ClusterVerification", "xmpp-verification", "executing"),
  step(7600, "Create", "pulumi-nodejs:dynamic/cms:ClusterVerification", "xmpp-verification", "success"),
  line(7700, "*** Update(preview=false) complete ***"),
].join("\n");

describe("coldPhases", () => {
  it("reads each phase from its first step starting to its last finishing", () => {
    expect(coldPhases(LOG).map((p) => [p.start, p.end])).toEqual([
      [0, 1000],
      [1000, 1800],
      [2000, 2400],
      [2500, 3000],
      [3100, 3500],
      [3510, 7000],
      [7100, 7300],
      [7350, 7600],
      [7600, 7700],
    ]);
  });

  it("names the phases in the order the graph runs them", () => {
    expect(coldPhases(LOG).map((p) => p.name)).toEqual([
      "engine start, language host, Node and `@pulumi/pulumi`",
      "the program loads and builds its resources",
      "the CA, keys and certificates (`@pulumi/tls`)",
      "certificate uploads over SFTP, confirmed by one `pki list` per node",
      "the cluster's check: its facts read on every node, the owner marker",
      "the cluster's create: preflight, the plan's phases, the result read back",
      "each Call Bridge pointed at the cluster (CMS API)",
      "the verification",
      "the program exits, the engine saves the state",
    ]);
  });

  it("refuses a log without a whole up", () => {
    expect(() => coldPhases(LOG.split("\n").slice(0, -1).join("\n"))).toThrow(
      "the engine log does not show a whole up",
    );
  });
});
