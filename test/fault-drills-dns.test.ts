// Fault drill through the real engine: BIND refuses the DNS update because the stack's TSIG secret is wrong. The
// failed `up` names the server, the records and what to do, and records no DNS record set; once the secret is fixed
// the next `up` writes exactly the records, runs no MMP command again, and verifies green.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SimCluster, startSimCluster, TECHNOTE_LAYOUT } from "../sim";
import { type BindServer, bindSkipReason, startBind, zoneRecords } from "./support/bind";
import { clusterStackConfig, SIM_API_PASSWORD, SIM_PASSWORD, SIM_USERS } from "./support/cluster-stack";
import { drillTools, INITIALIZER, joinSteps, named, SECRETS, SETUP } from "./support/drill-stack";
import { dispose, engineOrSkipReason, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";
import { leakedSecrets } from "./support/secrets";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`fault drills skipped: ${engine.skip}`);
const skip = "skip" in engine || bindSkipReason() !== undefined;
vi.setConfig({ testTimeout: 300_000 });

const ZONE = "tptac9.com";
const WRONG_SECRET = Buffer.alloc(32, 7).toString("base64");
const TSIG_KEY = "cms-xmpp-resiliency:tsigSecret";

describe.skipIf(skip)("fault drill: the DNS server refuses the update (wrong TSIG secret)", () => {
  let sim: SimCluster;
  let bind: BindServer;
  let stack: Stack;
  const output: string[] = [];
  const { clear, ran, failedUp, diagnosticErrors, bridgeSecrets, converges } = drillTools(
    () => ({ sim, stack }),
    output,
  );
  const config = (tsigSecret: string) => {
    const base = clusterStackConfig(sim);
    const cluster = JSON.parse(base["cms-xmpp-resiliency:cluster"].value);
    cluster.dns = {
      backend: "rfc2136",
      zone: ZONE,
      server: { host: bind.host, port: bind.port },
      tsig: { name: bind.key.name },
      timeoutSeconds: 5,
    };
    return {
      ...base,
      "cms-xmpp-resiliency:cluster": { value: JSON.stringify(cluster) },
      [TSIG_KEY]: { value: tsigSecret, secret: true },
    };
  };
  /** The record sets in state, by name and type. */
  const recordSets = async () =>
    ((await stack.exportStack()).deployment.resources as { type: string; outputs?: { name: string; type: string } }[])
      .filter((r) => r.type === "pulumi-nodejs:dynamic/cms:Rfc2136RecordSet")
      .map((r) => `${r.outputs?.name} ${r.outputs?.type}`)
      .sort();
  const host = (node: string) => sim.node(node).host;
  const wanted = () =>
    [
      ...[1, 2, 3].map((i) => `cb${i}.${ZONE}. 86400 A ${host(`cb${i}`)}`),
      ...[1, 2, 3].map((i) => `_xmpp-client._tcp.${ZONE}. 86400 SRV 10 10 5222 cb${i}.${ZONE}.`),
      ...[1, 2, 3].map((i) => `_xmpp-component._tcp.${ZONE}. 86400 SRV 10 10 5223 cb${i}.${ZONE}.`),
    ].sort();

  beforeAll(async () => {
    bind = startBind([ZONE]);
    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: [1, 2, 3].map((i) => ({
        name: `cb${i}`,
        host: `${prefix}.${i}`,
        behaviour: TECHNOTE_LAYOUT,
        ...SIM_USERS,
      })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    stack = await testStack({ workDir: ".", config: config(WRONG_SECRET) });
  }, 120_000);

  afterAll(async () => {
    try {
      await dispose(stack);
    } finally {
      await sim?.stop();
      bind?.stop();
    }
  });

  it("up fails once, naming the server, the key and what to do; nothing is written to the zone or the nodes", async () => {
    clear();
    const error = await failedUp();
    const server = `${bind.host}:${bind.port}`;
    expect(error).toContain("stderr: Command failed with exit code 1: ");
    expect(diagnosticErrors(error)).toEqual([
      `error: [dns ${server}] prove TSIG key "${bind.key.name}" before writing any record: DNS server ${server} rejected the change to zone "${ZONE}" (NOTAUTH/BADSIG): the TSIG key is wrong or not allowed: the secret of key "${bind.key.name}" does not match the server's. Nothing was changed. next: give the stack the key the server holds (\`pulumi config set --secret tsigSecret <base64>\`, \`dns.tsig.name\`), then run \`pulumi up\` again`,
    ]);
    expect(await recordSets()).toEqual([]);
    expect(zoneRecords(bind)).toEqual([]);
    // The cluster and the Call Bridges wait for DNS: no node was changed.
    expect(ran()).toEqual({ cb1: [], cb2: [], cb3: [] });
  });

  it("with the right secret the next up writes exactly the records, builds the cluster and verifies green", async () => {
    await stack.setConfig(TSIG_KEY, { value: bind.key.secret, secret: true });
    clear();
    await converges();
    expect(named(ran().cb1)).toEqual(INITIALIZER);
    for (const n of ["cb2", "cb3"]) expect(named(ran()[n]), n).toEqual([...SETUP, ...SECRETS, ...joinSteps(sim)]);
    expect(zoneRecords(bind)).toEqual(wanted());
    expect(await recordSets()).toEqual([
      `_xmpp-client._tcp.${ZONE} SRV`,
      `_xmpp-component._tcp.${ZONE} SRV`,
      `cb1.${ZONE} A`,
      `cb2.${ZONE} A`,
      `cb3.${ZONE} A`,
    ]);
  });

  it("leaves no secret in any output, failed runs included (the wrong TSIG secret too)", async () => {
    const secrets = [SIM_PASSWORD, SIM_API_PASSWORD, ...(await bridgeSecrets())];
    expect(secrets).toHaveLength(5);
    expect(await leakedSecrets({ stack, output, secrets, tsigKeys: [WRONG_SECRET, bind.key.secret] })).toEqual([]);
  });
});
