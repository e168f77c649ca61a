import { describe, expect, it } from "vitest";
import type { NodeFacts } from "../src/core/facts";
import { type ClusterPlan, describePlan, type Leaver, PlanError, planCluster, planTeardown } from "../src/core/plan";
import type { Op, Step } from "../src/core/steps";
import { blankFacts, convergedFacts, convergedLab, LAB, labIntent, NO_CLUSTER } from "./support/facts";

const [A1, A2, A3] = LAB.map((n) => n.xmppAddress);

/** `ops` as steps on `node`. */
const at = (node: string, ...ops: Op[]): Step[] => ops.map((op) => ({ ...op, node }));

const DOMAIN: Op = { op: "setDomain", domain: "tptac9.com" };
const LISTEN: Op = { op: "setListen", interfaces: ["a"] };
const CERTS: Op = { op: "setCerts", keyFile: "abhiall.key", certFile: "abhiall.cer", bundleFile: "certall.cer" };
const TRUST: Op = { op: "setTrust", bundle: "xmpp-cluster-bundle.crt" };
const DISABLE: Op = { op: "disable" };
const ENABLE: Op = { op: "enable" };
const CLUSTER_ENABLE: Op = { op: "clusterEnable" };
const CLUSTER_DISABLE: Op = { op: "clusterDisable" };
const RESET: Op = { op: "reset" };
const add = (bridge: string): Op => ({ op: "addBridge", bridge });
const addSecret = (bridge: string): Op => ({ op: "addSecret", bridge });
const del = (bridge: string): Op => ({ op: "delBridge", bridge });
const join = (founder: string): Op => ({ op: "join", founder });
const removePeer = (lister: string, peer: string, of: string): Step => ({ op: "removePeer", peer, of, node: lister });

const LEADERLESS_HINT =
  "an election may be in progress: try again in a minute; otherwise bring the stopped nodes back. Stale entries (TechNote scenario 3) count against the majority: if a listed node is gone for good, remove its entry by hand with `xmpp cluster remove <ip>:5222`";

function planErrorOf(fn: () => unknown): { name: string; node: string; hint: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    const e = err as PlanError;
    return { name: e.name, node: e.node, hint: e.hint, message: e.message };
  }
  throw new Error("expected a PlanError");
}

/** A live member's cluster status listing exactly `addresses`, behind cb1. */
function listing(f: NodeFacts, addresses: string[], duplicates: string[] = []): NodeFacts {
  return {
    ...f,
    cluster: {
      ...f.cluster,
      peers: addresses.map((address) => ({ address, port: 5222, leader: address === A1 })),
      duplicates,
    },
  };
}

/** A member whose XMPP was stopped: `xmpp` is disabled and the cluster status is INACTIVE. */
function stopped(f: NodeFacts): NodeFacts {
  return {
    ...f,
    xmpp: { ...f.xmpp, enabled: false, clustered: undefined },
    cluster: { ...NO_CLUSTER, state: "INACTIVE" },
  };
}

/** Configured and running, but never clustered. */
function standalone(node: string): NodeFacts {
  const f = convergedFacts(node);
  return {
    ...f,
    xmpp: { ...f.xmpp, clusterEnabled: false, clustered: false },
    callBridges: [],
    cluster: NO_CLUSTER,
  };
}

const withoutCb3 = () => {
  const intent = labIntent();
  intent.nodes = intent.nodes.filter((n) => n.name !== "cb3");
  return intent;
};

describe("a fresh cluster, exactly", () => {
  it("is the whole plan: founder initializes, the others get secrets in parallel and join one at a time", () => {
    const plan = planCluster(labIntent(), { cb1: blankFacts("cb1"), cb2: blankFacts("cb2"), cb3: blankFacts("cb3") });
    const joiner = (node: string) => ({
      settings: { node, steps: at(node, DOMAIN, LISTEN, CERTS, TRUST), settle: false },
      configure: { node, steps: at(node, addSecret("cb1"), addSecret("cb2"), addSecret("cb3")), settle: false },
      activate: { node, steps: at(node, DISABLE, CLUSTER_ENABLE, ENABLE, join(A1)), settle: true },
    });
    const initialize = at("cb1", DISABLE, CLUSTER_ENABLE, { op: "initialize" }, ENABLE);
    expect(plan).toEqual<ClusterPlan>({
      founder: "cb1",
      initialize: true,
      secretSources: {},
      phases: [
        {
          name: "settings",
          mode: "parallel",
          units: [
            { node: "cb1", steps: at("cb1", DOMAIN, LISTEN, CERTS, TRUST), settle: false },
            joiner("cb2").settings,
            joiner("cb3").settings,
          ],
        },
        {
          name: "founder",
          mode: "serial",
          units: [{ node: "cb1", steps: at("cb1", add("cb1"), add("cb2"), add("cb3")), settle: false }],
        },
        {
          name: "configure",
          mode: "parallel",
          units: [{ node: "cb1", steps: initialize, settle: true }, joiner("cb2").configure, joiner("cb3").configure],
        },
        { name: "activate", mode: "serial", units: [joiner("cb2").activate, joiner("cb3").activate] },
      ],
      unreachable: {},
      notices: [],
    });
  });

  it("initializes nodes that already run XMPP on their own (enabled, never clustered) instead of refusing", () => {
    const plan = planCluster(labIntent(), { cb1: standalone("cb1"), cb2: standalone("cb2"), cb3: standalone("cb3") });
    expect(plan.initialize).toBe(true);
    expect(plan.phases).toEqual([
      {
        name: "founder",
        mode: "serial",
        units: [{ node: "cb1", steps: at("cb1", add("cb1"), add("cb2"), add("cb3")), settle: false }],
      },
      {
        name: "configure",
        mode: "parallel",
        units: [
          { node: "cb1", steps: at("cb1", DISABLE, CLUSTER_ENABLE, { op: "initialize" }, ENABLE), settle: true },
          ...["cb2", "cb3"].map((node) => ({
            node,
            steps: at(node, addSecret("cb1"), addSecret("cb2"), addSecret("cb3")),
            settle: false,
          })),
        ],
      },
      {
        name: "activate",
        mode: "serial",
        units: ["cb2", "cb3"].map((node) => ({
          node,
          steps: at(node, DISABLE, CLUSTER_ENABLE, ENABLE, join(A1)),
          settle: true,
        })),
      },
    ]);
  });
});

describe("no desired node can be read", () => {
  // Planned inside each test, not when the file loads: Stryker activates a mutant per test.
  const plan = () => planCluster(labIntent(), {});

  it("plans nothing, keeps the initializer as founder and says 'not reachable' when no reason was given", () => {
    expect(plan()).toEqual<ClusterPlan>({
      founder: "cb1",
      initialize: false,
      secretSources: {},
      phases: [],
      unreachable: { cb1: "not reachable", cb2: "not reachable", cb3: "not reachable" },
      notices: [],
    });
  });

  it("previews one line per unreachable node", () => {
    const line = "(unreachable: not reachable; `up` changes nothing until it is back or removed from nodes)";
    expect(describePlan(plan())).toEqual({ cb1: [line], cb2: [line], cb3: [line] });
  });

  it("uses the given reason for one node and the default for the others", () => {
    const partial = planCluster(labIntent(), {}, { unreachable: { cb2: "timed out" } });
    expect(partial.unreachable).toEqual({ cb1: "not reachable", cb2: "timed out", cb3: "not reachable" });
  });
});

describe("a cluster without a leader, exact error", () => {
  it("names a single leaderless member in the singular, with an unknown state and its peer entries", () => {
    const cb2 = convergedFacts("cb2");
    cb2.cluster = {
      ...NO_CLUSTER,
      peers: [
        { address: A2, port: 5222, leader: false },
        { address: A3, port: 5222, leader: false },
      ],
    };
    const facts = { cb1: blankFacts("cb1"), cb2, cb3: blankFacts("cb3") };
    expect(planErrorOf(() => planCluster(labIntent(), facts))).toEqual({
      name: "PlanError",
      node: "cb2",
      hint: LEADERLESS_HINT,
      message: `[cb2] is a member of an XMPP cluster with no leader (state unknown; cb2 lists 2 peer entries: 10.106.81.31:5222, 10.106.81.32:5222); nothing can change without a majority\n  next: ${LEADERLESS_HINT}`,
    });
  });

  it("names two leaderless members in the plural, quoting the first one's peers", () => {
    const facts: Record<string, NodeFacts> = { cb1: blankFacts("cb1") };
    for (const node of ["cb2", "cb3"]) {
      const f = convergedFacts(node);
      f.cluster = { ...f.cluster, state: "CANDIDATE", leader: undefined };
      facts[node] = f;
    }
    expect(planErrorOf(() => planCluster(labIntent(), facts))).toEqual({
      name: "PlanError",
      node: "cb2, cb3",
      hint: LEADERLESS_HINT,
      message: `[cb2, cb3] are members of an XMPP cluster with no leader (state CANDIDATE; cb2 lists 3 peer entries: 10.106.81.30:5222, 10.106.81.31:5222, 10.106.81.32:5222); nothing can change without a majority\n  next: ${LEADERLESS_HINT}`,
    });
  });

  it("starts every stopped remembered member instead of refusing: the founder alone does not settle", () => {
    const facts = convergedLab();
    for (const node of ["cb1", "cb2", "cb3"]) facts[node] = stopped(facts[node]);
    const plan = planCluster(labIntent(), facts, { rememberedMembers: ["cb1", "cb2", "cb3"] });
    expect(plan.phases).toEqual([
      { name: "configure", mode: "parallel", units: [{ node: "cb1", steps: at("cb1", ENABLE), settle: false }] },
      {
        name: "activate",
        mode: "serial",
        units: ["cb2", "cb3"].map((node) => ({ node, steps: at(node, ENABLE, join(A1)), settle: true })),
      },
    ]);
  });
});

describe("a node of another cluster, exact error", () => {
  it("names the node, its peers and the founder, and how to get it out", () => {
    const facts = convergedLab();
    facts.cb3.cluster = {
      ...facts.cb3.cluster,
      state: "LEADER",
      peers: [
        { address: "10.9.9.9", port: 5222, leader: true },
        { address: "10.9.9.8", port: 5222, leader: false },
      ],
      leader: "10.9.9.9:5222",
    };
    const hint =
      "remove it from that cluster (xmpp cluster disable, then xmpp reset on cb3) or list the nodes of one cluster only";
    expect(planErrorOf(() => planCluster(labIntent(), facts))).toEqual({
      name: "PlanError",
      node: "cb3",
      hint,
      message: `[cb3] is a member of a different XMPP cluster (peers: 10.9.9.9, 10.9.9.8) than cb1\n  next: ${hint}`,
    });
  });
});

describe("comparing stored XMPP settings", () => {
  it("treats the listen interfaces as a set: order on the node and in the config does not matter", () => {
    const intent = labIntent();
    for (const n of intent.nodes) n.listen = ["c", "a", "b"];
    const facts = convergedLab();
    facts.cb1.xmpp.listen = ["a", "b", "c"];
    facts.cb2.xmpp.listen = ["b", "c", "a"];
    facts.cb3.xmpp.listen = ["c", "a", "b"];
    expect(planCluster(intent, facts).phases).toEqual([]);
  });

  it("sets listen when it is unknown, a subset, or differs in one interface, restarting each member", () => {
    const intent = labIntent();
    for (const n of intent.nodes) n.listen = ["a", "b"];
    const facts = convergedLab();
    facts.cb1.xmpp.listen = undefined;
    facts.cb2.xmpp.listen = ["a"];
    facts.cb3.xmpp.listen = ["a", "c"];
    const listen: Op = { op: "setListen", interfaces: ["a", "b"] };
    expect(planCluster(intent, facts).phases).toEqual([
      {
        name: "settings",
        mode: "parallel",
        units: ["cb1", "cb2", "cb3"].map((node) => ({ node, steps: at(node, listen), settle: false })),
      },
      {
        name: "configure",
        mode: "parallel",
        units: [{ node: "cb1", steps: at("cb1", DISABLE, ENABLE), settle: true }],
      },
      {
        name: "activate",
        mode: "serial",
        units: ["cb2", "cb3"].map((node) => ({ node, steps: at(node, DISABLE, ENABLE), settle: true })),
      },
    ]);
  });

  it("sets the certificates when only the key, only the certificate or only the CA bundle differs", () => {
    const facts = convergedLab();
    facts.cb1.xmpp.keyFile = "old.key";
    facts.cb2.xmpp.certificateFile = "old.cer";
    facts.cb3.xmpp.caBundleFile = "old-bundle.cer";
    expect(planCluster(labIntent(), facts).phases).toEqual([
      {
        name: "settings",
        mode: "parallel",
        units: ["cb1", "cb2", "cb3"].map((node) => ({ node, steps: at(node, CERTS), settle: false })),
      },
      {
        name: "configure",
        mode: "parallel",
        units: [{ node: "cb1", steps: at("cb1", DISABLE, ENABLE), settle: true }],
      },
      {
        name: "activate",
        mode: "serial",
        units: ["cb2", "cb3"].map((node) => ({ node, steps: at(node, DISABLE, ENABLE), settle: true })),
      },
    ]);
  });

  it("compares a missing CA bundle in the config with none on the node, and drops one the node still has", () => {
    const intent = labIntent();
    for (const n of intent.nodes) n.certs = { keyFile: "abhiall.key", certFile: "abhiall.cer" };
    const facts = convergedLab();
    facts.cb1.xmpp.caBundleFile = null;
    facts.cb2.xmpp.caBundleFile = null;
    const certs: Op = { op: "setCerts", keyFile: "abhiall.key", certFile: "abhiall.cer" };
    expect(planCluster(intent, facts).phases).toEqual([
      { name: "settings", mode: "parallel", units: [{ node: "cb3", steps: at("cb3", certs), settle: false }] },
      { name: "activate", mode: "serial", units: [{ node: "cb3", steps: at("cb3", DISABLE, ENABLE), settle: true }] },
    ]);
  });

  it("restarts a member after a domain change", () => {
    const facts = convergedLab();
    facts.cb2.xmpp.domain = "example.org";
    expect(planCluster(labIntent(), facts).phases).toEqual([
      { name: "settings", mode: "parallel", units: [{ node: "cb2", steps: at("cb2", DOMAIN), settle: false }] },
      { name: "activate", mode: "serial", units: [{ node: "cb2", steps: at("cb2", DISABLE, ENABLE), settle: true }] },
    ]);
  });
});

describe("the founder's own changes", () => {
  const newTrust = () => {
    const intent = labIntent();
    intent.nodes[0].trustBundle = "trust-2.cer";
    return intent;
  };
  const trust: Op = { op: "setTrust", bundle: "trust-2.cer" };

  it("restarts the founder after a trust change by default, and it settles", () => {
    expect(planCluster(newTrust(), convergedLab()).phases).toEqual([
      { name: "settings", mode: "parallel", units: [{ node: "cb1", steps: at("cb1", trust), settle: false }] },
      {
        name: "configure",
        mode: "parallel",
        units: [{ node: "cb1", steps: at("cb1", DISABLE, ENABLE), settle: true }],
      },
    ]);
  });

  it("does not restart or settle the founder after a trust change when restartAfterTrustChange is false", () => {
    const intent = { ...newTrust(), restartAfterTrustChange: false };
    expect(planCluster(intent, convergedLab()).phases).toEqual([
      { name: "settings", mode: "parallel", units: [{ node: "cb1", steps: at("cb1", trust), settle: false }] },
    ]);
  });

  it("gives the founder a bridge it lost with add-secret, taking the secret from the next holder, and does not settle", () => {
    const facts = convergedLab();
    facts.cb1.callBridges = facts.cb1.callBridges.filter((b) => b.name !== "cb3");
    const plan = planCluster(labIntent(), facts);
    expect(plan.secretSources).toEqual({ cb1: "cb1", cb2: "cb1", cb3: "cb2" });
    expect(plan.phases).toEqual([
      { name: "founder", mode: "serial", units: [{ node: "cb1", steps: at("cb1", addSecret("cb3")), settle: false }] },
    ]);
  });
});

describe("choosing the secret source", () => {
  it("breaks a tie between two secrets in favour of the earlier node in cluster order", () => {
    const facts = convergedLab();
    facts.cb2.callBridges[0] = { name: "cb1", domain: "tptac9.com", secret: "otherSecret00000Ab1" };
    facts.cb3.callBridges = facts.cb3.callBridges.filter((b) => b.name !== "cb1");
    const plan = planCluster(labIntent(), facts);
    expect(plan.secretSources).toEqual({ cb1: "cb1", cb2: "cb1", cb3: "cb1" });
    expect(plan.phases).toEqual([
      {
        name: "configure",
        mode: "parallel",
        units: [
          { node: "cb2", steps: at("cb2", del("cb1"), addSecret("cb1")), settle: false },
          { node: "cb3", steps: at("cb3", addSecret("cb1")), settle: false },
        ],
      },
    ]);
  });

  it("counts the initializer first in a tie even when it is not first in the config", () => {
    const facts = convergedLab();
    facts.cb3.callBridges[0] = { name: "cb1", domain: "tptac9.com", secret: "otherSecret00000Ab1" };
    facts.cb2.callBridges = facts.cb2.callBridges.filter((b) => b.name !== "cb1");
    expect(planCluster(labIntent({ initializer: "cb3" }), facts).secretSources).toEqual({
      cb1: "cb3",
      cb2: "cb3",
      cb3: "cb3",
    });
  });
});

describe("remembered and stopped members", () => {
  it("joins a node that left cleanly again even when the state remembers it as a member", () => {
    const facts = convergedLab();
    facts.cb3.xmpp.clusterEnabled = false;
    facts.cb3.xmpp.clustered = false;
    facts.cb3.cluster = { ...NO_CLUSTER };
    facts.cb1 = listing(facts.cb1, [A1, A2]);
    facts.cb2 = listing(facts.cb2, [A1, A2]);
    const plan = planCluster(labIntent(), facts, { rememberedMembers: ["cb1", "cb2", "cb3"] });
    expect(plan.phases).toEqual([
      {
        name: "activate",
        mode: "serial",
        units: [{ node: "cb3", steps: at("cb3", DISABLE, CLUSTER_ENABLE, ENABLE, join(A1)), settle: true }],
      },
    ]);
  });

  it("re-joins a stopped node the state does not remember, dropping its entry first", () => {
    const facts = convergedLab();
    facts.cb3 = stopped(facts.cb3);
    const plan = planCluster(labIntent(), facts, { rememberedMembers: ["cb1", "cb2"] });
    expect(plan.phases).toEqual([
      {
        name: "activate",
        mode: "serial",
        units: [
          {
            node: "cb3",
            steps: [removePeer("cb1", `${A3}:5222`, "cb3"), ...at("cb3", DISABLE, CLUSTER_ENABLE, ENABLE, join(A1))],
            settle: true,
          },
        ],
      },
    ]);
  });

  it("re-joins a remembered stopped node whose domain changed, instead of only starting it", () => {
    const facts = convergedLab();
    facts.cb3 = stopped(facts.cb3);
    facts.cb3.xmpp.domain = "old.example";
    const plan = planCluster(labIntent(), facts, { rememberedMembers: ["cb1", "cb2", "cb3"] });
    expect(plan.phases).toEqual([
      { name: "settings", mode: "parallel", units: [{ node: "cb3", steps: at("cb3", DOMAIN), settle: false }] },
      {
        name: "activate",
        mode: "serial",
        units: [
          {
            node: "cb3",
            steps: [removePeer("cb1", `${A3}:5222`, "cb3"), ...at("cb3", DISABLE, CLUSTER_ENABLE, ENABLE, join(A1))],
            settle: true,
          },
        ],
      },
    ]);
  });

  it("founds on the first stopped member when the initializer was reset by hand, and joins the initializer to it", () => {
    const facts = convergedLab();
    facts.cb1 = blankFacts("cb1");
    facts.cb2 = stopped(facts.cb2);
    facts.cb3 = stopped(facts.cb3);
    const plan = planCluster(labIntent(), facts, { rememberedMembers: ["cb1", "cb2", "cb3"] });
    expect(plan.founder).toBe("cb2");
    expect(plan.initialize).toBe(false);
    expect(plan.secretSources).toEqual({ cb1: "cb2", cb2: "cb2", cb3: "cb2" });
    expect(plan.phases).toEqual([
      {
        name: "settings",
        mode: "parallel",
        units: [{ node: "cb1", steps: at("cb1", DOMAIN, LISTEN, CERTS, TRUST), settle: false }],
      },
      {
        name: "configure",
        mode: "parallel",
        units: [
          { node: "cb2", steps: at("cb2", ENABLE), settle: false },
          { node: "cb1", steps: at("cb1", addSecret("cb1"), addSecret("cb2"), addSecret("cb3")), settle: false },
        ],
      },
      {
        name: "activate",
        mode: "serial",
        units: [
          { node: "cb1", steps: at("cb1", DISABLE, CLUSTER_ENABLE, ENABLE, join(A2)), settle: true },
          { node: "cb3", steps: at("cb3", ENABLE, join(A2)), settle: true },
        ],
      },
    ]);
  });
});

describe("dropping stale entries", () => {
  it("drops a duplicated member's entry on another member that lists it, never on the node itself", () => {
    const facts = convergedLab();
    facts.cb1 = listing(facts.cb1, [A1, A3]);
    facts.cb2 = listing(facts.cb2, [A1, A2, A2, A3], [`${A2}:5222`]);
    facts.cb3 = listing(facts.cb3, [A1, A2, A3]);
    expect(planCluster(labIntent(), facts).phases).toEqual([
      {
        name: "activate",
        mode: "serial",
        units: [
          {
            node: "cb2",
            steps: [
              ...at("cb2", DISABLE, CLUSTER_DISABLE),
              removePeer("cb3", `${A2}:5222`, "cb2"),
              ...at("cb2", CLUSTER_ENABLE, ENABLE, join(A1)),
            ],
            settle: true,
          },
        ],
      },
    ]);
  });
});

describe("leavers", () => {
  it("notices an unreachable leaver that no member lists, with nothing to run", () => {
    const facts = convergedLab();
    const plan = planCluster(
      withoutCb3(),
      { cb1: listing(facts.cb1, [A1, A2]), cb2: listing(facts.cb2, [A1, A2]) },
      { leavers: [{ name: "cb3", xmppAddress: A3, facts: undefined }] },
    );
    expect(plan.phases).toEqual([]);
    expect(plan.notices).toEqual(["cb3 was not reset: it was unreachable"]);
  });

  it("drops an unreachable leaver's entry on the member that lists it, even when the founder does not", () => {
    const facts = convergedLab();
    const plan = planCluster(
      withoutCb3(),
      { cb1: listing(facts.cb1, [A1, A2]), cb2: listing(facts.cb2, [A1, A2, A3]) },
      { leavers: [{ name: "cb3", xmppAddress: A3, facts: undefined }] },
    );
    expect(plan.phases).toEqual([
      {
        name: "leave",
        mode: "serial",
        units: [{ node: "cb3", steps: [removePeer("cb2", `${A3}:5222`, "cb3")], settle: false }],
      },
    ]);
    expect(plan.notices).toEqual(["cb3 was not reset: it was unreachable (its peer entry was removed on a member)"]);
    expect(describePlan(plan)).toEqual({
      cb2: ["xmpp cluster remove 10.106.81.32:5222  (drops the entry of cb3, while it is listed)"],
    });
  });

  const leaving = (cb3: NodeFacts) => {
    const facts = convergedLab();
    return planCluster(
      withoutCb3(),
      { cb1: facts.cb1, cb2: facts.cb2 },
      { leavers: [{ name: "cb3", xmppAddress: A3, facts: cb3 }] },
    );
  };

  it("makes a reachable member leave, drops its entry, then resets it, without settling", () => {
    const plan = leaving(convergedFacts("cb3"));
    expect(plan.phases).toEqual([
      {
        name: "leave",
        mode: "serial",
        units: [
          {
            node: "cb3",
            steps: [
              ...at("cb3", DISABLE, CLUSTER_DISABLE),
              removePeer("cb1", `${A3}:5222`, "cb3"),
              ...at("cb3", RESET),
            ],
            settle: false,
          },
        ],
      },
    ]);
    expect(plan.notices).toEqual([]);
  });

  it("drops the entry before the reset when the reset is the leaver's only own step", () => {
    const cb3 = blankFacts("cb3");
    cb3.xmpp.domain = "tptac9.com";
    expect(leaving(cb3).phases).toEqual([
      {
        name: "leave",
        mode: "serial",
        units: [{ node: "cb3", steps: [removePeer("cb1", `${A3}:5222`, "cb3"), ...at("cb3", RESET)], settle: false }],
      },
    ]);
  });

  it("drops the entry last when the leaver has nothing to reset", () => {
    const cb3 = blankFacts("cb3");
    cb3.xmpp.enabled = undefined;
    cb3.xmpp.clusterEnabled = undefined;
    expect(leaving(cb3).phases).toEqual([
      {
        name: "leave",
        mode: "serial",
        units: [
          {
            node: "cb3",
            steps: [...at("cb3", DISABLE, CLUSTER_DISABLE), removePeer("cb1", `${A3}:5222`, "cb3")],
            settle: false,
          },
        ],
      },
    ]);
  });
});

describe("teardown, exactly", () => {
  const removal = (lister: string, address: string, of: string): Step => ({
    ...removePeer(lister, `${address}:5222`, of),
    bestEffort: true,
  });
  const leavers = (facts: Record<string, NodeFacts | undefined>, order: string[]): Leaver[] =>
    order.map((name) => ({
      name,
      xmppAddress: LAB.find((n) => n.name === name)?.xmppAddress ?? "",
      facts: facts[name],
    }));

  it("resets the initializer last even when it is not listed first", () => {
    const facts = convergedLab();
    expect(planTeardown(leavers(facts, ["cb2", "cb1", "cb3"]), "cb1")).toEqual({
      name: "teardown",
      mode: "serial",
      units: [
        {
          node: "cb2",
          steps: [...at("cb2", DISABLE, CLUSTER_DISABLE), removal("cb1", A2, "cb2"), ...at("cb2", RESET)],
          settle: false,
        },
        {
          node: "cb3",
          steps: [...at("cb3", DISABLE, CLUSTER_DISABLE), removal("cb1", A3, "cb3"), ...at("cb3", RESET)],
          settle: false,
        },
        { node: "cb1", steps: at("cb1", DISABLE, CLUSTER_DISABLE, RESET), settle: false },
      ],
    });
  });

  it("resets the first node last when the initializer is not among the nodes", () => {
    const facts = convergedLab();
    expect(planTeardown(leavers(facts, ["cb1", "cb2", "cb3"]), "cb9").units.map((u) => u.node)).toEqual([
      "cb2",
      "cb3",
      "cb1",
    ]);
  });

  it("drops entries on a later node when the initializer is unreachable, and none once nobody is left", () => {
    const facts: Record<string, NodeFacts | undefined> = convergedLab();
    facts.cb1 = undefined;
    expect(planTeardown(leavers(facts, ["cb1", "cb2", "cb3"]), "cb1")).toEqual({
      name: "teardown",
      mode: "serial",
      units: [
        {
          node: "cb2",
          steps: [...at("cb2", DISABLE, CLUSTER_DISABLE), removal("cb3", A2, "cb2"), ...at("cb2", RESET)],
          settle: false,
        },
        { node: "cb3", steps: at("cb3", DISABLE, CLUSTER_DISABLE, RESET), settle: false },
      ],
    });
  });

  it("is an empty teardown phase for no nodes", () => {
    expect(planTeardown([], "cb1")).toEqual({ name: "teardown", mode: "serial", units: [] });
  });

  const only = (change: (f: NodeFacts) => void) => {
    const f = blankFacts("cb1");
    change(f);
    return planTeardown([{ name: "cb1", xmppAddress: A1, facts: f }], "cb1").units;
  };

  it.each<[string, (f: NodeFacts) => void, Op[]]>([
    ["XMPP enabled", (f) => (f.xmpp.enabled = true), [DISABLE, RESET]],
    ["a domain", (f) => (f.xmpp.domain = "tptac9.com"), [RESET]],
    ["a Call Bridge entry", (f) => f.callBridges.push({ name: "cb1", domain: "tptac9.com", secret: "s" }), [RESET]],
    [
      "a peer entry",
      (f) => (f.cluster = { ...NO_CLUSTER, peers: [{ address: A2, port: 5222, leader: false }] }),
      [RESET],
    ],
    ["cluster enabled", (f) => (f.xmpp.clusterEnabled = true), [CLUSTER_DISABLE, RESET]],
    ["cluster mode unknown", (f) => (f.xmpp.clusterEnabled = undefined), [CLUSTER_DISABLE]],
  ])("resets a node whose only XMPP trace is %s", (_, change, ops) => {
    expect(only(change)).toEqual([{ node: "cb1", steps: at("cb1", ...ops), settle: false }]);
  });
});
