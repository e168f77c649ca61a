import { beforeEach, describe, expect, it } from "vitest";
import { combineFacts, type NodeFacts } from "../src/core/facts";
import { type ClusterPlan, describePlan, PlanError, planCluster, planTeardown } from "../src/core/plan";
import { renderStep } from "../src/core/steps";
import { blankFacts, convergedFacts, convergedLab, LAB, labIntent, NO_CLUSTER, SECRETS } from "./support/facts";

/** Every step in run order as `node: command`. */
/** Every step of a plan, in run order. */
const planSteps = (plan: Pick<ClusterPlan, "phases">) => plan.phases.flatMap((p) => p.units.flatMap((u) => u.steps));
const run = (plan: Pick<ClusterPlan, "phases">) => planSteps(plan).map((s) => `${s.node}: ${renderStep(s)}`);
const commands = (plan: ClusterPlan, node: string) =>
  planSteps(plan)
    .filter((s) => s.node === node)
    .map((s) => renderStep(s));

const TECHNOTE_FOUNDER = [
  "xmpp domain tptac9.com",
  "xmpp listen a",
  "xmpp certs abhiall.key abhiall.cer certall.cer",
  "xmpp cluster trust xmpp-cluster-bundle.crt",
  "xmpp callbridge add cb1",
  "xmpp callbridge add cb2",
  "xmpp callbridge add cb3",
  "xmpp disable",
  "xmpp cluster enable",
  "xmpp cluster initialize",
  "xmpp enable",
];

const technoteJoiner = (founder: string) => [
  "xmpp domain tptac9.com",
  "xmpp listen a",
  "xmpp certs abhiall.key abhiall.cer certall.cer",
  "xmpp cluster trust xmpp-cluster-bundle.crt",
  "xmpp callbridge add-secret cb1",
  "xmpp callbridge add-secret cb2",
  "xmpp callbridge add-secret cb3",
  "xmpp disable",
  "xmpp cluster enable",
  "xmpp enable",
  `xmpp cluster join ${founder}`,
];

/** A node that was reset by hand: blank, while the others still list it. */
function resetByHand(facts: Record<string, NodeFacts>, node: string): void {
  facts[node] = blankFacts(node);
}

describe("a fresh cluster", () => {
  // Planned before each test, not when the file loads: Stryker activates a mutant per test.
  let plan: ClusterPlan;
  beforeEach(() => {
    plan = planCluster(labIntent(), { cb1: blankFacts("cb1"), cb2: blankFacts("cb2"), cb3: blankFacts("cb3") });
  });

  it("initializes on the initializer in the TechNote's order", () => {
    expect(plan.founder).toBe("cb1");
    expect(plan.initialize).toBe(true);
    expect(commands(plan, "cb1")).toEqual(TECHNOTE_FOUNDER);
  });

  it("joins the others with add-secret, then disable, cluster enable, enable, join", () => {
    for (const node of ["cb2", "cb3"]) expect(commands(plan, node)).toEqual(technoteJoiner("10.106.81.30"));
    const addSecret = planSteps(plan).find((s) => s.node === "cb2" && s.op === "addSecret" && s.bridge === "cb2");
    expect(addSecret).toEqual({ op: "addSecret", bridge: "cb2", node: "cb2" });
  });

  it("runs every node's settings at once, the founder's Call Bridges, its activation alongside the others' secrets, then one activation at a time", () => {
    expect(plan.phases.map((p) => [p.name, p.mode, p.units.map((u) => [u.node, u.settle])])).toEqual([
      [
        "settings",
        "parallel",
        [
          ["cb1", false],
          ["cb2", false],
          ["cb3", false],
        ],
      ],
      ["founder", "serial", [["cb1", false]]],
      [
        "configure",
        "parallel",
        [
          ["cb1", true],
          ["cb2", false],
          ["cb3", false],
        ],
      ],
      [
        "activate",
        "serial",
        [
          ["cb2", true],
          ["cb3", true],
        ],
      ],
    ]);
  });

  it("describes the plan for preview in run order, without any secret", () => {
    const described = describePlan(plan);
    for (const secret of Object.values(SECRETS)) expect(JSON.stringify(described)).not.toContain(secret);
    expect(described.cb2[4]).toBe("xmpp callbridge add-secret cb1  (answers the secret prompt)");
    expect(described.cb2[10]).toBe("xmpp cluster join 10.106.81.30  (unless it rejoins by itself)");
    expect(described.cb1).toEqual(TECHNOTE_FOUNDER);
  });
});

describe("a converged cluster", () => {
  it("plans nothing", () => {
    const plan = planCluster(labIntent(), convergedLab());
    expect(plan.initialize).toBe(false);
    expect(plan.phases).toEqual([]);
    expect(describePlan(plan)).toEqual({});
    expect(plan.notices).toEqual([]);
  });

  it("plans nothing when `xmpp` shows neither the trust bundle nor Clustered (only the cluster status does)", () => {
    const facts = Object.fromEntries(
      Object.entries(convergedLab()).map(([node, f]) => [
        node,
        combineFacts({ ...f, xmpp: { ...f.xmpp, trustBundle: undefined, clustered: undefined } }),
      ]),
    );
    expect(planCluster(labIntent(), facts).phases).toEqual([]);
  });

  it("plans nothing when `xmpp` does not print the CA bundle", () => {
    const facts = convergedLab();
    for (const f of Object.values(facts)) f.xmpp.caBundleFile = undefined;
    expect(planCluster(labIntent(), facts).phases).toEqual([]);
  });

  it("takes every secret from the initializer", () => {
    expect(planCluster(labIntent(), convergedLab()).secretSources).toEqual({ cb1: "cb1", cb2: "cb1", cb3: "cb1" });
  });
});

describe("minimal repair of drift", () => {
  it("re-adds a bridge deleted by hand on a joiner, and nothing else", () => {
    const facts = convergedLab();
    facts.cb2.callBridges = facts.cb2.callBridges.filter((b) => b.name !== "cb3");
    expect(run(planCluster(labIntent(), facts))).toEqual(["cb2: xmpp callbridge add-secret cb3"]);
  });

  it("fixes a wrong secret on one node (TechNote scenario 2) with del + add-secret", () => {
    const facts = convergedLab();
    facts.cb3.callBridges[0] = { name: "cb1", domain: "tptac9.com", secret: SECRETS.cb3 };
    expect(run(planCluster(labIntent(), facts))).toEqual([
      "cb3: xmpp callbridge del cb1",
      "cb3: xmpp callbridge add-secret cb1",
    ]);
  });

  it("keeps the secret most nodes hold when the initializer's copy was changed", () => {
    const facts = convergedLab();
    facts.cb1.callBridges[1] = { name: "cb2", domain: "tptac9.com", secret: "changedByHand0000Ab1" };
    const plan = planCluster(labIntent(), facts);
    expect(plan.secretSources.cb2).toBe("cb2");
    expect(run(plan)).toEqual(["cb1: xmpp callbridge del cb2", "cb1: xmpp callbridge add-secret cb2"]);
  });

  it("re-enables XMPP disabled by hand, and nothing more", () => {
    const facts = convergedLab();
    facts.cb2.xmpp.enabled = false;
    expect(run(planCluster(labIntent(), facts))).toEqual(["cb2: xmpp enable", "cb2: xmpp cluster join 10.106.81.30"]);
  });

  it("starts a stopped member the state remembers even when nothing on the node shows membership", () => {
    const facts = convergedLab();
    facts.cb3.xmpp = { ...facts.cb3.xmpp, enabled: false, clustered: undefined };
    facts.cb3.cluster = { ...NO_CLUSTER, state: "INACTIVE" };
    const remembered = planCluster(labIntent(), facts, { rememberedMembers: ["cb1", "cb2", "cb3"] });
    expect(run(remembered)).toEqual(["cb3: xmpp enable", "cb3: xmpp cluster join 10.106.81.30"]);
    const forgotten = planCluster(labIntent(), facts);
    expect(commands(forgotten, "cb3")).toEqual([
      "xmpp disable",
      "xmpp cluster enable",
      "xmpp enable",
      "xmpp cluster join 10.106.81.30",
    ]);
  });

  it("re-joins a node that left the cluster cleanly (the others dropped it)", () => {
    const facts = convergedLab();
    facts.cb3.xmpp.clusterEnabled = false;
    facts.cb3.xmpp.clustered = false;
    facts.cb3.cluster = { ...NO_CLUSTER };
    for (const n of ["cb1", "cb2"]) facts[n].cluster.peers = facts[n].cluster.peers.slice(0, 2);
    expect(run(planCluster(labIntent(), facts))).toEqual([
      "cb3: xmpp disable",
      "cb3: xmpp cluster enable",
      "cb3: xmpp enable",
      "cb3: xmpp cluster join 10.106.81.30",
    ]);
  });

  it("applies certificate files changed by hand with one restart of that node", () => {
    const facts = convergedLab();
    facts.cb2.xmpp.keyFile = "other.key";
    facts.cb2.xmpp.certificateFile = "other.cer";
    expect(run(planCluster(labIntent(), facts))).toEqual([
      "cb2: xmpp certs abhiall.key abhiall.cer certall.cer",
      "cb2: xmpp disable",
      "cb2: xmpp enable",
    ]);
  });

  it("restarts after a trust change only when the setting says it is needed", () => {
    const facts = convergedLab();
    facts.cb2.xmpp.trustBundle = "old-trust.cer";
    expect(run(planCluster(labIntent(), facts))).toEqual([
      "cb2: xmpp cluster trust xmpp-cluster-bundle.crt",
      "cb2: xmpp disable",
      "cb2: xmpp enable",
    ]);
    expect(run(planCluster(labIntent({ restartAfterTrustChange: false }), facts))).toEqual([
      "cb2: xmpp cluster trust xmpp-cluster-bundle.crt",
    ]);
  });

  it("adds a call bridge: add on the initializer, add-secret on the others, no restart", () => {
    const plan = planCluster(labIntent({ callBridges: ["cb1", "cb2", "cb3", "cb4"] }), convergedLab());
    expect(run(plan)).toEqual([
      "cb1: xmpp callbridge add cb4",
      "cb2: xmpp callbridge add-secret cb4",
      "cb3: xmpp callbridge add-secret cb4",
    ]);
  });

  it("removes a call bridge everywhere", () => {
    const plan = planCluster(labIntent({ callBridges: ["cb1", "cb2"] }), convergedLab());
    expect(run(plan)).toEqual([
      "cb1: xmpp callbridge del cb3",
      "cb2: xmpp callbridge del cb3",
      "cb3: xmpp callbridge del cb3",
    ]);
  });

  it("rotates certificates with a restart of each clustered node, one at a time, never a re-initialize", () => {
    const intent = labIntent();
    for (const n of intent.nodes) n.certs = { keyFile: "xmpp-shared-2.key", certFile: "xmpp-shared-2.cer" };
    const plan = planCluster(intent, convergedLab());
    expect(plan.initialize).toBe(false);
    expect(run(plan)).toEqual([
      "cb1: xmpp certs xmpp-shared-2.key xmpp-shared-2.cer",
      "cb2: xmpp certs xmpp-shared-2.key xmpp-shared-2.cer",
      "cb3: xmpp certs xmpp-shared-2.key xmpp-shared-2.cer",
      "cb1: xmpp disable",
      "cb1: xmpp enable",
      "cb2: xmpp disable",
      "cb2: xmpp enable",
      "cb3: xmpp disable",
      "cb3: xmpp enable",
    ]);
  });
});

describe("CSCvi67717 is repaired, never created", () => {
  it("drops the stale entry of a member reset by hand on a live member before it joins again", () => {
    const facts = convergedLab();
    resetByHand(facts, "cb3");
    const plan = planCluster(labIntent(), facts);
    expect(run(plan)).toEqual([
      "cb3: xmpp domain tptac9.com",
      "cb3: xmpp listen a",
      "cb3: xmpp certs abhiall.key abhiall.cer certall.cer",
      "cb3: xmpp cluster trust xmpp-cluster-bundle.crt",
      "cb3: xmpp callbridge add-secret cb1",
      "cb3: xmpp callbridge add-secret cb2",
      "cb3: xmpp callbridge add-secret cb3",
      "cb1: xmpp cluster remove 10.106.81.32:5222",
      "cb3: xmpp disable",
      "cb3: xmpp cluster enable",
      "cb3: xmpp enable",
      "cb3: xmpp cluster join 10.106.81.30",
    ]);
    expect(describePlan(plan).cb1).toEqual([
      "xmpp cluster remove 10.106.81.32:5222  (drops the entry of cb3, while it is listed)",
    ]);
  });

  it("lets the initializer re-join the running cluster after it was reset by hand, keeping the secrets", () => {
    const facts = convergedLab();
    resetByHand(facts, "cb1");
    for (const n of ["cb2", "cb3"]) facts[n] = convergedFacts(n, "10.106.81.31");
    const plan = planCluster(labIntent(), facts);
    expect(plan.founder).toBe("cb2");
    expect(plan.initialize).toBe(false);
    expect(plan.secretSources).toEqual({ cb1: "cb2", cb2: "cb2", cb3: "cb2" });
    expect(commands(plan, "cb2")).toEqual(["xmpp cluster remove 10.106.81.30:5222"]);
    expect(commands(plan, "cb1")).toEqual(technoteJoiner("10.106.81.31"));
  });

  it("repairs a duplicate that already exists: the node leaves, every entry goes, it joins afresh", () => {
    const facts = convergedLab();
    for (const f of Object.values(facts)) f.cluster.peers.push({ address: "10.106.81.32", port: 5222, leader: false });
    for (const f of Object.values(facts)) f.cluster.duplicates = ["10.106.81.32:5222"];
    expect(run(planCluster(labIntent(), facts))).toEqual([
      "cb3: xmpp disable",
      "cb3: xmpp cluster disable",
      "cb1: xmpp cluster remove 10.106.81.32:5222",
      "cb3: xmpp cluster enable",
      "cb3: xmpp enable",
      "cb3: xmpp cluster join 10.106.81.30",
    ]);
  });
});

describe("nodes that are down or gone", () => {
  it("plans the reachable nodes and names the unreachable one", () => {
    const facts: Record<string, NodeFacts | undefined> = convergedLab();
    facts.cb1 = undefined;
    facts.cb2 = { ...(facts.cb2 as NodeFacts), callBridges: [] };
    const plan = planCluster(labIntent(), facts, { unreachable: { cb1: "connect ECONNREFUSED 10.106.81.30:22" } });
    expect(plan.unreachable).toEqual({ cb1: "connect ECONNREFUSED 10.106.81.30:22" });
    expect(describePlan(plan)).toEqual({
      cb1: [
        "(unreachable: connect ECONNREFUSED 10.106.81.30:22; `up` changes nothing until it is back or removed from nodes)",
      ],
      cb2: [
        "xmpp callbridge add-secret cb1  (answers the secret prompt)",
        "xmpp callbridge add-secret cb2  (answers the secret prompt)",
        "xmpp callbridge add-secret cb3  (answers the secret prompt)",
      ],
    });
  });

  it("removes a node that is gone: its entry is dropped on a live member, it is not contacted", () => {
    const intent = labIntent();
    intent.nodes = intent.nodes.filter((n) => n.name !== "cb3");
    const facts = convergedLab();
    const plan = planCluster(
      intent,
      { cb1: facts.cb1, cb2: facts.cb2 },
      { leavers: [{ name: "cb3", xmppAddress: "10.106.81.32", facts: undefined }] },
    );
    expect(run(plan)).toEqual(["cb1: xmpp cluster remove 10.106.81.32:5222"]);
    expect(plan.notices).toEqual(["cb3 was not reset: it was unreachable (its peer entry was removed on a member)"]);
  });

  it("replaces a dead node in one plan: the dead one's entry goes first, then the new node joins", () => {
    const intent = labIntent();
    intent.nodes[2] = { ...intent.nodes[2], name: "cb4", xmppAddress: "10.106.81.33" };
    const facts = convergedLab();
    const plan = planCluster(
      intent,
      { cb1: facts.cb1, cb2: facts.cb2, cb4: blankFacts("cb4") },
      { leavers: [{ name: "cb3", xmppAddress: "10.106.81.32", facts: undefined }] },
    );
    expect(run(plan)).toEqual([
      "cb1: xmpp cluster remove 10.106.81.32:5222",
      ...technoteJoiner("10.106.81.30").map((c) => `cb4: ${c}`),
    ]);
  });

  it("converges on whichever node leads now, without restarting anyone", () => {
    const facts: Record<string, NodeFacts> = {};
    for (const n of LAB) facts[n.name] = convergedFacts(n.name, "10.106.81.32");
    const plan = planCluster(labIntent(), facts);
    expect(plan.phases).toEqual([]);
    expect(plan.founder).toBe("cb1");
  });

  it("joins the others to a live member when the initializer is stopped", () => {
    const facts = convergedLab();
    for (const n of ["cb2", "cb3"]) facts[n] = convergedFacts(n, "10.106.81.31");
    facts.cb1.xmpp.enabled = false;
    facts.cb1.cluster = { ...NO_CLUSTER, state: "INACTIVE" };
    facts.cb1.xmpp.clustered = undefined;
    const plan = planCluster(labIntent(), facts, { rememberedMembers: ["cb1", "cb2", "cb3"] });
    expect(plan.founder).toBe("cb2");
    expect(run(plan)).toEqual(["cb1: xmpp enable", "cb1: xmpp cluster join 10.106.81.31"]);
  });
});

describe("a cluster without a leader", () => {
  it("is never initialized again: the plan refuses and says why", () => {
    const facts = convergedLab();
    for (const f of Object.values(facts)) {
      f.cluster = { ...f.cluster, state: "CANDIDATE", leader: undefined };
      f.cluster.peers = [...f.cluster.peers.map((p) => ({ ...p, leader: false })), f.cluster.peers[2]];
    }
    expect(() => planCluster(labIntent(), facts)).toThrow(
      "[cb1, cb2, cb3] are members of an XMPP cluster with no leader (state CANDIDATE; cb1 lists 4 peer entries: 10.106.81.30:5222, 10.106.81.31:5222, 10.106.81.32:5222, 10.106.81.32:5222); nothing can change without a majority",
    );
  });

  it("is started again when every member was stopped", () => {
    const facts = convergedLab();
    for (const f of Object.values(facts)) {
      f.xmpp.enabled = false;
      f.cluster = { ...NO_CLUSTER, state: "INACTIVE" };
    }
    const plan = planCluster(labIntent(), facts, { rememberedMembers: ["cb1", "cb2", "cb3"] });
    expect(plan.initialize).toBe(false);
    expect(plan.phases.flatMap((p) => p.units.map((u) => [u.node, u.settle]))).toEqual([
      ["cb1", false],
      ["cb2", true],
      ["cb3", true],
    ]);
    expect(run(plan)).toEqual([
      "cb1: xmpp enable",
      "cb2: xmpp enable",
      "cb2: xmpp cluster join 10.106.81.30",
      "cb3: xmpp enable",
      "cb3: xmpp cluster join 10.106.81.30",
    ]);
  });
});

describe("adding and removing nodes", () => {
  it("adds a node: it joins, the others only get the new trust bundle with a restart each", () => {
    const intent = labIntent();
    for (const n of intent.nodes) n.trustBundle = "trust-4.cer";
    intent.nodes.push({ ...intent.nodes[2], name: "cb4", xmppAddress: "10.106.81.33" });
    const plan = planCluster(intent, { ...convergedLab(), cb4: blankFacts("cb4") });
    expect(run(plan)).toEqual([
      "cb1: xmpp cluster trust trust-4.cer",
      "cb2: xmpp cluster trust trust-4.cer",
      "cb3: xmpp cluster trust trust-4.cer",
      "cb4: xmpp domain tptac9.com",
      "cb4: xmpp listen a",
      "cb4: xmpp certs abhiall.key abhiall.cer certall.cer",
      "cb4: xmpp cluster trust trust-4.cer",
      "cb1: xmpp disable",
      "cb1: xmpp enable",
      "cb4: xmpp callbridge add-secret cb1",
      "cb4: xmpp callbridge add-secret cb2",
      "cb4: xmpp callbridge add-secret cb3",
      "cb2: xmpp disable",
      "cb2: xmpp enable",
      "cb3: xmpp disable",
      "cb3: xmpp enable",
      "cb4: xmpp disable",
      "cb4: xmpp cluster enable",
      "cb4: xmpp enable",
      "cb4: xmpp cluster join 10.106.81.30",
    ]);
  });

  it("removes a node: it leaves first, a member drops the entry, it is reset, then the others change", () => {
    const intent = labIntent();
    intent.nodes = intent.nodes.filter((n) => n.name !== "cb3");
    for (const n of intent.nodes) n.trustBundle = "trust-2.cer";
    const facts = convergedLab();
    const plan = planCluster(
      intent,
      { cb1: facts.cb1, cb2: facts.cb2 },
      {
        leavers: [{ name: "cb3", xmppAddress: "10.106.81.32", facts: facts.cb3 }],
      },
    );
    expect(run(plan)).toEqual([
      "cb3: xmpp disable",
      "cb3: xmpp cluster disable",
      "cb1: xmpp cluster remove 10.106.81.32:5222",
      "cb3: xmpp reset",
      "cb1: xmpp cluster trust trust-2.cer",
      "cb2: xmpp cluster trust trust-2.cer",
      "cb1: xmpp disable",
      "cb1: xmpp enable",
      "cb2: xmpp disable",
      "cb2: xmpp enable",
    ]);
    expect(plan.phases[0].name).toBe("leave");
  });

  it("refuses to merge a node that belongs to another cluster", () => {
    const facts = convergedLab();
    facts.cb3.cluster = {
      ...facts.cb3.cluster,
      state: "LEADER",
      peers: [{ address: "10.9.9.9", port: 5222, leader: true }],
      leader: "10.9.9.9:5222",
    };
    expect(() => planCluster(labIntent(), facts)).toThrow(PlanError);
    expect(() => planCluster(labIntent(), facts)).toThrow(
      /^\[cb3\] is a member of a different XMPP cluster \(peers: 10\.9\.9\.9\) than cb1\n {2}next: remove it/,
    );
  });
});

describe("teardown", () => {
  it("makes joiners leave before they are reset, one at a time, and the initializer last", () => {
    const facts = convergedLab();
    const phase = planTeardown(
      LAB.map((n) => ({ ...n, facts: facts[n.name] })),
      "cb1",
    );
    expect(phase.units.map((u) => u.node)).toEqual(["cb2", "cb3", "cb1"]);
    expect(run({ phases: [phase] })).toEqual([
      "cb2: xmpp disable",
      "cb2: xmpp cluster disable",
      "cb1: xmpp cluster remove 10.106.81.31:5222",
      "cb2: xmpp reset",
      "cb3: xmpp disable",
      "cb3: xmpp cluster disable",
      "cb1: xmpp cluster remove 10.106.81.32:5222",
      "cb3: xmpp reset",
      "cb1: xmpp disable",
      "cb1: xmpp cluster disable",
      "cb1: xmpp reset",
    ]);
    expect(
      planSteps({ phases: [phase] })
        .filter((s) => s.bestEffort)
        .map(renderStep),
    ).toEqual(["xmpp cluster remove 10.106.81.31:5222", "xmpp cluster remove 10.106.81.32:5222"]);
  });

  it("skips a node that is already blank, and one that cannot be reached", () => {
    const phase = planTeardown(
      [
        { name: "cb1", xmppAddress: "10.106.81.30", facts: blankFacts("cb1") },
        { name: "cb2", xmppAddress: "10.106.81.31", facts: undefined },
      ],
      "cb1",
    );
    expect(phase.units).toEqual([]);
  });
});
