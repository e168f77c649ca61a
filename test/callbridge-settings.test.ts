import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getXmppSettings } from "../src/clients/cms-api/api-client";
import { applyCluster } from "../src/engine/apply";
import * as settings from "../src/resources/cluster/callbridge-settings.provider";
import { setProviderConfig } from "../src/resources/dynamic/provider-config";
import { eventually } from "./sim-support/loopback-net";
import { type SimLab, startSimLab } from "./support/sim-lab";
import { verifyCluster } from "./support/verify";

const API_KEY = "cms-xmpp-resiliency:apiPassword";
let lab: SimLab;
let secrets: Record<string, string>;
/** The outputs state holds for each bridge, as the last create/update/read returned them. */
const state: Record<string, settings.StoredCallBridgeSettings> = {};

const inputs = (i: number, sharedSecret: string): settings.CallBridgeSettingsInputs => {
  const node = lab.sim.nodes[i];
  return {
    bridge: node.name,
    apiUrl: `https://${node.host}:${node.apiPort}`,
    username: "admin",
    passwordKey: API_KEY,
    caCertPem: node.apiCertPem,
    insecureSkipVerify: false,
    domain: lab.domain,
    serverAddress: `${node.host}:5223`,
    sharedSecret,
    retainOnDelete: false,
  };
};
/** The inputs `pulumi up` would send for bridge i with its cluster secret. */
const wanted = (i: number) => inputs(i, secrets[lab.sim.nodes[i].name]);

/** How a dynamic provider marks an output secret. */
const secret = (value: string | undefined) => ({
  [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
  value,
});
/** Outputs as the engine passes them back to the provider (which accepts no secrets): unwrapped. */
function asProviderSees(props: Record<string, unknown>): settings.StoredCallBridgeSettings {
  const unwrap = (v: unknown) =>
    v && typeof v === "object" && pulumi.runtime.specialSigKey in v ? (v as unknown as { value: unknown }).value : v;
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, unwrap(v)])) as settings.StoredCallBridgeSettings;
}

const apiTarget = (i: number) => ({
  bridge: lab.sim.nodes[i].name,
  url: `https://${lab.sim.nodes[i].host}:${lab.sim.nodes[i].apiPort}`,
  username: "admin",
  password: "admin",
  caCertPem: lab.sim.nodes[i].apiCertPem,
  insecureSkipVerify: false,
  timeoutMs: 5000,
});

/** API PUTs bridge i received since the last clear. */
const puts = (i: number) => lab.sim.nodes[i].transcript.filter((e) => e.command.startsWith("API PUT")).length;
const connected = (i: number) => eventually(() => lab.sim.nodes[i].callBridge().status() === "connected");

async function create(i: number, sharedSecret = secrets[lab.sim.nodes[i].name]) {
  const result = await settings.create(inputs(i, sharedSecret));
  state[lab.sim.nodes[i].name] = result.outs;
  return result.outs as settings.CallBridgeSettingsOutputs;
}
async function update(news: settings.CallBridgeSettingsInputs) {
  const result = await settings.update("id", state[news.bridge], news);
  state[news.bridge] = result.outs as settings.CallBridgeSettingsOutputs;
  return result.outs as settings.CallBridgeSettingsOutputs;
}
const changes = async (i: number, news: settings.CallBridgeSettingsInputs) =>
  (await settings.diff("id", state[lab.sim.nodes[i].name], news)).changes;

async function verify() {
  return verifyCluster({
    expected: { nodes: lab.intent.nodes, callBridges: lab.intent.callBridges },
    targets: lab.targets,
    bridges: [0, 1, 2].map(apiTarget),
    timeoutMs: 5000,
    intervalMs: 200,
  });
}

beforeAll(async () => {
  lab = await startSimLab();
  setProviderConfig({ get: (key) => (key === API_KEY ? "admin" : undefined) });
  secrets = (await applyCluster({ intent: lab.intent, targets: lab.targets, leavers: [], settleTimeoutMs: 10_000 }))
    .secrets;
});
afterAll(async () => {
  await lab?.sim.stop();
});
beforeEach(() => {
  for (const n of lab.sim.nodes) n.clearTranscript();
});

describe("Call Bridge XMPP settings through the CMS REST API", () => {
  it("create on a fresh bridge: one PUT of name, domain, secret and server address; GET returns them without the secret", async () => {
    for (const i of [0, 1, 2]) {
      const outs = await create(i);
      expect(puts(i)).toBe(1);
      expect(outs).not.toHaveProperty("sharedSecret");
      expect(outs.sharedSecretHash).toBe(settings.sharedSecretHash(outs.bridge, lab.domain, secrets[outs.bridge]));
      expect(JSON.stringify(outs)).not.toContain(secrets[outs.bridge]);
    }
    const live = await getXmppSettings(apiTarget(1));
    expect(live).toEqual({ uniqueName: "cb2", domain: "tptac9.com", serverAddress: `${lab.sim.nodes[1].host}:5223` });
    // What the PUT gave the bridge (the simulator's store, not its redacted transcript): the cluster's secret.
    for (const node of lab.sim.nodes) expect(node.store.bridge.sharedSecret, node.name).toBe(secrets[node.name]);
  });

  it("verifies every Call Bridge connected", async () => {
    expect(await verify()).toEqual([]);
    for (const n of lab.sim.nodes) expect(n.callBridge().status()).toBe("connected");
  });

  it("create adopts a bridge that already holds the settings and is connected: no PUT", async () => {
    await connected(0);
    const outs = await create(0);
    expect(puts(0)).toBe(0);
    expect(outs.sharedSecretHash).toBe(settings.sharedSecretHash("cb1", lab.domain, secrets.cb1));
  });

  it("the hash is keyed per bridge and domain", () => {
    expect(settings.sharedSecretHash("cb1", "tptac9.com", "s")).toMatch(/^[0-9a-f]{64}$/);
    expect(settings.sharedSecretHash("cb1", "tptac9.com", "s")).not.toBe(
      settings.sharedSecretHash("cb2", "tptac9.com", "s"),
    );
    expect(settings.sharedSecretHash("cb1", "tptac9.com", "s")).not.toBe(
      settings.sharedSecretHash("cb1", "other.com", "s"),
    );
  });

  it("diff: no change for the same secret, a change for a new one", async () => {
    expect(await changes(0, wanted(0))).toBe(false);
    expect(await changes(0, inputs(0, secrets.cb2))).toBe(true);
    expect(await changes(0, { ...wanted(0), serverAddress: "" })).toBe(true);
    expect(await changes(0, { ...wanted(0), apiUrl: "https://127.0.0.9:443" })).toBe(true);
  });

  it("diff against outputs of older releases (plaintext secret, no hash): no change for the same secret", async () => {
    const { sharedSecretHash: _, ...rest } = state.cb1;
    const old = { ...rest, sharedSecret: secrets.cb1 };
    expect((await settings.diff("id", old, wanted(0))).changes).toBe(false);
    expect((await settings.diff("id", old, inputs(0, secrets.cb2))).changes).toBe(true);
    await settings.update("id", old, wanted(0));
    expect(puts(0)).toBe(0);
  });

  it("update with only retainOnDelete changed: an update, no PUT", async () => {
    const news = { ...wanted(1), retainOnDelete: true };
    expect(await changes(1, news)).toBe(true);
    const outs = await update(news);
    expect(puts(1)).toBe(0);
    expect(outs.retainOnDelete).toBe(true);
    expect(JSON.stringify(outs)).not.toContain(secrets.cb2);
    await update(wanted(1));
    expect(puts(1)).toBe(0);
  });

  it("update with a new server address: one PUT", async () => {
    const outs = await update({ ...wanted(1), serverAddress: `${lab.sim.nodes[0].host}:5223` });
    expect(puts(1)).toBe(1);
    expect((await getXmppSettings(apiTarget(1))).serverAddress).toBe(`${lab.sim.nodes[0].host}:5223`);
    expect(JSON.stringify(outs)).not.toContain(secrets.cb2);
    await update(wanted(1));
    expect(puts(1)).toBe(2);
  });

  it("names TechNote scenario 2 when a Call Bridge holds a wrong secret, and the update repairs it", async () => {
    await update(inputs(2, secrets.cb1));
    expect(puts(2)).toBe(1);
    const findings = await verify();
    expect(findings.map((f) => [f.scenario, f.subject, f.problem, f.transient])).toEqual([
      ["authentication", "cb3", 'reports "authentication failure"', false],
    ]);
    expect(findings[0].next).toContain("TechNote scenario 2");
    expect(JSON.stringify(findings)).not.toContain(secrets.cb1);
    await update(wanted(2));
    expect(puts(2)).toBe(2);
    expect(await verify()).toEqual([]);
  });

  it("create writes when the settings match but the bridge is not connected (its secret is unproven)", async () => {
    await update(inputs(2, secrets.cb1));
    await eventually(() => lab.sim.nodes[2].callBridge().status() === "authentication failure");
    await create(2);
    expect(puts(2)).toBe(2);
    await connected(2);
  });

  it("refresh reads drift in the server address and keeps the stored hash", async () => {
    const kept = state.cb1.sharedSecretHash;
    await update({ ...wanted(0), serverAddress: "" });
    // As if an admin had blanked the server address by hand: state still says the pinned address.
    state.cb1 = { ...state.cb1, serverAddress: `${lab.sim.nodes[0].host}:5223` };
    const read = await settings.read("id", state.cb1);
    expect(read.props?.serverAddress).toBe("");
    expect(read.props?.sharedSecretHash).toEqual(secret(kept));
    state.cb1 = asProviderSees(read.props);
    expect(await changes(0, wanted(0))).toBe(true);
  });

  it("refresh of outputs of older releases computes the hash and drops the plaintext", async () => {
    const { sharedSecretHash: _, ...rest } = state.cb1;
    const read = await settings.read("id", { ...rest, sharedSecret: secrets.cb1 });
    expect(read.props).not.toHaveProperty("sharedSecret");
    // Marked secret itself: the engine keeps secret on refresh only what was secret before (here `sharedSecret`).
    expect(read.props?.sharedSecretHash).toEqual(secret(settings.sharedSecretHash("cb1", lab.domain, secrets.cb1)));
    expect(JSON.stringify(read.props)).not.toContain(secrets.cb1);
  });

  it("refuses an API certificate it cannot verify, with what to do", async () => {
    const wrongCa = { ...wanted(0), caCertPem: lab.sim.nodes[1].apiCertPem };
    await expect(settings.create(wrongCa)).rejects.toThrow(
      /^\[cb1\] PUT \/api\/v1\/system\/configuration\/xmpp: .*\n {2}next: set api\.caCertPem/,
    );
  });

  it("clears the settings on delete", async () => {
    await settings.remove("id", state.cb2);
    expect(await getXmppSettings(apiTarget(1))).toEqual({ uniqueName: "", domain: "", serverAddress: "" });
  });
});
