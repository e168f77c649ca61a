/**
 * Upgrade through the real engine: a stack created by the old main (0e03142) against three simulated nodes is taken
 * over by the current tree with the same `file://` backend, stack and config file. The config is one both trees
 * accept: the Day 2 suite's with the zone-file DNS backend and the default certificate source, onNodeCsr with the stack's local
 * CA, so the old per-node CSRs (subjectAltName: the domain and every node's FQDN) are in state.
 *
 * What the current tree must do with that stack: a refresh that changes nothing; a preview and an up that create,
 * replace and delete nothing, with no mutating MMP command and no Call Bridge API write; then only `same`.
 *
 * Resources (28): the stack, the XmppResilientCluster and CertificateMaterial components, the nodejs and tls
 * providers, the CA key and certificate, per node a NodeCsr, a LocallySignedCert and three NodeFiles (cert, bundle,
 * trust), the XmppCluster, three CallBridgeXmppSettings, the ClusterVerification, and XmppDnsRecords with its guard
 * and zone-file output.
 */
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { clusterStackConfig, SIM_API_PASSWORD, SIM_PASSWORD, SIM_USERS } from "./support/cluster-stack";
import { engineOrSkipReason, exportedStateText, REPO_ROOT, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";
import { leakedSecrets } from "./support/secrets";
import { mutating } from "./support/sim-lab";
import { materialiseTree, moveStack, removeUpgradeStack, type Tree } from "./support/upgrade";

/** The old main. */
const OLD_MAIN = "0e03142";
/** 25 for the cluster and certificates, 3 for DNS: XmppDnsRecords, its blast-radius guard and the zone-file output. */
const RESOURCES = 28;
const NODES = ["cb1", "cb2", "cb3"];
const VERIFICATION = "pulumi-nodejs:dynamic/cms:ClusterVerification";
/** The key that marks a secret in exported state (`{"4dabf…": "1b47…", "ciphertext": …}`). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`upgrade engine test skipped: ${engine.skip}`);

vi.setConfig({ testTimeout: 300_000 });

/** A resource step that is not `same`: what the engine would do, to which resource, and why. */
interface Change {
  op: string;
  type: string;
  name: string;
  diffs: string[];
}

/**
 * The steps other than `same` (and the refresh reads themselves) among the engine's events, each with the inputs that
 * differ between the old and the new state (dynamic providers report no keys of their own; `__provider` is the
 * serialized provider shell, which is allowed to change).
 */
function changes(events: EngineEvent[]): Change[] {
  return events.flatMap((e) => {
    const m = e.resOutputsEvent?.metadata;
    if (!m || m.op === "same" || m.op === "refresh") return [];
    const olds = m.old?.inputs ?? {};
    const news = m.new?.inputs ?? {};
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news), ...(m.diffs ?? [])])];
    const diffs = keys.filter((k) => k !== "__provider" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return [{ op: m.op, type: m.type, name: m.urn.split("::").pop() ?? m.urn, diffs: diffs.sort() }];
  });
}

describe.skipIf("skip" in engine)(`upgrade from ${OLD_MAIN} to the current tree`, () => {
  let sim: SimCluster;
  let oldTree: Tree | undefined;
  let oldStack: Stack | undefined;
  let newStack: Stack | undefined;
  let destroyed = false;
  const output: string[] = [];
  const onOutput = (text: string) => output.push(text);

  const current = () => newStack as Stack;
  const clear = () => {
    for (const n of sim.nodes) n.clearTranscript();
  };
  /** MMP commands that changed something, per node that ran any. */
  const ran = () =>
    Object.fromEntries(sim.nodes.map((n) => [n.name, mutating(sim, n.name)]).filter(([, c]) => c.length > 0));
  /** Call Bridge API requests that change something (the simulator records every request in the transcript). */
  const apiWrites = () =>
    sim.nodes.flatMap((n) => n.transcript.map((e) => e.command).filter((c) => /^API (PUT|POST|DELETE) /.test(c)));
  /** What each node runs XMPP with, and its cluster trust bundle: must not move during the upgrade. */
  const files = () =>
    Object.fromEntries(
      sim.nodes.map((n) => {
        const s = n.state();
        return [n.name, { ...s.xmpp, trust: s.cluster.trustBundle }];
      }),
    );
  let filesBefore: ReturnType<typeof files>;
  let dnsDir = "";
  let zoneBefore = "";

  beforeAll(async () => {
    oldTree = materialiseTree(OLD_MAIN);
    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: NODES.map((name, i) => ({
        name,
        host: `${prefix}.${i + 1}`,
        ...SIM_USERS,
      })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    // Only keys the old schema knew (it ignored unknown ones; the current one refuses them). onNodeCsr is the default
    // in both; naming it keeps this test about onNodeCsr should the default ever change.
    // The zone-file backend: the old program built XmppDnsRecords beside the cluster component, the current one
    // builds it as the component's child (an alias keeps its URN). An absolute directory, as both trees run in
    // their own project directory.
    dnsDir = path.join(REPO_ROOT, ".tmp", `upgrade-dns-${process.pid}`);
    const dns = { backend: "zonefile", zone: "tptac9.com", directory: dnsDir };
    const config = clusterStackConfig(sim, { certificates: { source: "onNodeCsr" }, dns });
    oldStack = await testStack({ workDir: oldTree.dir, config });
  }, 120_000);

  afterAll(async () => {
    const stack = newStack ?? oldStack;
    try {
      if (stack && !destroyed) await stack.destroy({ onOutput }).catch((err) => console.warn(`destroy: ${err}`));
      if (stack) await removeUpgradeStack(stack, [REPO_ROOT, ...(oldTree ? [oldTree.dir] : [])]);
    } finally {
      await sim?.stop();
      oldTree?.remove();
      if (dnsDir) rmSync(dnsDir, { recursive: true, force: true });
    }
  });

  it(`the old code (${OLD_MAIN}) builds the cluster: ${RESOURCES} created, each node's CSR names every node`, async () => {
    const up = await (oldStack as Stack).up({ onOutput });
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges).toEqual({ create: RESOURCES });
    expect(up.outputs.verificationFindings.value).toEqual([]);
    const everyFqdn = NODES.map((n) => `${n}.tptac9.com`).join(",");
    for (const node of NODES) {
      expect(ran()[node][0]).toMatch(
        new RegExp(`^pki csr xmpp-${node}-csr-[0-9a-f]{8} CN:tptac9.com subjectAltName:tptac9.com,${everyFqdn}$`),
      );
    }
    expect(apiWrites()).toHaveLength(3);
    filesBefore = files();
    zoneBefore = readFileSync(path.join(dnsDir, "tptac9.com.xmpp.nsupdate"), "utf8");
    expect(zoneBefore).toContain("_xmpp-component._tcp.tptac9.com.");
  });

  it(`the current code refreshes the old state: ${RESOURCES} same, nothing else`, async () => {
    newStack = await moveStack(oldStack as Stack, REPO_ROOT);
    clear();
    const events: EngineEvent[] = [];
    const refresh = await current().refresh({ onOutput, onEvent: (e) => events.push(e) });
    expect(refresh.summary.result).toBe("succeeded");
    expect(ran()).toEqual({});
    expect(apiWrites()).toEqual([]);
    // The refresh rewrites some outputs (XmppCluster gains `members`; each CallBridgeXmppSettings keeps an HMAC of its
    // secret instead of the secret), and the engine asks each provider's diff whether an `up` would then change
    // anything: none may say so. (The XmppCluster's stored inputs keep the plan of its last apply; a diff that counts
    // that plan as pending reports "1 updated" on every refresh after an up that ran commands.)
    expect(changes(events)).toEqual([]);
    expect(refresh.summary.resourceChanges).toEqual({ same: RESOURCES });
    // The hash this refresh computed from the old plaintext is stored encrypted, as the plaintext was.
    type Exported = { type: string; outputs?: Record<string, unknown> };
    const exported = JSON.parse(await exportedStateText(current())).deployment.resources as Exported[];
    const hashes = exported
      .filter((r) => r.type === "pulumi-nodejs:dynamic/cms:CallBridgeXmppSettings")
      .map((r) => r.outputs ?? {});
    expect(hashes).toHaveLength(3);
    for (const outs of hashes) {
      expect(outs).not.toHaveProperty("sharedSecret");
      expect(Object.keys(outs.sharedSecretHash as object).sort()).toEqual([SECRET_SIG_KEY, "ciphertext"]);
    }
  });

  it(`the current code previews: 0 create, 0 replace, 0 delete; ${RESOURCES - 1} same, 1 update (the verification re-runs)`, async () => {
    clear();
    const events: EngineEvent[] = [];
    const preview = await current().preview({ diff: true, onOutput, onEvent: (e) => events.push(e) });
    // The verification's revision now also covers each bridge's secret (its hash) and server address: it re-runs.
    expect(changes(events), preview.stdout).toEqual([
      { op: "update", type: VERIFICATION, name: "xmpp-verification", diffs: ["revision"] },
    ]);
    expect(preview.changeSummary, preview.stdout).toEqual({ same: RESOURCES - 1, update: 1 });
    expect(ran()).toEqual({});
    expect(apiWrites()).toEqual([]);
  });

  it("the current code's up: 0 create, 0 replace, 0 delete, 0 mutating MMP commands, 0 API writes", async () => {
    clear();
    const events: EngineEvent[] = [];
    const up = await current().up({ onOutput, onEvent: (e) => events.push(e) });
    expect(up.summary.result).toBe("succeeded");
    expect(changes(events)).toEqual([
      { op: "update", type: VERIFICATION, name: "xmpp-verification", diffs: ["revision"] },
    ]);
    expect(up.summary.resourceChanges).toEqual({ same: RESOURCES - 1, update: 1 });
    expect(up.outputs.verificationFindings.value).toEqual([]);
    expect(ran()).toEqual({});
    expect(apiWrites()).toEqual([]);
    expect(files()).toEqual(filesBefore);
    expect(readFileSync(path.join(dnsDir, "tptac9.com.xmpp.nsupdate"), "utf8")).toBe(zoneBefore);
    const dnsUrns = (await current().exportStack()).deployment.resources
      .map((r: { urn: string }) => r.urn)
      .filter((u: string) => u.includes("cms:dns:XmppDnsRecords"));
    expect(dnsUrns.length).toBe(3);
    for (const urn of dnsUrns) expect(urn).toContain("::cms:xmpp:XmppResilientCluster$cms:dns:XmppDnsRecords");
  });

  it("after that up, every dynamic resource stores the new provider shell, none the old ts-node one", async () => {
    type Stored = { type: string; inputs?: { __provider?: string } };
    const resources = (await current().exportStack()).deployment.resources as Stored[];
    const dynamic = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    const shells = dynamic.flatMap((r) => (r.inputs?.__provider ? [r.inputs.__provider] : []));
    // 3 NodeCsr, 9 NodeFile, the XmppCluster, 3 CallBridgeXmppSettings, the ClusterVerification, the DNS guard and
    // the zone-file output.
    expect(shells).toHaveLength(19);
    expect(shells.filter((s) => !s.includes('"cms-xmpp-resiliency/providers/'))).toEqual([]);
    expect(shells.filter((s) => s.includes("components/") || s.includes("ts-node"))).toEqual([]);
  });

  it(`a second preview shows only same (${RESOURCES})`, async () => {
    clear();
    const preview = await current().preview({ diff: true, onOutput });
    expect(preview.changeSummary, preview.stdout).toEqual({ same: RESOURCES });
    expect(ran()).toEqual({});
  });

  it("leaves no password or private key in plaintext anywhere, old runs included", async () => {
    const found = await leakedSecrets({
      stack: current(),
      output,
      secrets: [SIM_PASSWORD, SIM_API_PASSWORD],
      dirs: [dnsDir],
    });
    expect(found).toEqual([]);
  });

  it(`the current code destroys the upgraded stack: ${RESOURCES} deleted, every node reset`, async () => {
    clear();
    const destroy = await current().destroy({ onOutput });
    destroyed = true;
    expect(destroy.summary.resourceChanges).toEqual({ delete: RESOURCES });
    for (const node of NODES) expect(mutating(sim, node)).toContain("xmpp reset");
  });
});
