// Five destroy/up cycles from nothing through the real engine: after every up, exactly one peer entry per node on
// every node (CSCvi67717 never appears) and verification green; after every destroy, no file of the stack is left.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { clusterStackConfig, SIM_USERS } from "./support/cluster-stack";
import { dispose, engineOrSkipReason, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";
import { mutating } from "./support/sim-lab";

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

  /** The step lines a node's provider printed, in order, once each (the CLI repeats them under Diagnostics). */
  const stepLines = (out: string, node: string) => [
    ...new Set([...out.matchAll(new RegExp(`\\[${node}\\] \\d+/\\d+ [^\\n]*`, "g"))].map((m) => m[0].trim())),
  ];
  const expectedLines = (node: string) => {
    const commands = mutating(sim, node);
    return commands.map((c, i) => `[${node}] ${i + 1}/${commands.length} ${c} (T)`);
  };
  const timed = (lines: string[]) => lines.map((l) => l.replace(/\(\d+\.\d s\)$/, "(T)"));

  it.each([1, 2, 3, 4, 5])("cycle %i: up builds a clean cluster, destroy leaves nothing", async (cycle) => {
    for (const n of sim.nodes) n.clearTranscript();
    const connections = () => sim.nodes.map((n) => n.sshConnections);
    const beforeUp = connections();
    const up = await stack.up();
    // The certificate files, the cluster and its verification share one SSH connection per node.
    expect(connections().map((c, i) => c - beforeUp[i])).toEqual([1, 1, 1]);
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
    if (cycle === 1) {
      // Each MMP step is printed live, numbered per node, with its time.
      for (const node of ["cb1", "cb2", "cb3"]) {
        expect(expectedLines(node)).toHaveLength(11);
        expect(timed(stepLines(up.stdout, node))).toEqual(expectedLines(node));
      }
    }

    for (const n of sim.nodes) n.clearTranscript();
    const beforeDestroy = connections();
    const destroy = await stack.destroy();
    expect(connections().map((c, i) => c - beforeDestroy[i])).toEqual([1, 1, 1]);
    if (cycle === 1) {
      // The joiners leave one at a time, then the initializer drops any peer entry still listed and leaves last.
      const teardown = ["xmpp disable", "xmpp cluster disable", "xmpp reset"];
      for (const node of ["cb2", "cb3"]) {
        expect(mutating(sim, node)).toEqual(teardown);
        expect(timed(stepLines(destroy.stdout, node))).toEqual(expectedLines(node));
      }
      const removes = sim.nodes.slice(1).map((n) => `xmpp cluster remove ${n.host}:5222`);
      const sent = mutating(sim, "cb1");
      expect(sent).toEqual([...removes.filter((r) => sent.includes(r)), ...teardown]);
      expect(timed(stepLines(destroy.stdout, "cb1"))).toEqual(
        [...removes, ...teardown].map(
          (c, i) => `[cb1] ${i + 1}/5 ${c} ${i < 2 && !sent.includes(c) ? "(already done, not run)" : "(T)"}`,
        ),
      );
    }
    expect(destroy.summary.resourceChanges).toEqual({ delete: created });
    expect(files()).toEqual(filesAtStart);
    for (const n of sim.nodes) expect(n.state().cluster.member, `${n.name} after destroy`).toBe(false);
  });
});
