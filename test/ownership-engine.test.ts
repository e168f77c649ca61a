// Two stacks cannot manage the same nodes, through the real engine: each `up` leaves this stack's owner marker in
// every node's SFTP root; another stack pointed at those nodes is refused in preview and up, before any change,
// until the first one's `destroy` releases them (or it sets `takeOwnership`).
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SimCluster, startSimCluster, TECHNOTE_LAYOUT } from "../sim";
import { clusterStackConfig, SIM_USERS } from "./support/cluster-stack";
import { drillTools, INITIALIZER, joinSteps, named, SECRETS, SETUP } from "./support/drill-stack";
import { dispose, engineOrSkipReason, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`ownership tests skipped: ${engine.skip}`);
vi.setConfig({ testTimeout: 300_000 });

const MARKER = "cms-xmpp-resiliency.owner";
const NODES = ["cb1", "cb2", "cb3"];

describe.skipIf("skip" in engine)("two stacks pointed at the same nodes", () => {
  let sim: SimCluster;
  let first: Stack;
  let second: Stack;
  const output: string[] = [];
  const firstTools = drillTools(() => ({ sim, stack: first }), output);
  const secondTools = drillTools(() => ({ sim, stack: second }), output);
  const owner = (stack: Stack) => `organization/cms-xmpp-resiliency/${stack.name}`;
  /** Each node's marker, as the stack name it holds ("" without one). */
  const markers = () =>
    NODES.map((n) => {
      const data = sim.node(n).store.files.read(MARKER);
      return data ? (JSON.parse(data.toString("utf8")) as { stack: string }).stack : "";
    });
  const withTakeOver = (takeOwnership: boolean) => {
    const config = clusterStackConfig(sim);
    const cluster = JSON.parse(config["cms-xmpp-resiliency:cluster"].value);
    return { value: JSON.stringify({ ...cluster, takeOwnership }) };
  };

  beforeAll(async () => {
    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: NODES.map((name, i) => ({ name, host: `${prefix}.${i + 1}`, behaviour: TECHNOTE_LAYOUT, ...SIM_USERS })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    first = await testStack({ workDir: ".", config: clusterStackConfig(sim) });
    second = await testStack({ workDir: ".", config: clusterStackConfig(sim) });
  }, 120_000);
  afterAll(async () => {
    try {
      await dispose(second);
    } finally {
      try {
        await dispose(first);
      } finally {
        await sim?.stop();
      }
    }
  });

  it("the first stack's up leaves its marker on every node", async () => {
    await firstTools.converges();
    expect(markers()).toEqual([owner(first), owner(first), owner(first)]);
  });

  it("the second stack is refused in preview and up, naming the nodes and the stack that holds them", async () => {
    secondTools.clear();
    const refusal = `[cb1, cb2, cb3] check ownership: ${NODES.map((n) => `${n} is managed by stack "${owner(first)}" (since `).join("")}`;
    for (const run of [
      () => second.preview({ onOutput: secondTools.onOutput }),
      () => second.up({ onOutput: secondTools.onOutput }),
    ]) {
      const text = await run().then(
        () => "succeeded",
        (e: Error) => e.message,
      );
      output.push(text);
      const line = text.split("\n").find((l) => l.includes("check ownership: ")) ?? "";
      expect(line.slice(line.indexOf("[cb1, cb2, cb3]")).replace(/\(since [^)]+\)(; )?/g, "(since ")).toBe(
        `${refusal}nothing was changed on any node`,
      );
      expect(text).toContain(
        `  next: run \`pulumi destroy\` on stack "${owner(first)}" to release them, or set \`takeOwnership: true\` in this stack's cluster config to take them over (${MARKER} in the node's SFTP root)`,
      );
    }
    expect(secondTools.ran()).toEqual({ cb1: [], cb2: [], cb3: [] });
    expect(markers()).toEqual([owner(first), owner(first), owner(first)]);
  });

  it("with takeOwnership its preview is not refused", async () => {
    await second.setConfig("cms-xmpp-resiliency:cluster", withTakeOver(true));
    const preview = await second.preview({ onOutput: secondTools.onOutput });
    expect(preview.stdout).not.toContain("check ownership");
    expect(preview.changeSummary.create).toBeGreaterThan(0);
    await second.setConfig("cms-xmpp-resiliency:cluster", withTakeOver(false));
  });

  it("once the first stack is destroyed the nodes are free, and the second stack builds its cluster", async () => {
    await first.destroy({ onOutput: firstTools.onOutput });
    expect(markers()).toEqual(["", "", ""]);
    secondTools.clear();
    await secondTools.converges();
    expect(named(secondTools.ran().cb1)).toEqual(INITIALIZER);
    for (const n of ["cb2", "cb3"])
      expect(named(secondTools.ran()[n]), n).toEqual([...SETUP, ...SECRETS, ...joinSteps(sim)]);
    expect(markers()).toEqual([owner(second), owner(second), owner(second)]);
  });
});
