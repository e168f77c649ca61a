import { describe, expect, it } from "vitest";
import { describePlan, PlanError, planCluster, planTeardown } from "../components/core/plan";
import { blankFacts, convergedFacts, convergedLab, LAB, labIntent, SECRETS } from "./support/facts";

const commands = (plan: ReturnType<typeof planCluster>, node: string) =>
  plan.nodes.find((p) => p.node === node)?.steps.map((s) => s.command) ?? [];

describe("a fresh cluster", () => {
  const plan = planCluster(labIntent(), { cb1: blankFacts("cb1"), cb2: blankFacts("cb2"), cb3: blankFacts("cb3") });

  it("initializes on the initializer in the seed's order", () => {
    expect(plan.seed).toBe("cb1");
    expect(plan.initialize).toBe(true);
    expect(commands(plan, "cb1")).toEqual([
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
    ]);
  });

  it("joins the others with add-secret, then disable, cluster enable, enable, join", () => {
    for (const node of ["cb2", "cb3"]) {
      expect(commands(plan, node)).toEqual([
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
        "xmpp cluster join 10.106.81.30",
      ]);
    }
    const addSecret = plan.nodes[1].steps.find((s) => s.command === "xmpp callbridge add-secret cb2");
    expect(addSecret?.bridge).toBe("cb2");
  });

  it("marks the kinds: settings are configure, service changes are activate", () => {
    const kinds = plan.nodes[0].steps.map((s) => s.kind);
    expect(kinds.slice(0, 7).every((k) => k === "configure")).toBe(true);
    expect(kinds.slice(7).every((k) => k === "activate")).toBe(true);
  });

  it("describes the plan for preview without any secret", () => {
    const text = JSON.stringify(describePlan(plan.nodes));
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(describePlan(plan.nodes).cb2[4]).toBe("xmpp callbridge add-secret cb1  (answers the secret prompt)");
  });
});

describe("a converged cluster", () => {
  it("plans nothing", () => {
    const plan = planCluster(labIntent(), convergedLab());
    expect(plan.initialize).toBe(false);
    expect(plan.nodes.flatMap((p) => p.steps)).toEqual([]);
    expect(describePlan(plan.nodes)).toEqual({});
  });

  it("takes every secret from the initializer", () => {
    expect(planCluster(labIntent(), convergedLab()).secretSources).toEqual({ cb1: "cb1", cb2: "cb1", cb3: "cb1" });
  });
});

describe("drift and updates", () => {
  it("re-adds a bridge deleted by hand on a joiner with the initializer's secret", () => {
    const facts = convergedLab();
    facts.cb2.callBridges = facts.cb2.callBridges.filter((b) => b.name !== "cb3");
    const plan = planCluster(labIntent(), facts);
    expect(commands(plan, "cb1")).toEqual([]);
    expect(commands(plan, "cb2")).toEqual(["xmpp callbridge add-secret cb3"]);
    expect(commands(plan, "cb3")).toEqual([]);
  });

  it("fixes a wrong secret on one node (seed scenario 2) with del + add-secret", () => {
    const facts = convergedLab();
    facts.cb3.callBridges[0] = { name: "cb1", domain: "tptac9.com", secret: SECRETS.cb3 };
    const plan = planCluster(labIntent(), facts);
    expect(commands(plan, "cb3")).toEqual(["xmpp callbridge del cb1", "xmpp callbridge add-secret cb1"]);
  });

  it("re-joins a node that left the cluster", () => {
    const facts = convergedLab();
    facts.cb3.xmpp.clusterEnabled = false;
    facts.cb3.cluster = { state: undefined, peers: [], leader: undefined, duplicates: [] };
    const plan = planCluster(labIntent(), facts);
    expect(commands(plan, "cb3")).toEqual([
      "xmpp disable",
      "xmpp cluster enable",
      "xmpp enable",
      "xmpp cluster join 10.106.81.30",
    ]);
  });

  it("re-enables a member whose live status is empty while XMPP is stopped, without a second join", () => {
    const facts = convergedLab();
    facts.cb3.xmpp.enabled = false;
    facts.cb3.cluster = { state: undefined, peers: [], leader: undefined, duplicates: [] };
    expect(commands(planCluster(labIntent(), facts), "cb3")).toEqual(["xmpp enable"]);
  });

  it("re-enables XMPP that was disabled by hand, and nothing more", () => {
    const facts = convergedLab();
    facts.cb2.xmpp.enabled = false;
    expect(commands(planCluster(labIntent(), facts), "cb2")).toEqual(["xmpp enable"]);
  });

  it("adds a call bridge: add on the initializer, add-secret on the others", () => {
    const plan = planCluster(labIntent({ callBridges: ["cb1", "cb2", "cb3", "cb4"] }), convergedLab());
    expect(commands(plan, "cb1")).toEqual(["xmpp callbridge add cb4"]);
    expect(commands(plan, "cb2")).toEqual(["xmpp callbridge add-secret cb4"]);
    expect(commands(plan, "cb3")).toEqual(["xmpp callbridge add-secret cb4"]);
  });

  it("removes a call bridge everywhere", () => {
    const plan = planCluster(labIntent({ callBridges: ["cb1", "cb2"] }), convergedLab());
    for (const node of ["cb1", "cb2", "cb3"]) expect(commands(plan, node)).toEqual(["xmpp callbridge del cb3"]);
  });

  it("rotates certificates with a restart of each clustered node, never a re-initialize", () => {
    const intent = labIntent();
    for (const n of intent.nodes) n.certs = { keyFile: "xmpp-shared-2.key", certFile: "xmpp-shared-2.cer" };
    const plan = planCluster(intent, convergedLab());
    expect(plan.initialize).toBe(false);
    for (const node of ["cb1", "cb2", "cb3"]) {
      expect(commands(plan, node)).toEqual([
        "xmpp certs xmpp-shared-2.key xmpp-shared-2.cer",
        "xmpp disable",
        "xmpp enable",
      ]);
    }
  });

  it("lets the initializer re-join the running cluster after it was reset by hand, keeping the secrets", () => {
    const facts = convergedLab();
    facts.cb1 = blankFacts("cb1");
    for (const n of ["cb2", "cb3"]) {
      facts[n] = convergedFacts(n, "10.106.81.31");
    }
    const plan = planCluster(labIntent(), facts);
    expect(plan.seed).toBe("cb2");
    expect(plan.initialize).toBe(false);
    expect(plan.secretSources).toEqual({ cb1: "cb2", cb2: "cb2", cb3: "cb2" });
    expect(commands(plan, "cb1")).toContain("xmpp callbridge add-secret cb1");
    expect(commands(plan, "cb1")).not.toContain("xmpp callbridge add cb1");
    expect(commands(plan, "cb1").slice(-1)).toEqual(["xmpp cluster join 10.106.81.31"]);
  });

  it("adds a node: it joins, the others are untouched", () => {
    const intent = labIntent();
    intent.nodes.push({ ...intent.nodes[2], name: "cb4", xmppAddress: "10.106.81.33" });
    const facts = { ...convergedLab(), cb4: blankFacts("cb4") };
    const plan = planCluster(intent, facts);
    expect(plan.nodes.filter((p) => p.steps.length > 0).map((p) => p.node)).toEqual(["cb4"]);
    expect(commands(plan, "cb4").slice(-1)).toEqual(["xmpp cluster join 10.106.81.30"]);
  });

  it("removes a node: it leaves, a member drops the stale peer, then it is reset", () => {
    const intent = labIntent();
    intent.nodes = intent.nodes.filter((n) => n.name !== "cb3");
    const facts = convergedLab();
    const plan = planCluster(intent, { cb1: facts.cb1, cb2: facts.cb2 }, [
      { name: "cb3", xmppAddress: "10.106.81.32", facts: facts.cb3 },
    ]);
    const leaver = plan.nodes.find((p) => p.role === "leaver");
    expect(leaver?.steps.map((s) => [s.node, s.command, s.kind])).toEqual([
      ["cb3", "xmpp disable", "activate"],
      ["cb3", "xmpp cluster disable", "activate"],
      ["cb1", "xmpp cluster remove 10.106.81.32:5222", "cleanup"],
      ["cb3", "xmpp reset", "activate"],
    ]);
    expect(leaver?.steps[1].successSuffices).toBe(true);
  });

  it("refuses to merge a node that belongs to another cluster", () => {
    const facts = convergedLab();
    facts.cb3.cluster = {
      state: "LEADER",
      peers: [{ address: "10.9.9.9", port: 5222, leader: true }],
      leader: "10.9.9.9:5222",
      duplicates: [],
    };
    expect(() => planCluster(labIntent(), facts)).toThrow(PlanError);
    expect(() => planCluster(labIntent(), facts)).toThrow(/\[cb3\] is a member of a different XMPP cluster/);
  });
});

describe("teardown", () => {
  it("makes joiners leave before they are reset, one at a time, and the initializer last", () => {
    const facts = convergedLab();
    const plans = planTeardown(
      LAB.map((n) => ({ ...n, facts: facts[n.name] })),
      "cb1",
    );
    expect(plans.map((p) => p.node)).toEqual(["cb2", "cb3", "cb1"]);
    expect(plans[0].steps.map((s) => `${s.node}: ${s.command}`)).toEqual([
      "cb2: xmpp disable",
      "cb2: xmpp cluster disable",
      "cb1: xmpp cluster remove 10.106.81.31:5222",
      "cb2: xmpp reset",
    ]);
    expect(plans[2].steps.map((s) => s.command)).toEqual(["xmpp disable", "xmpp cluster disable", "xmpp reset"]);
    expect(plans[0].steps.filter((s) => s.bestEffort).map((s) => s.command)).toEqual([
      "xmpp cluster remove 10.106.81.31:5222",
    ]);
  });

  it("skips a node that is already blank", () => {
    const plans = planTeardown([{ name: "cb1", xmppAddress: "10.106.81.30", facts: blankFacts("cb1") }], "cb1");
    expect(plans[0].steps).toEqual([]);
  });
});
