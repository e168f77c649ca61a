// Fault drill through the real engine: the cluster's leader is lost (powered off) while an update adds a Call Bridge.
// The others elect a new leader, the failed `up` names the lost node and its step, and once the node is back the next
// `up` runs only that node's missing step and converges with verification green. Both [I] layouts.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RICH_LAYOUT, type SimBehaviour, type SimCluster, startSimCluster, TECHNOTE_LAYOUT } from "../sim";
import { withMmpSession } from "../src/clients/mmp/session";
import { clusterStackConfig, SIM_API_PASSWORD, SIM_PASSWORD, SIM_USERS } from "./support/cluster-stack";
import { drillTools, NEXT_UP } from "./support/drill-stack";
import { dispose, engineOrSkipReason, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";
import { leakedSecrets } from "./support/secrets";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`fault drills skipped: ${engine.skip}`);
vi.setConfig({ testTimeout: 300_000 });

const LAYOUTS: [string, Partial<SimBehaviour>][] = [
  ["technote", TECHNOTE_LAYOUT],
  ["rich", RICH_LAYOUT],
];
const MEMBERS = ["cb1", "cb2", "cb3"];

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf("skip" in engine).each(LAYOUTS)("the leader lost during an update, %s layout", (_layout, behaviour) => {
  let sim: SimCluster;
  let stack: Stack;
  const output: string[] = [];
  const { clear, ran, failedUp, diagnosticErrors, recordedCluster, bridgeSecrets, converges } = drillTools(
    () => ({ sim, stack }),
    output,
  );
  const host = (node: string) => sim.node(node).host;
  const leaders = () => MEMBERS.filter((n) => sim.node(n).state().cluster.state === "LEADER");
  const apiPuts = () =>
    Object.fromEntries(
      sim.nodes.map((n) => [n.name, n.transcript.map((e) => e.command).filter((c) => c.startsWith("API PUT"))]),
    );
  /** The cluster's three XMPP nodes; cb4 only runs a Call Bridge, pointed at cb1's XMPP server. */
  const config = (bridges: string[]) => {
    const all = JSON.parse(clusterStackConfig(sim)["cms-xmpp-resiliency:cluster"].value);
    all.nodes = all.nodes.filter((n: { name: string }) => MEMBERS.includes(n.name));
    all.callBridges = all.callBridges
      .filter((b: { name: string }) => bridges.includes(b.name))
      .map((b: { name: string }) => (MEMBERS.includes(b.name) ? b : { ...b, serverAddress: `${host("cb1")}:5223` }));
    return { value: JSON.stringify(all) };
  };
  const byHand = (node: string, command: string) =>
    withMmpSession(
      {
        node,
        host: host(node),
        port: sim.node(node).sshPort,
        username: "admin",
        password: SIM_PASSWORD,
        hostKeyFingerprint: sim.node(node).hostKeyFingerprint,
        timeoutMs: 10_000,
      },
      (s) => s.run(command),
    );

  beforeAll(async () => {
    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: [1, 2, 3, 4].map((i) => ({ name: `cb${i}`, host: `${prefix}.${i}`, behaviour, ...SIM_USERS })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    stack = await testStack({
      workDir: ".",
      config: { ...clusterStackConfig(sim), "cms-xmpp-resiliency:cluster": config(MEMBERS) },
    });
    await converges(MEMBERS);
    // The leader is moved off the initializer, so that the lost leader is a joiner and the update reaches it only
    // after the initializer has added the new Call Bridge.
    if (leaders()[0] === "cb1") {
      await byHand("cb1", "xmpp disable");
      await until("a new leader", () => (leaders().length === 1 && leaders()[0] !== "cb1" ? true : undefined));
      await byHand("cb1", "xmpp enable");
      await until("cb1 back as a follower", () =>
        sim.node("cb1").state().cluster.state === "FOLLOWER" ? true : undefined,
      );
    }
  }, 240_000);

  afterAll(async () => {
    try {
      await dispose(stack);
    } finally {
      await sim?.stop();
    }
  });

  it("the leader powers off during its add-secret: the others elect a new leader; the next up runs only that step", async () => {
    const [lost] = leaders();
    expect(["cb2", "cb3"]).toContain(lost);
    const other = lost === "cb2" ? "cb3" : "cb2";
    await stack.setConfig("cms-xmpp-resiliency:cluster", config([...MEMBERS, "cb4"]));
    clear();
    const node = sim.node(lost);
    node.faults.stallCommand = "xmpp callbridge add-secret cb4";
    const failed = failedUp();
    // The joiners' secrets run in parallel: once the other joiner has its secret, the leader is in its stalled one.
    await until(`${other}'s add-secret`, () =>
      sim.node(other).transcript.some((e) => e.command === "xmpp callbridge add-secret cb4") ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 300));
    await node.stop();
    const error = await failed;
    node.faults.stallCommand = null;

    const lostError = `[${lost}] \`xmpp callbridge add-secret cb4\`: the node closed the MMP session`;
    expect(error).toContain("stderr: Command failed with exit code 1: ");
    expect(diagnosticErrors(error)).toEqual([`error: ${lostError}`]);
    expect(error).toContain(NEXT_UP);
    expect(await recordedCluster()).toEqual([[lostError]]);
    expect(ran()).toEqual({
      cb1: ["xmpp callbridge add cb4"],
      cb2: lost === "cb2" ? [] : ["xmpp callbridge add-secret cb4"],
      cb3: lost === "cb3" ? [] : ["xmpp callbridge add-secret cb4"],
      cb4: [],
    });
    // cb4's Call Bridge waits for the cluster, so it was not pointed at it.
    expect(apiPuts().cb4).toEqual([]);
    // What the TechNote's resiliency is for: the two that are left agree on a new leader.
    const next = await until("a new leader among the others", () => {
      const states = ["cb1", other].map((n) => sim.node(n).state().cluster);
      const leader = states.find((s) => s.state === "LEADER");
      return leader && states.every((s) => s.leader !== null) ? leader : undefined;
    });
    expect([host("cb1"), host(other)].map((h) => `${h}:5222`)).toContain(next.leader);

    await node.start();
    clear();
    await converges(MEMBERS);
    expect(ran()).toEqual({ cb1: [], cb2: [], cb3: [], cb4: [], [lost]: ["xmpp callbridge add-secret cb4"] });
    expect(Object.fromEntries(Object.entries(apiPuts()).map(([n, puts]) => [n, puts.length]))).toEqual({
      cb1: 0,
      cb2: 0,
      cb3: 0,
      cb4: 1,
    });
    expect(await recordedCluster()).toEqual([[]]);
    for (const n of MEMBERS)
      expect(sim.node(n).state().xmpp.callbridges.sort(), n).toEqual(["cb1", "cb2", "cb3", "cb4"]);
  });

  it("leaves no secret in any output, failed runs included", async () => {
    const secrets = [SIM_PASSWORD, SIM_API_PASSWORD, ...(await bridgeSecrets())];
    expect(secrets).toHaveLength(6);
    expect(await leakedSecrets({ stack, output, secrets })).toEqual([]);
  });
});
