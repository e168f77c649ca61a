import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getXmppSettings } from "../components/callbridge/api-client";
import { applyCluster } from "../components/cluster/apply";
import { verifyCluster } from "../components/cluster/verify";
import * as settings from "../components/providers/callbridge-settings-impl";
import { setProviderConfig } from "../components/providers/provider-config";
import { type SimLab, startSimLab } from "./support/sim-lab";

const API_KEY = "cms-xmpp-resiliency:apiPassword";
let lab: SimLab;
let secrets: Record<string, string>;

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

const apiTarget = (i: number) => ({
  bridge: lab.sim.nodes[i].name,
  url: `https://${lab.sim.nodes[i].host}:${lab.sim.nodes[i].apiPort}`,
  username: "admin",
  password: "admin",
  caCertPem: lab.sim.nodes[i].apiCertPem,
  insecureSkipVerify: false,
  timeoutMs: 5000,
});

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

describe("Call Bridge XMPP settings through the CMS REST API", () => {
  it("puts name, domain, secret and server address; GET returns them without the secret", async () => {
    for (const i of [0, 1, 2]) await settings.create(inputs(i, secrets[lab.sim.nodes[i].name]));
    const live = await getXmppSettings(apiTarget(1));
    expect(live).toEqual({ uniqueName: "cb2", domain: "tptac9.com", serverAddress: `${lab.sim.nodes[1].host}:5223` });
    const puts = lab.sim.node("cb2").transcript.filter((e) => e.command.startsWith("API PUT"));
    expect(puts.at(-1)?.command).not.toContain(secrets.cb2);
  });

  it("verifies every Call Bridge connected", async () => {
    expect(await verify()).toEqual([]);
    for (const n of lab.sim.nodes) expect(n.callBridge().status()).toBe("connected");
  });

  it("names seed scenario 2 when a Call Bridge holds a wrong secret, and the update repairs it", async () => {
    await settings.update("id", inputs(2, secrets.cb3), inputs(2, secrets.cb1));
    const findings = await verify();
    expect(findings.map((f) => [f.scenario, f.subject])).toEqual([["authentication", "cb3"]]);
    expect(findings[0].problem).toBe('reports "authentication failure"');
    expect(JSON.stringify(findings)).not.toContain(secrets.cb1);
    await settings.update("id", inputs(2, secrets.cb1), inputs(2, secrets.cb3));
    expect(await verify()).toEqual([]);
  });

  it("refresh reads drift in the server address", async () => {
    const drifted = { ...inputs(0, secrets.cb1), serverAddress: "" };
    await settings.update("id", inputs(0, secrets.cb1), drifted);
    const read = await settings.read("id", inputs(0, secrets.cb1));
    expect(read.props?.serverAddress).toBe("");
    expect(
      (await settings.diff("id", read.props as settings.CallBridgeSettingsInputs, inputs(0, secrets.cb1))).changes,
    ).toBe(true);
  });

  it("refuses an API certificate it cannot verify, with what to do", async () => {
    const wrongCa = { ...inputs(0, secrets.cb1), caCertPem: lab.sim.nodes[1].apiCertPem };
    await expect(settings.create(wrongCa)).rejects.toThrow(
      /^\[cb1\] PUT \/api\/v1\/system\/configuration\/xmpp: .*\n {2}next: set api\.caCertPem/,
    );
  });

  it("clears the settings on delete", async () => {
    await settings.remove("id", inputs(1, secrets.cb2));
    expect(await getXmppSettings(apiTarget(1))).toEqual({ uniqueName: "", domain: "", serverAddress: "" });
  });
});
