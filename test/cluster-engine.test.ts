import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseCallBridgeList } from "../components/core/parsers/callbridge-list";
import { withMmpSession } from "../components/mmp/session";
import { type SimCluster, startSimCluster } from "../sim";
import { clusterStackConfig, SIM_PASSWORD } from "./support/cluster-stack";
import { dispose, engineOrSkipReason, engineVersion, exportedStateText, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";
import { mutating } from "./support/sim-lab";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`cluster engine tests skipped: ${engine.skip}`);

const CERTS = /^xmpp certs xmpp-cb\d-[0-9a-f]{8}\.key xmpp-cb\d-[0-9a-f]{8}\.cer xmpp-cabundle-[0-9a-f]{8}\.cer$/;
const TRUST = /^xmpp cluster trust xmpp-trust-[0-9a-f]{8}\.cer$/;

vi.setConfig({ testTimeout: 300_000 });

describe.skipIf("skip" in engine)("XmppResilientCluster through the real engine", () => {
  let sim: SimCluster;
  let stack: Stack;
  const secrets: string[] = [];
  const outputsSeen: string[] = [];
  const run = (text: string) => outputsSeen.push(text);
  const target = (i: number) => ({
    node: sim.nodes[i].name,
    host: sim.nodes[i].host,
    port: sim.nodes[i].sshPort,
    username: "admin",
    password: SIM_PASSWORD,
    hostKeyFingerprint: sim.nodes[i].hostKeyFingerprint,
  });
  const clear = () => {
    for (const n of sim.nodes) n.clearTranscript();
  };

  beforeAll(async () => {
    console.log(`engine: ${engineVersion()}`);
    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: [1, 2, 3].map((i) => ({
        name: `cb${i}`,
        host: `${prefix}.${i}`,
        users: [{ username: "admin", password: SIM_PASSWORD }],
      })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    stack = await testStack({ workDir: ".", config: clusterStackConfig(sim) });
  }, 120_000);

  afterAll(async () => {
    await dispose(stack).catch(() => undefined);
    await sim?.stop();
  });

  it("previews the creates", async () => {
    const preview = await stack.preview({ onOutput: run });
    expect(preview.changeSummary.create).toBeGreaterThanOrEqual(15);
    for (const n of sim.nodes) expect(mutating(sim, n.name)).toEqual([]);
  });

  it("converges with the seed's order on every node", async () => {
    const up = await stack.up({ onOutput: run });
    expect(up.summary.result).toBe("succeeded");
    const cb1 = mutating(sim, "cb1");
    expect(cb1.filter((c) => !c.startsWith("sftp"))).toEqual([
      "xmpp domain tptac9.com",
      "xmpp listen a",
      expect.stringMatching(CERTS),
      expect.stringMatching(TRUST),
      "xmpp callbridge add cb1",
      "xmpp callbridge add cb2",
      "xmpp callbridge add cb3",
      "xmpp disable",
      "xmpp cluster enable",
      "xmpp cluster initialize",
      "xmpp enable",
    ]);
    for (const node of ["cb2", "cb3"]) {
      expect(mutating(sim, node).filter((c) => !c.startsWith("sftp"))).toEqual([
        "xmpp domain tptac9.com",
        "xmpp listen a",
        expect.stringMatching(CERTS),
        expect.stringMatching(TRUST),
        "xmpp callbridge add-secret cb1",
        "xmpp callbridge add-secret cb2",
        "xmpp callbridge add-secret cb3",
        "xmpp disable",
        "xmpp cluster enable",
        "xmpp enable",
        `xmpp cluster join ${sim.nodes[0].host}`,
      ]);
    }
    expect(sim.nodes.map((n) => `${n.host}:5222`)).toContain(up.outputs.leader.value);
    expect(up.outputs.callBridgeSecrets.secret).toBe(true);
    expect(up.outputs.verificationFindings.value).toEqual([]);
    for (const n of sim.nodes) expect(n.callBridge().status()).toBe("connected");
    const list = await withMmpSession(target(0), (s) => s.run("xmpp callbridge list"));
    secrets.push(...parseCallBridgeList(list).map((e) => e.secret as string));
    expect(secrets).toHaveLength(3);
  });

  it("previews no changes and runs no mutating command on a converged cluster", async () => {
    clear();
    const preview = await stack.preview({ onOutput: run });
    expect(Object.keys(preview.changeSummary)).toEqual(["same"]);
    const up = await stack.up({ onOutput: run });
    expect(Object.keys(up.summary.resourceChanges ?? {})).toEqual(["same"]);
    for (const n of sim.nodes) expect(mutating(sim, n.name)).toEqual([]);
  });

  it("previews only the add/add-secret steps for a new call bridge, then applies exactly those", async () => {
    const config = clusterStackConfig(sim);
    const body = JSON.parse(config["cms-xmpp-resiliency:cluster"].value);
    body.callBridges.push({ name: "cb4" });
    await stack.setConfig("cms-xmpp-resiliency:cluster", { value: JSON.stringify(body) });
    const preview = await stack.preview({ diff: true, onOutput: run });
    const planned = new Set(preview.stdout.split("\n").flatMap((l) => l.match(/"(xmpp [^"]*)"/)?.[1] ?? []));
    expect([...planned].sort()).toEqual([
      "xmpp callbridge add cb4",
      "xmpp callbridge add-secret cb4  (answers the secret prompt)",
    ]);
    expect(preview.stdout).toMatch(/\+ cb1: \[\s*\+\s+\[0\]: "xmpp callbridge add cb4"/);
    clear();
    await stack.up({ onOutput: run });
    expect(mutating(sim, "cb1")).toEqual(["xmpp callbridge add cb4"]);
    expect(mutating(sim, "cb2")).toEqual(["xmpp callbridge add-secret cb4"]);
    expect(mutating(sim, "cb3")).toEqual(["xmpp callbridge add-secret cb4"]);
  });

  it("detects drift on refresh and repairs it with the fewest steps", async () => {
    await withMmpSession(target(1), (s) => s.run("xmpp callbridge del cb3"));
    await withMmpSession(target(2), (s) => s.run("xmpp disable"));
    const refresh = await stack.refresh({ onOutput: run });
    expect(refresh.summary.resourceChanges?.update).toBeGreaterThanOrEqual(1);
    const preview = await stack.preview({ diff: true, onOutput: run });
    expect(preview.stdout).toContain("xmpp callbridge add-secret cb3");
    clear();
    await stack.up({ onOutput: run });
    expect(mutating(sim, "cb1")).toEqual([]);
    expect(mutating(sim, "cb2")).toEqual(["xmpp callbridge add-secret cb3"]);
    expect(mutating(sim, "cb3")).toEqual(["xmpp enable"]);
  });

  it("removes a node: it leaves before it is reset, and its files go", async () => {
    const config = clusterStackConfig(sim);
    const body = JSON.parse(config["cms-xmpp-resiliency:cluster"].value);
    body.nodes = body.nodes.slice(0, 2);
    body.callBridges = [...body.callBridges.slice(0, 2), { name: "cb3" }, { name: "cb4" }];
    body.allowSmallCluster = true;
    await stack.setConfig("cms-xmpp-resiliency:cluster", { value: JSON.stringify(body) });
    clear();
    await stack.up({ onOutput: run });
    const cb3 = mutating(sim, "cb3");
    expect(cb3.indexOf("xmpp cluster disable")).toBeGreaterThanOrEqual(0);
    expect(cb3.indexOf("xmpp cluster disable")).toBeLessThan(cb3.indexOf("xmpp reset"));
    const status = await withMmpSession(target(0), (s) => s.run("xmpp cluster status"));
    expect(status).not.toContain(sim.nodes[2].host);
  });

  it("never shows a secret in plaintext in state, outputs or engine logs", async () => {
    const state = await exportedStateText(stack);
    const everything = `${state}\n${outputsSeen.join("")}`;
    expect(secrets.length).toBe(3);
    for (const secret of [...secrets, SIM_PASSWORD]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY/);
  });

  it("destroys safely: no reset while a member, initializer last, no duplicate peers", async () => {
    clear();
    await stack.destroy({ onOutput: run });
    const resetAt = (node: string) => sim.node(node).transcript.find((e) => e.command === "xmpp reset")?.at;
    expect(resetAt("cb2")).toBeDefined();
    expect(String(resetAt("cb2")) <= String(resetAt("cb1"))).toBe(true);
    const cb2 = mutating(sim, "cb2");
    expect(cb2.indexOf("xmpp cluster disable")).toBeLessThan(cb2.indexOf("xmpp reset"));
    for (const n of sim.nodes) {
      const status = await withMmpSession(target(sim.nodes.indexOf(n)), (s) => s.run("xmpp cluster status"));
      expect(status).not.toMatch(/\d+\.\d+\.\d+\.\d+:\d+/);
    }
    const files = await withMmpSession(target(0), (s) => s.list());
    expect(files.filter((f) => f.startsWith("xmpp-"))).toEqual([]);
  });
});
