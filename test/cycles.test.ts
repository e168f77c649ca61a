// Five destroy/up cycles from nothing through the real engine: after every up, exactly one peer entry per node on
// every node (CSCvi67717 never appears) and verification green; after every destroy, no file of the stack is left.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { clusterStackConfig, SIM_USERS } from "./support/cluster-stack";
import { dispose, engineOrSkipReason, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`destroy/up cycles skipped: ${engine.skip}`);
vi.setConfig({ testTimeout: 300_000 });

describe.skipIf("skip" in engine)("5 destroy/up cycles from nothing", () => {
  let sim: SimCluster;
  let stack: Stack;
  let filesAtStart: Record<string, string[]>;
  const files = () => Object.fromEntries(sim.nodes.map((n) => [n.name, [...n.state().files].sort()]));

  beforeAll(async () => {
    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: [1, 2, 3].map((i) => ({ name: `cb${i}`, host: `${prefix}.${i}`, ...SIM_USERS })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    filesAtStart = files();
    stack = await testStack({ workDir: ".", config: clusterStackConfig(sim) });
  }, 120_000);

  afterAll(async () => {
    try {
      await dispose(stack);
    } finally {
      await sim?.stop();
    }
  });

  it.each([1, 2, 3, 4, 5])("cycle %i: up builds a clean cluster, destroy leaves nothing", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.verificationFindings.value).toEqual([]);
    const hosts = sim.nodes.map((n) => `${n.host}:5222`).sort();
    for (const n of sim.nodes) {
      const cluster = n.state().cluster;
      expect(cluster.member, `${n.name} is a member`).toBe(true);
      // Exactly one entry per node: a duplicate (CSCvi67717) would show the same address twice.
      expect([...cluster.peers].sort(), `${n.name} peer list`).toEqual(hosts);
    }
    const created = up.summary.resourceChanges?.create ?? 0;
    // What this config (offNode certificates, 3 nodes and bridges) makes from nothing, the same in every cycle.
    expect(created).toBe(31);

    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges).toEqual({ delete: created });
    expect(files()).toEqual(filesAtStart);
    for (const n of sim.nodes) expect(n.state().cluster.member, `${n.name} after destroy`).toBe(false);
  });
});
