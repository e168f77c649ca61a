// Fault drills through the real engine: the SSH connection cut in the middle of a mutating command. The failed `up`
// names the node, the step and what to do; the next `up` runs only what was not done and converges.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RICH_LAYOUT, type SimBehaviour, type SimCluster, startSimCluster, TECHNOTE_LAYOUT } from "../sim";
import { clusterStackConfig, SIM_API_PASSWORD, SIM_PASSWORD, SIM_USERS } from "./support/cluster-stack";
import { drillTools, INITIALIZER, joinSteps, NEXT_UP, named, SECRETS, SETUP } from "./support/drill-stack";
import { dispose, engineOrSkipReason, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";
import { leakedSecrets } from "./support/secrets";
import { mutating } from "./support/sim-lab";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`fault drills skipped: ${engine.skip}`);
vi.setConfig({ testTimeout: 300_000 });

const LAYOUTS: [string, Partial<SimBehaviour>][] = [
  ["technote", TECHNOTE_LAYOUT],
  ["rich", RICH_LAYOUT],
];

describe.skipIf("skip" in engine).each(LAYOUTS)("SSH dropped mid-command, %s layout", (_layout, behaviour) => {
  let sim: SimCluster;
  let stack: Stack;
  const output: string[] = [];
  const { onOutput, clear, ran, failedUp, diagnosticErrors, recordedCluster, bridgeSecrets, converges } = drillTools(
    () => ({ sim, stack }),
    output,
  );

  beforeAll(async () => {
    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: [1, 2, 3].map((i) => ({ name: `cb${i}`, host: `${prefix}.${i}`, behaviour, ...SIM_USERS })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    stack = await testStack({ workDir: ".", config: clusterStackConfig(sim) });
  }, 120_000);

  afterAll(async () => {
    try {
      await dispose(stack);
    } finally {
      await sim?.stop();
    }
  });

  const host = (node: string) => sim.node(node).host;
  const JOIN_STEPS = () => joinSteps(sim);

  it("cut after `xmpp cluster join` took effect on cb2: the next up runs only cb3's join", async () => {
    clear();
    sim.node("cb2").faults.dropAtCommand = { command: /^xmpp cluster join /, when: "after" };
    const error = await failedUp();
    sim.node("cb2").faults.dropAtCommand = null;
    expect(error).toContain("stderr: Command failed with exit code 1: ");
    const joinError = `[cb2] \`xmpp cluster join ${host("cb1")}\`: the node closed the MMP session`;
    expect(diagnosticErrors(error)).toEqual([`error: ${joinError}`]);
    // The half-done cluster is in state, with the error that stopped it.
    expect(await recordedCluster()).toEqual([[joinError]]);
    expect(error).toContain(NEXT_UP);
    expect(named(mutating(sim, "cb1"))).toEqual(INITIALIZER);
    expect(named(mutating(sim, "cb2"))).toEqual([...SETUP, ...SECRETS, ...JOIN_STEPS()]);
    expect(named(mutating(sim, "cb3"))).toEqual([...SETUP, ...SECRETS]);
    expect(sim.node("cb2").state().cluster.member).toBe(true);

    clear();
    await converges();
    expect(ran()).toEqual({ cb1: [], cb2: [], cb3: JOIN_STEPS() });
    expect(await recordedCluster()).toEqual([[]]);
  });

  it("cut after `xmpp callbridge add-secret cb3` took effect on cb2: the next up does not redo the secrets", async () => {
    await stack.destroy({ onOutput });
    clear();
    sim.node("cb2").faults.dropAtCommand = { command: "xmpp callbridge add-secret cb3", when: "after" };
    const error = await failedUp();
    sim.node("cb2").faults.dropAtCommand = null;
    expect(error).toContain("stderr: Command failed with exit code 1: ");
    const secretError = "[cb2] `xmpp callbridge add-secret cb3`: the node closed the MMP session";
    expect(diagnosticErrors(error)).toEqual([`error: ${secretError}`]);
    expect(await recordedCluster()).toEqual([[secretError]]);
    expect(error).toContain(NEXT_UP);
    expect(named(mutating(sim, "cb2"))).toEqual([...SETUP, ...SECRETS]);

    clear();
    await converges();
    expect(ran()).toEqual({ cb1: [], cb2: JOIN_STEPS(), cb3: JOIN_STEPS() });
  });

  it("leaves no secret in any output, failed runs included", async () => {
    const secrets = [SIM_PASSWORD, SIM_API_PASSWORD, ...(await bridgeSecrets())];
    expect(secrets).toHaveLength(5);
    expect(await leakedSecrets({ stack, output, secrets })).toEqual([]);
  });
});
