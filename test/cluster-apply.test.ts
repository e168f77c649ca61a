import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withMmpSession } from "../src/clients/mmp/session";
import { applyCluster, teardownCluster } from "../src/engine/apply";
import { mutating, type SimLab, startSimLab } from "./support/sim-lab";
import { verifyCluster } from "./support/verify";

let lab: SimLab;
const op = () => ({ intent: lab.intent, targets: lab.targets, leavers: [], settleTimeoutMs: 10_000 });
const clear = () => {
  for (const n of lab.sim.nodes) n.clearTranscript();
};

beforeAll(async () => {
  lab = await startSimLab();
});
afterAll(async () => {
  await lab?.sim.stop();
});

describe("applyCluster against three simulated nodes", () => {
  it("runs the TechNote's order on the initializer and each joiner, reporting each step as it completes", async () => {
    const lines: string[] = [];
    const result = await applyCluster({ ...op(), progress: (line) => lines.push(line) });
    expect(mutating(lab.sim, "cb1")).toEqual([
      "xmpp domain tptac9.com",
      "xmpp listen a",
      "xmpp certs xmpp.key xmpp.cer xmpp-ca.cer",
      "xmpp cluster trust xmpp.cer",
      "xmpp callbridge add cb1",
      "xmpp callbridge add cb2",
      "xmpp callbridge add cb3",
      "xmpp disable",
      "xmpp cluster enable",
      "xmpp cluster initialize",
      "xmpp enable",
    ]);
    for (const node of ["cb2", "cb3"]) {
      expect(mutating(lab.sim, node)).toEqual([
        "xmpp domain tptac9.com",
        "xmpp listen a",
        "xmpp certs xmpp.key xmpp.cer xmpp-ca.cer",
        "xmpp cluster trust xmpp.cer",
        "xmpp callbridge add-secret cb1",
        "xmpp callbridge add-secret cb2",
        "xmpp callbridge add-secret cb3",
        "xmpp disable",
        "xmpp cluster enable",
        "xmpp enable",
        `xmpp cluster join ${lab.sim.nodes[0].host}`,
      ]);
    }
    const timed = (node: string) =>
      lines.filter((l) => l.startsWith(`[${node}] `)).map((l) => l.replace(/\d+\.\d s\b/, "T"));
    const reads = ["[cb1] read: 4 commands (T)", "[cb1] read: 4 commands (T)"];
    expect(timed("cb1")).toEqual([
      reads[0],
      ...mutating(lab.sim, "cb1").map((command, i) => `[cb1] ${i + 1}/11 ${command} (T)`),
      "[cb1] in the cluster after T",
      reads[1],
    ]);
    expect(timed("cb3")).toEqual([
      "[cb3] read: 4 commands (T)",
      ...mutating(lab.sim, "cb3").map((command, i) => `[cb3] ${i + 1}/11 ${command} (T)`),
      "[cb3] in the cluster after T",
      "[cb3] read: 4 commands (T)",
    ]);
    expect(Object.keys(result.secrets).sort()).toEqual(["cb1", "cb2", "cb3"]);
    for (const secret of Object.values(result.secrets)) {
      expect(secret).toMatch(/^[A-Za-z0-9]{16}Ab1$/);
      expect(lines.join("\n")).not.toContain(secret);
    }
    // What each node was given (the simulator's own store, not its redacted transcript): exactly these secrets.
    for (const node of lab.sim.nodes) {
      expect(Object.fromEntries(node.store.xmpp.callbridges), node.name).toEqual(result.secrets);
    }
  });

  it("verifies: one leader, exact peers, identical secrets", async () => {
    const findings = await verifyCluster({
      expected: { nodes: lab.intent.nodes, callBridges: lab.intent.callBridges },
      targets: lab.targets,
      bridges: [],
      timeoutMs: 5000,
    });
    expect(findings).toEqual([]);
  });

  it("runs zero mutating commands the second time", async () => {
    clear();
    await applyCluster(op());
    for (const node of ["cb1", "cb2", "cb3"]) expect(mutating(lab.sim, node)).toEqual([]);
  });

  it("repairs drift with the fewest steps", async () => {
    await withMmpSession(lab.targets[1], (s) => s.run("xmpp callbridge del cb3"));
    await withMmpSession(lab.targets[2], (s) => s.run("xmpp disable"));
    clear();
    await applyCluster(op());
    expect(mutating(lab.sim, "cb1")).toEqual([]);
    expect(mutating(lab.sim, "cb2")).toEqual(["xmpp callbridge add-secret cb3"]);
    expect(mutating(lab.sim, "cb3")).toEqual(["xmpp enable"]);
  });

  it("adds a call bridge: add on the initializer, add-secret on the others", async () => {
    clear();
    lab.intent.callBridges = ["cb1", "cb2", "cb3", "cb4"];
    const result = await applyCluster(op());
    expect(mutating(lab.sim, "cb1")).toEqual(["xmpp callbridge add cb4"]);
    expect(mutating(lab.sim, "cb2")).toEqual(["xmpp callbridge add-secret cb4"]);
    expect(mutating(lab.sim, "cb3")).toEqual(["xmpp callbridge add-secret cb4"]);
    expect(result.facts.cb3.callBridges.find((b) => b.name === "cb4")?.secret).toBe(result.secrets.cb4);
  });

  it("removes a node cleanly: it leaves, then is reset, and no peer is duplicated", async () => {
    clear();
    const [cb1, cb2, cb3] = lab.intent.nodes;
    const leaving = { name: "cb3", xmppAddress: cb3.xmppAddress, target: lab.targets[2] };
    const result = await applyCluster({
      ...op(),
      intent: { ...lab.intent, nodes: [cb1, cb2] },
      targets: lab.targets.slice(0, 2),
      leavers: [leaving],
    });
    expect(mutating(lab.sim, "cb3")).toEqual(["xmpp disable", "xmpp cluster disable", "xmpp reset"]);
    // The clean leave dropped the entry, so the member cleanup found nothing to remove.
    expect(mutating(lab.sim, "cb1")).toEqual([]);
    for (const node of ["cb1", "cb2"]) {
      const peers = result.facts[node].cluster.peers.map((p) => p.address);
      expect(peers.sort()).toEqual([cb1.xmppAddress, cb2.xmppAddress]);
      expect(result.facts[node].cluster.duplicates).toEqual([]);
    }
  });

  it("re-adds the removed node as a joiner", async () => {
    clear();
    await applyCluster(op());
    expect(mutating(lab.sim, "cb3").slice(-1)).toEqual([`xmpp cluster join ${lab.sim.nodes[0].host}`]);
    expect(mutating(lab.sim, "cb1")).toEqual([]);
  });

  it("tears down joiners first, the initializer last, with no reset while still a member", async () => {
    clear();
    await teardownCluster(
      lab.intent.nodes.map((n, i) => ({ name: n.name, xmppAddress: n.xmppAddress, target: lab.targets[i] })),
      "cb1",
    );
    const resets = lab.sim.nodes.map((n) => ({
      node: n.name,
      at: n.transcript.find((e) => e.command === "xmpp reset")?.at,
    }));
    expect(resets.map((r) => typeof r.at)).toEqual(["string", "string", "string"]);
    const order = [...resets].sort((a, b) => String(a.at).localeCompare(String(b.at))).map((r) => r.node);
    expect(order).toEqual(["cb2", "cb3", "cb1"]);
    for (const node of ["cb1", "cb2", "cb3"]) {
      expect(mutating(lab.sim, node)).toEqual(["xmpp disable", "xmpp cluster disable", "xmpp reset"]);
    }
    for (const n of lab.sim.nodes) {
      const snap = n.state() as unknown as { cluster?: { peers?: unknown[] } };
      expect(snap.cluster?.peers ?? []).toEqual([]);
    }
  });
});
