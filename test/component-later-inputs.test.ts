import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { XmppResilientCluster } from "../src/resources/cluster/xmpp-resilient-cluster";
import { issueTestCertificate } from "./support/pki";
import { routeRunErrors } from "./support/run-errors";

/** Host keys, the API's CA and BYO PEMs given as Outputs (as from another resource or a secret store), under mocks. */

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
const NAMES = ["cb1.tptac9.com", "cb2.tptac9.com", "cb3.tptac9.com"];
const pki = issueTestCertificate("tptac9.com", NAMES);
const other = issueTestCertificate("tptac9.com", NAMES);
const FINGERPRINTS = ["1", "2", "3"].map((c) => `SHA256:${c.repeat(43)}`);
/** What the component validates with while a value is pending: it must never reach a resource. */
const PLACEHOLDERS = [`SHA256:${"A".repeat(43)}`, "-----BEGIN PENDING-----"];

const nodes = (fingerprint: (i: number) => pulumi.Input<string>) =>
  [1, 2, 3].map((i) => ({
    name: `cb${i}`,
    address: `127.0.9.${i}`,
    fqdn: `cb${i}.tptac9.com`,
    hostKeyFingerprint: fingerprint(i - 1),
  }));
const callBridges = [1, 2, 3].map((i) => ({ name: `cb${i}`, apiUrl: `https://127.0.9.${i}:445` }));
const byo = (material: { key: pulumi.Input<string>; cert: pulumi.Input<string>; chain?: pulumi.Input<string> }) => ({
  source: "byo" as const,
  shared: true,
  certs: { shared: material },
});

const ofType = (type: string, prefix: string) =>
  registered.filter((r) => r.type === `pulumi-nodejs:dynamic/cms:${type}` && r.name.startsWith(prefix));

let runErrors: unknown[] = [];
/** The program's stop, as the Pulumi runtime would report it: the RunError raised once the value is known. */
async function stopMessage(contains: string): Promise<string> {
  return vi.waitFor(
    () => {
      const found = runErrors.map((e) => (e as Error).message).find((m) => m.includes(contains));
      if (!found) throw new Error(`no RunError mentioning ${contains} yet`);
      return found;
    },
    { timeout: 10_000, interval: 50 },
  );
}

beforeAll(async () => {
  runErrors = routeRunErrors();
  pulumi.runtime.setAllConfig({ "later:mmpPassword": "Mmp-Later-1", "later:apiPassword": "Api-Later-2" }, [
    "later:mmpPassword",
    "later:apiPassword",
  ]);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, secrets: {}, leader: "", nodeStates: {} } };
      },
      call: (args) => args.inputs,
    },
    "later",
    "dev",
    false,
    "organization",
  );
});

describe("XmppResilientCluster with values from other resources", () => {
  it("passes the resolved host keys, API CA and BYO PEMs to the resources, never the stand-ins", async () => {
    const cluster = new XmppResilientCluster("ok", {
      cluster: {
        domain: "tptac9.com",
        nodes: nodes((i) => pulumi.output(FINGERPRINTS[i])),
        callBridges,
        api: { caCertPem: Promise.resolve(pki.caPem) },
      },
      certificates: byo({ key: pulumi.secret(pki.keyPem), cert: pulumi.output(pki.certPem), chain: pki.caPem }),
    });
    await new Promise<void>((resolve) => cluster.leader.apply(() => resolve()));
    await new Promise((r) => setTimeout(r, 300));

    const xmpp = ofType("XmppCluster", "ok")[0].inputs.nodes as { mmp: { hostKeyFingerprint: string } }[];
    expect(xmpp.map((n) => n.mmp.hostKeyFingerprint)).toEqual(FINGERPRINTS);
    const settings = ofType("CallBridgeXmppSettings", "ok");
    expect(settings.map((s) => s.inputs.caCertPem)).toEqual([pki.caPem, pki.caPem, pki.caPem]);
    const verification = ofType("ClusterVerification", "ok")[0].inputs;
    const verified = verification.nodes as { mmp: { hostKeyFingerprint: string } }[];
    expect(verified.map((n) => n.mmp.hostKeyFingerprint)).toEqual(FINGERPRINTS);
    expect((verification.bridgeApis as { caCertPem: string }[]).map((a) => a.caCertPem)).toEqual([
      pki.caPem,
      pki.caPem,
      pki.caPem,
    ]);
    const files = ofType("NodeFile", "ok");
    expect(files.map((f) => f.name).sort()).toEqual(
      ["cb1", "cb2", "cb3"].flatMap((n) => ["bundle", "cert", "key"].map((role) => `ok-${n}-${role}`)).sort(),
    );
    const content = (role: string) => files.find((f) => f.name === `ok-cb2-${role}`)?.inputs.content;
    expect(content("cert")).toBe(`${pki.certPem.trim()}\n`);
    expect(content("key")).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: pki.keyPem.trim(),
    });
    const everything = JSON.stringify(registered.filter((r) => r.name.startsWith("ok")).map((r) => r.inputs));
    for (const placeholder of PLACEHOLDERS) expect(everything).not.toContain(placeholder);
  });

  it("passes a TSIG secret from another resource to every record set, never its stand-in", async () => {
    const tsig = Buffer.alloc(32, 7).toString("base64");
    const cluster = new XmppResilientCluster("tsig", {
      cluster: { domain: "tptac9.com", nodes: nodes((i) => FINGERPRINTS[i]), callBridges },
      certificates: byo({ key: pki.keyPem, cert: pki.certPem, chain: pki.caPem }),
      dns: { backend: "rfc2136", zone: "tptac9.com", server: { host: "127.0.0.1", port: 53 }, tsig: { name: "xmpp" } },
      tsigSecret: pulumi.secret(Promise.resolve(tsig)),
    });
    await new Promise<void>((resolve) => cluster.leader.apply(() => resolve()));
    await new Promise((r) => setTimeout(r, 300));
    const sets = ofType("Rfc2136RecordSet", "tsig");
    // One RRset per SRV name (component, client) and one A RRset per node.
    expect(sets).toHaveLength(5);
    const secrets = sets.map((r) => (r.inputs.tsigSecret as { value: string }).value);
    expect(secrets).toEqual(Array(5).fill(tsig));
  });

  it("still validates the rest of the config at once, naming every problem", () => {
    expect(
      () =>
        new XmppResilientCluster("bad", {
          cluster: { domain: "not a domain", nodes: nodes((i) => pulumi.output(FINGERPRINTS[i])), callBridges },
        }),
    ).toThrow(
      "invalid stack config:\n  - domain: must be a DNS domain such as tptac9.com (letters, digits, dots, hyphens)\nNothing was changed on any node.",
    );
  });

  it("fails with the node and the field when a host key from another resource is malformed", async () => {
    const cluster = new XmppResilientCluster("badkey", {
      cluster: {
        domain: "tptac9.com",
        nodes: nodes((i) => pulumi.output(i === 1 ? "md5:00" : FINGERPRINTS[i])),
        callBridges,
      },
      certificates: { source: "offNode" },
    });
    expect(cluster.urn).toBeDefined();
    expect(await stopMessage("hostKeyFingerprint")).toBe(
      "nodes[1].hostKeyFingerprint (node cb2, from another resource): must look like SHA256:<43 base64 characters> (ssh-keygen -lf)",
    );
  });

  it("fails naming the field when the API CA from another resource is not PEM", async () => {
    const cluster = new XmppResilientCluster("badca", {
      cluster: {
        domain: "tptac9.com",
        nodes: nodes((i) => FINGERPRINTS[i]),
        callBridges,
        api: { caCertPem: pulumi.output("not-a-pem") },
      },
      certificates: { source: "offNode" },
    });
    expect(cluster.urn).toBeDefined();
    expect(await stopMessage("api.caCertPem")).toBe(
      "api.caCertPem: is neither PEM text nor the path of a readable file (ENOENT); give the PEM itself (starting with -----BEGIN) or a path relative to the Pulumi project directory (the value came from another resource)",
    );
  });

  it("checks BYO PEMs from another resource as the config's own: a key that does not match its certificate", async () => {
    const cluster = new XmppResilientCluster("badbyo", {
      cluster: { domain: "tptac9.com", nodes: nodes((i) => FINGERPRINTS[i]), callBridges },
      certificates: byo({ key: pulumi.secret(other.keyPem), cert: pulumi.output(pki.certPem), chain: pki.caPem }),
    });
    expect(cluster.urn).toBeDefined();
    expect(await stopMessage("does not match")).toBe(
      'certificate checks failed; nothing was uploaded to any node:\n  - certificates.certs.shared: the private key does not match the certificate "CN=tptac9.com" (their public keys differ); supply the key the certificate was issued for, or a certificate issued for this key',
    );
  });
});
