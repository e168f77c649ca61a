import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { issueTestCertificate } from "./support/pki";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
const invoked: string[] = [];
const PASSWORD = "Graph-Test-Password-31x";
const pki = issueTestCertificate("tptac9.com", ["cb1.tptac9.com", "cb2.tptac9.com", "cb3.tptac9.com"]);

function stackConfig(overrides: Record<string, unknown> = {}) {
  return {
    domain: "tptac9.com",
    nodes: [1, 2, 3].map((i) => ({ name: `cb${i}`, address: `127.0.9.${i}`, fqdn: `cb${i}.tptac9.com` })),
    callBridges: [1, 2, 3].map((i) => ({ name: `cb${i}`, apiUrl: `https://127.0.9.${i}:445` })),
    certificates: {
      source: "byo",
      shared: true,
      certs: { shared: { key: pki.keyPem, cert: pki.certPem, chain: pki.caPem } },
    },
    ...overrides,
  };
}

beforeAll(async () => {
  pulumi.runtime.setAllConfig(
    {
      "cms-xmpp-resiliency:cluster": JSON.stringify(stackConfig()),
      "cms-xmpp-resiliency:mmpPassword": PASSWORD,
      "cms-xmpp-resiliency:apiPassword": PASSWORD,
    },
    ["cms-xmpp-resiliency:mmpPassword", "cms-xmpp-resiliency:apiPassword"],
  );
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return {
          id: `${args.name}-id`,
          state: { ...args.inputs, secrets: {}, leader: "", nodeStates: {}, findings: [] },
        };
      },
      call: (args) => {
        invoked.push(args.token);
        return args.inputs;
      },
    },
    "cms-xmpp-resiliency",
    "graph",
    false,
  );
  const program = await import("../src/program/index");
  await new Promise<void>((resolve) => program.leader.apply(() => resolve()));
  await new Promise((r) => setTimeout(r, 500));
});

const ofType = (type: string) => registered.filter((r) => r.type === type);

describe("the main program's resource graph", () => {
  it("asks once for the dynamic-provider process, by an invoke that changes nothing", () => {
    expect(invoked).toEqual(["pulumi-nodejs:dynamic:start"]);
  });

  it("has one cluster, one settings resource per Call Bridge, a verification, and the certificate files", () => {
    expect(ofType("pulumi-nodejs:dynamic/cms:XmppCluster")).toHaveLength(1);
    expect(ofType("pulumi-nodejs:dynamic/cms:CallBridgeXmppSettings").map((r) => r.name)).toEqual([
      "xmpp-callbridge-cb1",
      "xmpp-callbridge-cb2",
      "xmpp-callbridge-cb3",
    ]);
    expect(ofType("pulumi-nodejs:dynamic/cms:ClusterVerification")).toHaveLength(1);
    const files = ofType("pulumi-nodejs:dynamic/cms:NodeFile")
      .map((r) => r.name)
      .sort();
    expect(files).toEqual(
      ["cb1", "cb2", "cb3"].flatMap((n) => ["bundle", "cert", "key"].map((role) => `xmpp-${n}-${role}`)).sort(),
    );
  });

  it("passes the cluster its plan inputs and names the password only by config key", () => {
    const cluster = ofType("pulumi-nodejs:dynamic/cms:XmppCluster")[0].inputs;
    expect(cluster.initializer).toBe("cb1");
    expect(cluster.callBridges).toEqual(["cb1", "cb2", "cb3"]);
    const nodes = cluster.nodes as { mmp: { passwordKey: string; host: string } }[];
    expect(nodes.map((n) => n.mmp.host)).toEqual(["127.0.9.1", "127.0.9.2", "127.0.9.3"]);
    expect(nodes[0].mmp.passwordKey).toBe("cms-xmpp-resiliency:mmpPassword");
  });

  it("puts no password in any resource input, including the serialized providers", () => {
    expect(registered.length).toBe(16);
    expect(JSON.stringify(registered.map((r) => r.inputs))).not.toContain(PASSWORD);
  });

  it("marks the uploaded private key as a secret", async () => {
    const key = ofType("pulumi-nodejs:dynamic/cms:NodeFile").find((r) => r.name === "xmpp-cb1-key");
    expect(key?.inputs.content).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: pki.keyPem.trim(),
    });
    const cert = ofType("pulumi-nodejs:dynamic/cms:NodeFile").find((r) => r.name === "xmpp-cb1-cert");
    expect(cert?.inputs.content).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("serializes each dynamic provider as a thin shell that requires the compiled package by name", () => {
    const provider = String(ofType("pulumi-nodejs:dynamic/cms:XmppCluster")[0].inputs.__provider);
    expect(provider).toContain('"cms-xmpp-resiliency/providers/cluster/xmpp-cluster"');
    for (const forbidden of ["ts-node", "process.cwd", "/work/", "components/"])
      expect(provider).not.toContain(forbidden);
    expect(provider.length).toBeLessThan(5_000);
  });
});
