// The executor against scripted in-memory nodes: no network, no simulator, no waiting.
import { afterEach, describe, expect, it, vi } from "vitest";
import { MmpError } from "../src/clients/mmp/errors";
import type { MmpTarget } from "../src/clients/mmp/session";
import { FACT_COMMANDS } from "../src/core/facts";
import { OWNER_FILE } from "../src/core/ownership";
import { describePlan } from "../src/core/plan";
import { PREFLIGHT_COMMANDS } from "../src/core/preflight";
import {
  applyCluster,
  assertReachable,
  type ClusterOperation,
  checkOwnership,
  checkPrerequisites,
  releaseOwnership,
  teardownCluster,
  waitUntilClustered,
  withPlannedCluster,
} from "../src/engine/apply";
import { readFacts } from "../src/engine/read-facts";
import { verifyClusterOutcome } from "../src/engine/verify-cluster";
import { convergedFacts, LAB, labIntent, SECRETS } from "./support/facts";
import { blankState, type NodeState, ScriptedLab } from "./support/scripted-session";

const [CB1, CB2, CB3] = LAB.map((n) => n.xmppAddress);
const peer = (host: string) => `${host}:5222`;
const READS = Object.values(FACT_COMMANDS);
/** The reads of a run that changes something: the facts, then the prerequisites. */
const PLANNED = [...READS, ...Object.values(PREFLIGHT_COMMANDS)];
const TARGETS: MmpTarget[] = LAB.map((n) => ({
  node: n.name,
  host: n.xmppAddress,
  port: 22,
  username: "admin",
  password: `pw-${n.name}`,
}));
const JOIN = ["xmpp disable", "xmpp cluster enable", "xmpp enable", "xmpp cluster status", `xmpp cluster join ${CB1}`];
const ADD_SECRETS = ["cb1", "cb2", "cb3"].map((b) => `xmpp callbridge add-secret ${b}`);

/** Domain, listen, certs and trust as the intent wants them; not clustered, no Call Bridges. */
function prepared(host: string): NodeState {
  return {
    ...blankState(host),
    domain: "tptac9.com",
    listen: ["a"],
    keyFile: "abhiall.key",
    certFile: "abhiall.cer",
    bundleFile: "certall.cer",
    trust: "xmpp-cluster-bundle.crt",
  };
}

const seedBridges = () => Object.entries(SECRETS).map(([name, secret]) => ({ name, secret }));

/** A running member of the seed lab's cluster, led by cb1. */
function member(host: string, peers = [CB1, CB2, CB3]): NodeState {
  return {
    ...prepared(host),
    enabled: true,
    clusterEnabled: true,
    state: host === CB1 ? "LEADER" : "FOLLOWER",
    peers: peers.map(peer),
    leader: peer(CB1),
    bridges: seedBridges(),
  };
}

const labOf = (cb1: NodeState, cb2: NodeState, cb3: NodeState) => new ScriptedLab({ cb1, cb2, cb3 });
const fresh = () => labOf(prepared(CB1), prepared(CB2), prepared(CB3));
const converged = () => labOf(member(CB1), member(CB2), member(CB3));
/** cb1 and cb2 are members that still list cb3, which was reset by hand. */
const resetCb3 = (cb1Peers = [CB1, CB2, CB3]) => labOf(member(CB1, cb1Peers), member(CB2), prepared(CB3));

function operation(lab: ScriptedLab, overrides: Partial<ClusterOperation> = {}): ClusterOperation {
  return { intent: labIntent(), targets: TARGETS, leavers: [], settleTimeoutMs: 0, connect: lab.connect, ...overrides };
}

/** Progress lines with their times as T. */
const untimed = (lines: string[]) => lines.map((l) => l.replace(/\d+\.\d s\b/, "T"));

afterEach(() => {
  vi.useRealTimers();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

describe("the scripted session", () => {
  it("prints what the real parsers read back as the seed lab's facts", async () => {
    const lab = converged();
    for (const [i, name] of ["cb1", "cb2"].entries()) {
      expect(await readFacts(await lab.connect(TARGETS[i]))).toEqual({ facts: convergedFacts(name), recalled: [] });
    }
  });

  it("keeps the password and secret answers out of its commands and fails on FAILURE unless accepted", async () => {
    const lab = fresh();
    const cb1 = await lab.connect(TARGETS[0]);
    await cb1.run("xmpp callbridge add-secret cb1", { secretAnswers: ["s3cret", "s3cret"] });
    await cb1.run("xmpp cluster trust s3cret-pw-cb1");
    lab.node("cb1").rules.push({ match: /^xmpp cluster disable$/, output: "FAILURE: peers unreachable\nSUCCESS: off" });
    expect(await cb1.run("xmpp cluster disable", { acceptFailureWhen: /^SUCCESS\b/m })).toEqual(
      "FAILURE: peers unreachable\nSUCCESS: off",
    );
    expect((await rejection(cb1.run("xmpp cluster disable"))).message).toEqual(
      "[cb1] `xmpp cluster disable`: FAILURE: peers unreachable\n  output:\n    FAILURE: peers unreachable\n    SUCCESS: off",
    );
    expect(cb1.commands).toEqual([
      "xmpp callbridge add-secret cb1",
      "xmpp cluster trust <redacted>-<redacted>",
      "xmpp cluster disable",
      "xmpp cluster disable",
    ]);
    expect(lab.node("cb1").state.bridges).toEqual([{ name: "cb1", secret: "s3cret" }]);
  });
});

describe("applyCluster", () => {
  it("creates a fresh cluster in the TechNote's order: founder, then the joiners with its secrets", async () => {
    const lab = fresh();
    const lines: string[] = [];
    const result = await applyCluster(operation(lab, { progress: (line) => lines.push(line) }));
    const founder = [
      "xmpp callbridge add cb1",
      "xmpp callbridge add cb2",
      "xmpp callbridge add cb3",
      "xmpp disable",
      "xmpp cluster enable",
      "xmpp cluster initialize",
      "xmpp enable",
    ];
    const joiner = [...PLANNED, ...ADD_SECRETS, ...JOIN, "xmpp cluster status", ...READS];
    // The founder's list is read for the secrets right after its adds, while it initializes the joiners take them.
    expect(result.executed).toEqual({
      cb1: [
        ...PLANNED,
        ...founder.slice(0, 3),
        "xmpp callbridge list",
        ...founder.slice(3),
        "xmpp cluster status",
        ...READS,
      ],
      cb2: joiner,
      cb3: joiner,
    });
    expect(result.plan.phases.map((p) => p.name)).toEqual(["founder", "configure", "activate"]);
    expect([result.plan.founder, result.plan.initialize]).toEqual(["cb1", true]);
    const made = { cb1: `${CB1}-made-cb1`, cb2: `${CB1}-made-cb2`, cb3: `${CB1}-made-cb3` };
    expect(result.secrets).toEqual(made);
    // What each joiner was given, answered at the prompt: the founder's secrets, never its own.
    for (const node of ["cb1", "cb2", "cb3"]) {
      expect(lab.node(node).state.bridges).toEqual(Object.entries(made).map(([name, secret]) => ({ name, secret })));
    }
    expect(Object.values(result.facts).map((f) => f.cluster.state)).toEqual(["LEADER", "FOLLOWER", "FOLLOWER"]);
    expect(untimed(lines.filter((l) => l.startsWith("[cb1] ")))).toEqual([
      "[cb1] read: 4 commands (T)",
      ...founder.map((command, i) => `[cb1] ${i + 1}/7 ${command} (T)`),
      "[cb1] in the cluster after T",
      "[cb1] read: 4 commands (T)",
    ]);
    const steps = [...ADD_SECRETS, ...JOIN.filter((c) => c !== "xmpp cluster status")];
    expect(untimed(lines.filter((l) => l.startsWith("[cb2] ")))).toEqual([
      "[cb2] read: 4 commands (T)",
      ...steps.map((command, i) => `[cb2] ${i + 1}/7 ${command} (T)`),
      "[cb2] in the cluster after T",
      "[cb2] read: 4 commands (T)",
    ]);
  });

  it("fails an add-secret for a bridge whose secret the founder's list does not show", async () => {
    const lab = fresh();
    lab.node("cb1").rules.push({
      match: "xmpp callbridge add cb2",
      after: (s) => {
        s.bridges = s.bridges.map((b) => (b.name === "cb2" ? { ...b, secret: "" } : b));
      },
    });
    const error = await rejection(applyCluster(operation(lab)));
    expect([error.name, error.message]).toEqual([
      "MmpError",
      "[cb2] xmpp callbridge add-secret cb2: no secret is known for this Call Bridge\n  next: run `pulumi up` again",
    ]);
    for (const node of ["cb2", "cb3"]) {
      expect(lab.node(node).commands).toEqual([...PLANNED, "xmpp callbridge add-secret cb1"]);
    }
  });

  it("gives a founder that holds another secret the one most nodes hold, read from a node that holds it", async () => {
    const lab = converged();
    lab.node("cb1").state.bridges[1].secret = "stale";
    const result = await applyCluster(operation(lab));
    expect(result.executed.cb1).toEqual([
      ...PLANNED,
      "xmpp callbridge del cb2",
      "xmpp callbridge add-secret cb2",
      ...READS,
    ]);
    expect(lab.node("cb1").state.bridges).toEqual([
      { name: "cb1", secret: SECRETS.cb1 },
      { name: "cb3", secret: SECRETS.cb3 },
      { name: "cb2", secret: SECRETS.cb2 },
    ]);
    expect(result.secrets).toEqual(SECRETS);
  });

  it("replaces a Call Bridge: the founder deletes the old and adds the new, the others take the new secret", async () => {
    const lab = labOf(member(CB1), member(CB2), member(CB3));
    const result = await applyCluster(operation(lab, { intent: labIntent({ callBridges: ["cb1", "cb2", "cb4"] }) }));
    const made = `${CB1}-made-cb4`;
    expect(result.executed.cb1).toEqual([
      ...PLANNED,
      "xmpp callbridge del cb3",
      "xmpp callbridge add cb4",
      "xmpp callbridge list",
      ...READS,
    ]);
    for (const node of ["cb2", "cb3"]) {
      expect(result.executed[node]).toEqual([
        ...PLANNED,
        "xmpp callbridge del cb3",
        "xmpp callbridge add-secret cb4",
        ...READS,
      ]);
      expect(lab.node(node).state.bridges).toEqual([
        { name: "cb1", secret: SECRETS.cb1 },
        { name: "cb2", secret: SECRETS.cb2 },
        { name: "cb4", secret: made },
      ]);
    }
    expect(result.secrets).toEqual({ cb1: SECRETS.cb1, cb2: SECRETS.cb2, cb4: made });
  });

  it("keeps a secret read before when the founder's list shows none for it after adding a bridge", async () => {
    const lab = labOf(member(CB1), member(CB2), {
      ...member(CB3),
      bridges: seedBridges().filter((b) => b.name !== "cb2"),
    });
    lab.node("cb1").rules.push({
      match: "xmpp callbridge add cb4",
      after: (s) => {
        s.bridges = s.bridges.map((b) => (b.name === "cb2" ? { ...b, secret: "" } : b));
      },
    });
    const result = await applyCluster(
      operation(lab, { intent: labIntent({ callBridges: ["cb1", "cb2", "cb3", "cb4"] }) }),
    );
    // Strict: a bridge listed without a secret has no key at all, not an undefined one.
    expect(result.secrets).toStrictEqual({ cb1: SECRETS.cb1, cb3: SECRETS.cb3, cb4: `${CB1}-made-cb4` });
    expect(lab.node("cb3").state.bridges).toEqual([
      { name: "cb1", secret: SECRETS.cb1 },
      { name: "cb3", secret: SECRETS.cb3 },
      { name: "cb2", secret: SECRETS.cb2 },
      { name: "cb4", secret: `${CB1}-made-cb4` },
    ]);
  });

  it("withholds the output of a failed `xmpp callbridge add`: it holds the new secret", async () => {
    const lab = fresh();
    lab.node("cb1").rules.push({
      match: "xmpp callbridge add cb2",
      output: "Secret : new-secret\nFAILURE: could not store the secret",
    });
    expect((await rejection(applyCluster(operation(lab)))).message).toEqual(
      "[cb1] `xmpp callbridge add cb2`: FAILURE: could not store the secret\n  output:\n    (output withheld: it contains secrets)",
    );
  });

  it("changes nothing on a converged cluster and reads it only once", async () => {
    const lab = converged();
    const lines: string[] = [];
    const result = await applyCluster(operation(lab, { progress: (line) => lines.push(line) }));
    expect(result.executed).toEqual({ cb1: READS, cb2: READS, cb3: READS });
    expect(result.plan.phases).toEqual([]);
    expect(result.secrets).toEqual(SECRETS);
    expect(result.facts).toEqual({
      cb1: convergedFacts("cb1"),
      cb2: convergedFacts("cb2"),
      cb3: convergedFacts("cb3"),
    });
    expect(untimed(lines)).toEqual([
      "[cb1] read: 4 commands (T)",
      "[cb2] read: 4 commands (T)",
      "[cb3] read: 4 commands (T)",
    ]);
  });
});

describe("applyCluster: a stopped member", () => {
  const stopped = (peers: string[]): NodeState => ({ ...member(CB3), enabled: false, state: "DISABLED", peers });

  it("is started and not joined again once it rejoined by itself", async () => {
    const lab = labOf(member(CB1), member(CB2), stopped([CB1, CB2, CB3].map(peer)));
    const lines: string[] = [];
    const result = await applyCluster(operation(lab, { progress: (line) => lines.push(line) }));
    expect(result.executed.cb3).toEqual([
      ...PLANNED,
      "xmpp enable",
      "xmpp cluster status",
      "xmpp cluster status",
      ...READS,
    ]);
    expect(untimed(lines)).toEqual([
      "[cb1] read: 4 commands (T)",
      "[cb2] read: 4 commands (T)",
      "[cb3] read: 4 commands (T)",
      "[cb3] 1/2 xmpp enable (T)",
      `[cb3] 2/2 xmpp cluster join ${CB1} (already done, not run)`,
      "[cb3] in the cluster after T",
      "[cb1] read: 4 commands (T)",
      "[cb2] read: 4 commands (T)",
      "[cb3] read: 4 commands (T)",
    ]);
  });

  it("is waited for, up to settleTimeoutMs, until it reports a leader", async () => {
    vi.useFakeTimers();
    const lab = labOf(member(CB1), member(CB2), { ...stopped([CB1, CB2, CB3].map(peer)), leader: undefined });
    let reads = 0;
    // Reads: the facts, the join check, then the settle polls; the leader is known from the second poll on.
    lab.node("cb3").rules.push({
      match: "xmpp cluster status",
      after: (s) => {
        reads += 1;
        if (reads === 4) s.leader = peer(CB1);
      },
    });
    const lines: string[] = [];
    const applying = applyCluster(operation(lab, { settleTimeoutMs: 1000, progress: (line) => lines.push(line) }));
    await vi.advanceTimersByTimeAsync(500);
    const result = await applying;
    expect(result.executed.cb3).toEqual([...PLANNED, "xmpp enable", ...Array(4).fill("xmpp cluster status"), ...READS]);
    expect(lines.filter((l) => l.startsWith("[cb3] "))).toEqual([
      "[cb3] read: 4 commands (0.0 s)",
      "[cb3] 1/2 xmpp enable (0.0 s)",
      `[cb3] 2/2 xmpp cluster join ${CB1} (already done, not run)`,
      "[cb3] in the cluster after 0.5 s",
      "[cb3] read: 4 commands (0.0 s)",
    ]);
  });

  it("is joined when, started, it lists only itself", async () => {
    const lab = labOf(member(CB1), member(CB2), { ...stopped([peer(CB3)]), leader: undefined });
    const result = await applyCluster(operation(lab));
    expect(result.executed.cb3).toEqual([
      ...PLANNED,
      "xmpp enable",
      "xmpp cluster status",
      `xmpp cluster join ${CB1}`,
      "xmpp cluster status",
      ...READS,
    ]);
  });
});

describe("applyCluster: the stale entry of a node reset by hand", () => {
  const remove = `xmpp cluster remove ${peer(CB3)}`;
  const status = "xmpp cluster status";

  it("is removed once on a member before the node joins again", async () => {
    const lab = resetCb3();
    const lines: string[] = [];
    const result = await applyCluster(operation(lab, { progress: (line) => lines.push(line) }));
    expect(result.executed.cb1).toEqual([...PLANNED, status, remove, status, ...READS]);
    expect(result.executed.cb3).toEqual([...PLANNED, ...ADD_SECRETS, ...JOIN, status, ...READS]);
    expect(untimed(lines.filter((l) => l.startsWith("[cb1] ")))).toEqual([
      "[cb1] read: 4 commands (T)",
      `[cb1] 1/1 ${remove} (T)`,
      "[cb1] read: 4 commands (T)",
    ]);
  });

  it("is removed twice when it is listed twice", async () => {
    const lab = resetCb3([CB1, CB2, CB3, CB3]);
    const result = await applyCluster(operation(lab));
    expect(result.executed.cb1).toEqual([...PLANNED, status, remove, status, remove, status, ...READS]);
  });

  it("fails, with what to do by hand, when it stays listed after one remove per entry", async () => {
    const lab = resetCb3([CB1, CB2, CB3, CB3]);
    lab.node("cb1").rules.push({ match: remove, after: (s) => s.peers.push(peer(CB3)) });
    expect((await rejection(applyCluster(operation(lab)))).message).toEqual(
      `[cb1] ${remove}: ${peer(CB3)} (cb3) is still listed 2 time(s)\n  next: remove it by hand on cb1 (\`${remove}\`), then \`pulumi up\``,
    );
    expect(lab.node("cb1").commands).toEqual([...PLANNED, status, remove, status, remove, status]);
    expect(lab.node("cb3").commands).toEqual([...PLANNED, ...ADD_SECRETS]);
  });

  it("is not removed when it is gone by the time the step runs", async () => {
    const lab = resetCb3();
    const cb1 = lab.node("cb1").state;
    lab.node("cb3").rules.push({
      match: "xmpp callbridge add-secret cb3",
      after: () => {
        cb1.peers = [peer(CB1), peer(CB2)];
      },
    });
    const lines: string[] = [];
    const result = await applyCluster(operation(lab, { progress: (line) => lines.push(line) }));
    expect(result.executed.cb1).toEqual([...PLANNED, status, ...READS]);
    expect(untimed(lines.filter((l) => l.startsWith("[cb1] ")))).toEqual([
      "[cb1] read: 4 commands (T)",
      `[cb1] 1/1 ${remove} (already done, not run)`,
      "[cb1] read: 4 commands (T)",
    ]);
  });
});

describe("applyCluster: a node that leaves", () => {
  const leaving = (lab: ScriptedLab) =>
    operation(lab, {
      intent: labIntent({ nodes: labIntent().nodes.slice(0, 2) }),
      targets: TARGETS.slice(0, 2),
      leavers: [{ name: "cb3", xmppAddress: CB3, target: TARGETS[2] }],
    });

  it("leaves although `xmpp cluster disable` printed a FAILURE before its SUCCESS", async () => {
    const lab = converged();
    lab.node("cb3").rules.push({
      match: "xmpp cluster disable",
      output: "FAILURE: cannot reach the other peers\nSUCCESS: clustering disabled on this node",
    });
    const result = await applyCluster(leaving(lab));
    expect(result.executed).toEqual({
      cb1: [...PLANNED, "xmpp cluster status", `xmpp cluster remove ${peer(CB3)}`, "xmpp cluster status", ...READS],
      cb2: [...PLANNED, ...READS],
      cb3: [...READS, "xmpp disable", "xmpp cluster disable", "xmpp reset"],
    });
    expect(result.plan.phases.map((p) => p.name)).toEqual(["leave"]);
  });

  it("fails on a FAILURE that no SUCCESS line follows", async () => {
    const lab = converged();
    const output = "FAILURE: cannot leave (SUCCESS needs a majority)";
    lab.node("cb3").rules.push({ match: "xmpp cluster disable", output });
    expect((await rejection(applyCluster(leaving(lab)))).message).toEqual(
      `[cb3] \`xmpp cluster disable\`: ${output}\n  output:\n    ${output}`,
    );
  });

  it("is planned without facts when it is unreachable: its entry is removed on a member", async () => {
    const lab = converged();
    lab.node("cb3").state.down = "ECONNREFUSED";
    const lines: string[] = [];
    const result = await applyCluster({ ...leaving(lab), progress: (line) => lines.push(line) });
    expect(result.executed).toEqual({
      cb1: [...PLANNED, "xmpp cluster status", `xmpp cluster remove ${peer(CB3)}`, "xmpp cluster status", ...READS],
      cb2: [...PLANNED, ...READS],
    });
    expect(result.plan.notices).toEqual([
      "cb3 was not reset: it was unreachable (its peer entry was removed on a member)",
    ]);
    expect(untimed(lines)).toEqual([
      `[cb3] unreachable: connect ${CB3}:22: ECONNREFUSED`,
      "[cb1] read: 4 commands (T)",
      "[cb2] read: 4 commands (T)",
      `[cb1] 1/1 xmpp cluster remove ${peer(CB3)} (T)`,
      "[cb1] read: 4 commands (T)",
      "[cb2] read: 4 commands (T)",
    ]);
  });
});

describe("applyCluster: phases", () => {
  it("runs a parallel phase's units to their end and throws the first unit's error", async () => {
    const lab = fresh();
    lab.node("cb2").rules.push({ match: "xmpp callbridge add-secret cb3", fail: "database unavailable" });
    lab.node("cb3").rules.push({ match: "xmpp callbridge add-secret cb1", fail: "disk full" });
    const error = await rejection(applyCluster(operation(lab)));
    expect([error instanceof MmpError, error.message]).toEqual([
      true,
      "[cb2] `xmpp callbridge add-secret cb3`: database unavailable",
    ]);
    expect(lab.node("cb2").commands).toEqual([...PLANNED, ...ADD_SECRETS]);
    expect(lab.node("cb3").commands).toEqual([...PLANNED, "xmpp callbridge add-secret cb1"]);
  });

  it("runs the other units of a parallel phase although one failed", async () => {
    const lab = fresh();
    lab.node("cb2").rules.push({ match: "xmpp callbridge add-secret cb1", fail: "database unavailable" });
    expect((await rejection(applyCluster(operation(lab)))).message).toEqual(
      "[cb2] `xmpp callbridge add-secret cb1`: database unavailable",
    );
    expect(lab.node("cb2").commands).toEqual([...PLANNED, "xmpp callbridge add-secret cb1"]);
    expect(lab.node("cb3").commands).toEqual([...PLANNED, ...ADD_SECRETS]);
  });

  /** cb1 runs the cluster alone; cb2 and cb3 hold its secrets and only need to join. */
  const twoJoiners = () =>
    labOf(
      member(CB1, [CB1]),
      { ...prepared(CB2), bridges: seedBridges() },
      { ...prepared(CB3), bridges: seedBridges() },
    );
  const activation = (node: string) => [...JOIN, "xmpp cluster status"].map((command) => `${node}: ${command}`);

  it.each([undefined, true])("activates one node at a time (serializeActivation %s)", async (serializeActivation) => {
    const lab = twoJoiners();
    await applyCluster(operation(lab, { serializeActivation }));
    // The log: 12 fact reads and 9 prerequisite reads before, the activations, 12 reads after.
    expect(lab.log.length).toEqual(45);
    expect(lab.log.slice(21, 33)).toEqual([...activation("cb2"), ...activation("cb3")]);
  });

  const UNCHANGING = new Set<string>([...PLANNED, "xmpp cluster status"]);
  /** The nodes of the mutating commands in the log, each run of one node's commands folded into one entry. */
  const nodeRuns = (log: string[]) =>
    log
      .filter((e) => !UNCHANGING.has(e.slice(e.indexOf(": ") + 2)))
      .map((e) => e.slice(0, e.indexOf(":")))
      .filter((node, i, all) => i === 0 || all[i - 1] !== node);

  it("runs every phase one node at a time with oneNodeAtATime, whatever serializeActivation says", async () => {
    const lab = fresh();
    await applyCluster(operation(lab, { oneNodeAtATime: true, serializeActivation: false }));
    // The initializer's sequence, then cb2's settings and secrets, cb3's, then the activations in the same order.
    expect(nodeRuns(lab.log)).toEqual(["cb1", "cb2", "cb3", "cb2", "cb3"]);
    const parallel = fresh();
    await applyCluster(operation(parallel, { serializeActivation: false }));
    for (const node of ["cb1", "cb2", "cb3"]) expect(lab.node(node).commands).toEqual(parallel.node(node).commands);
    expect(nodeRuns(parallel.log).length).toBeGreaterThan(5);
  });

  /** The node of every logged command, each run of one node's commands folded into one entry. */
  const allRuns = (log: string[]) =>
    log.map((e) => e.slice(0, e.indexOf(":"))).filter((node, i, all) => i === 0 || all[i - 1] !== node);

  it("reads the nodes one at a time too with oneNodeAtATime: facts, prerequisites, steps, the result", async () => {
    const lab = fresh();
    await applyCluster(operation(lab, { oneNodeAtATime: true }));
    const reads = ["cb1", "cb2", "cb3"];
    expect(allRuns(lab.log)).toEqual([...reads, ...reads, "cb1", "cb2", "cb3", "cb2", "cb3", ...reads]);
    const parallel = fresh();
    await applyCluster(operation(parallel));
    expect(allRuns(parallel.log).slice(0, 6)).toEqual(reads.concat(reads));
    expect(allRuns(parallel.log).length).toBeGreaterThan(30);
  });

  it("activates the nodes at once with serializeActivation false", async () => {
    const lab = twoJoiners();
    await applyCluster(operation(lab, { serializeActivation: false }));
    const activations = lab.log.slice(21, 33);
    expect(activations.slice(0, 2)).toEqual(["cb2: xmpp disable", "cb3: xmpp disable"]);
    for (const node of ["cb2", "cb3"]) {
      expect(activations.filter((e) => e.startsWith(`${node}: `))).toEqual(activation(node));
    }
  });
});

describe("applyCluster: unreachable nodes", () => {
  it("refuses to change anything while a desired node is unreachable", async () => {
    const lab = fresh();
    lab.node("cb3").state.down = "ECONNREFUSED";
    expect((await rejection(applyCluster(operation(lab)))).message).toEqual(
      `[cb3] gather facts: cannot be reached over SSH (cb3: connect ${CB3}:22: ECONNREFUSED); nothing was changed on any node\n  next: bring it back and run \`pulumi up\` again, or remove or replace it in \`nodes\` (a node that is gone has its peer entry removed on a live member)`,
    );
    expect(["cb1", "cb2", "cb3"].map((n) => lab.node(n).commands)).toEqual([READS, READS, []]);
  });

  it("fails when a node is down while the result is read", async () => {
    const lab = converged();
    lab.node("cb3").rules.push({
      match: "xmpp callbridge add-secret cb4",
      after: (s) => {
        s.down = "connection reset";
      },
    });
    const op = operation(lab, { intent: labIntent({ callBridges: ["cb1", "cb2", "cb3", "cb4"] }) });
    expect((await rejection(applyCluster(op))).message).toEqual(
      "[cb3] read the result: `version`: connection reset\n  next: run `pulumi up` again",
    );
    expect(lab.node("cb1").commands).toEqual([...PLANNED, "xmpp callbridge add cb4", "xmpp callbridge list", ...READS]);
    expect(lab.node("cb3").commands).toEqual([...PLANNED, "xmpp callbridge add-secret cb4", "version"]);
    expect(lab.node("cb2").state.bridges).toEqual([...seedBridges(), { name: "cb4", secret: `${CB1}-made-cb4` }]);
  });
});

describe("assertReachable", () => {
  const plan = (unreachable: Record<string, string>) => ({
    founder: "cb1",
    initialize: false,
    secretSources: {},
    phases: [],
    unreachable,
    notices: [],
  });

  it("passes when every desired node was read", () => {
    expect(assertReachable(plan({}))).toBeUndefined();
  });

  it("names every unreachable node and its reason", () => {
    expect(() => assertReachable(plan({ cb2: "timed out", cb3: "refused" }))).toThrow(
      new MmpError(
        "cb2, cb3",
        "gather facts",
        "cannot be reached over SSH (cb2: timed out; cb3: refused); nothing was changed on any node",
        "bring them back and run `pulumi up` again, or remove or replace them in `nodes` (a node that is gone has its peer entry removed on a live member)",
      ),
    );
  });
});

describe("withPlannedCluster", () => {
  /** cb3 was stopped by hand and lists no peers while stopped. */
  const stoppedCb3 = () =>
    labOf(member(CB1), member(CB2), {
      ...member(CB3),
      enabled: false,
      state: "DISABLED",
      peers: [],
      leader: undefined,
    });

  it.each([
    [["cb3"], ["xmpp enable", `xmpp cluster join ${CB1}  (unless it rejoins by itself)`]],
    [
      [],
      ["xmpp disable", "xmpp cluster enable", "xmpp enable", `xmpp cluster join ${CB1}  (unless it rejoins by itself)`],
    ],
  ])("plans with the remembered members %j", async (rememberedMembers, planned) => {
    const lab = stoppedCb3();
    const out = await withPlannedCluster(operation(lab, { rememberedMembers }), async (_, { plan, facts }) => [
      describePlan(plan).cb3,
      Object.keys(facts),
    ]);
    expect(out).toEqual([planned, ["cb1", "cb2", "cb3"]]);
    expect(["cb1", "cb2", "cb3"].map((n) => lab.node(n).alive)).toEqual([false, false, false]);
  });

  it("gives the plan the reason a desired node is unreachable, and its facts to no one", async () => {
    const lab = fresh();
    lab.node("cb2").state.down = "EHOSTUNREACH";
    const out = await withPlannedCluster(operation(lab), async (_, { plan, facts }) => [
      plan.unreachable,
      Object.keys(facts),
    ]);
    expect(out).toEqual([{ cb2: `connect ${CB2}:22: EHOSTUNREACH` }, ["cb1", "cb3"]]);
  });

  it("closes the sessions when the function throws", async () => {
    const lab = fresh();
    const error = await rejection(
      withPlannedCluster(operation(lab), async () => {
        throw new Error("stop");
      }),
    );
    expect(error.message).toEqual("stop");
    expect(["cb1", "cb2", "cb3"].map((n) => lab.node(n).alive)).toEqual([false, false, false]);
  });
});

describe("waitUntilClustered", () => {
  const timedOut = (seconds: number) =>
    `[cb1] wait for the node to join the cluster: no leader after ${seconds} s; last status:\n` +
    "    State: DISABLED\n    List of peers\n    Key file : none\n    Certificate file : none\n    Trust bundle : none\n" +
    "  next: check that a majority of the XMPP nodes is up and that the cluster trust bundle holds every node's certificate";
  const single = async (state: NodeState) => {
    const lab = new ScriptedLab({ cb1: state });
    return { node: lab.node("cb1"), session: await lab.connect(TARGETS[0]) };
  };

  it("returns at the first read that shows the node LEADER with a leader", async () => {
    const { node, session } = await single(member(CB1, [CB1]));
    await waitUntilClustered(session, 0);
    expect(node.commands).toEqual(["xmpp cluster status"]);
  });

  it("polls while the node is a candidate or a follower without a leader", async () => {
    vi.useFakeTimers();
    const { node, session } = await single({ ...member(CB2), state: "CANDIDATE" });
    const changes = [
      (s: NodeState) => Object.assign(s, { state: "FOLLOWER", leader: undefined }),
      (s: NodeState) => Object.assign(s, { leader: peer(CB1) }),
    ];
    node.rules.push({ match: "xmpp cluster status", after: (s) => changes.shift()?.(s) });
    const waiting = waitUntilClustered(session, 1000);
    await vi.advanceTimersByTimeAsync(500);
    await waiting;
    expect(node.commands).toEqual(["xmpp cluster status", "xmpp cluster status", "xmpp cluster status"]);
  });

  it("fails with the last status once the time is up", async () => {
    vi.useFakeTimers();
    const { node, session } = await single(blankState(CB1));
    const waiting = rejection(waitUntilClustered(session, 0));
    await vi.advanceTimersByTimeAsync(250);
    expect((await waiting).message).toEqual(timedOut(0));
    expect(node.commands).toEqual(["xmpp cluster status", "xmpp cluster status"]);
  });

  it("polls every 250 ms until the deadline is passed, and names the timeout in whole seconds", async () => {
    vi.useFakeTimers();
    const { node, session } = await single(blankState(CB1));
    const waiting = rejection(waitUntilClustered(session, 1500));
    await vi.advanceTimersByTimeAsync(1750);
    expect((await waiting).message).toEqual(timedOut(2));
    expect(node.commands).toEqual(Array(8).fill("xmpp cluster status"));
  });
});

describe("verifyClusterOutcome", () => {
  it("reads the nodes one at a time with oneNodeAtATime, all at once without", async () => {
    const look = async (oneNodeAtATime: boolean) => {
      const lab = converged();
      const { findings } = await verifyClusterOutcome({
        expected: { nodes: LAB, callBridges: Object.keys(SECRETS) },
        targets: TARGETS,
        bridges: [],
        timeoutMs: 0,
        connect: lab.connect,
        oneNodeAtATime,
      });
      expect(findings).toEqual([]);
      return lab.log;
    };
    const reads = (node: string) => READS.map((c) => `${node}: ${c}`);
    expect(await look(true)).toEqual([...reads("cb1"), ...reads("cb2"), ...reads("cb3")]);
    expect((await look(false)).slice(0, 3)).toEqual(["cb1: version", "cb2: version", "cb3: version"]);
  });
});

describe("teardownCluster", () => {
  const nodes = LAB.map((n, i) => ({ ...n, target: TARGETS[i] }));
  const leave = ["xmpp disable", "xmpp cluster disable", "xmpp reset"];
  const removal = (host: string) => ["xmpp cluster status", `xmpp cluster remove ${peer(host)}`, "xmpp cluster status"];

  it("reads the nodes one at a time before the leaves with oneNodeAtATime", async () => {
    const lab = converged();
    const parallel = converged();
    await teardownCluster(nodes, "cb1", { connect: lab.connect, oneNodeAtATime: true });
    await teardownCluster(nodes, "cb1", { connect: parallel.connect });
    const reads = (node: string) => READS.map((c) => `${node}: ${c}`);
    expect(lab.log.slice(0, 12)).toEqual([...reads("cb1"), ...reads("cb2"), ...reads("cb3")]);
    expect(lab.log.slice(12)).toEqual(parallel.log.slice(12));
    expect(parallel.log.slice(0, 3)).toEqual(["cb1: version", "cb2: version", "cb3: version"]);
  });

  it("lets the others leave one at a time, each entry removed on the initializer, which leaves last", async () => {
    const lab = converged();
    const executed = await teardownCluster(nodes, "cb1", { connect: lab.connect });
    expect(executed).toEqual({
      cb1: [...READS, ...removal(CB2), ...removal(CB3), ...leave],
      cb2: [...READS, ...leave],
      cb3: [...READS, ...leave],
    });
    const on = (node: string, commands: string[]) => commands.map((c) => `${node}: ${c}`);
    expect(lab.log.slice(12)).toEqual([
      ...on("cb2", leave.slice(0, 2)),
      ...on("cb1", removal(CB2)),
      ...on("cb2", ["xmpp reset"]),
      ...on("cb3", leave.slice(0, 2)),
      ...on("cb1", removal(CB3)),
      ...on("cb3", ["xmpp reset"]),
      ...on("cb1", leave),
    ]);
  });

  it("skips an unreachable node", async () => {
    const lab = converged();
    lab.node("cb2").state.down = "ECONNREFUSED";
    const lines: string[] = [];
    const executed = await teardownCluster(nodes, "cb1", {
      progress: (line) => lines.push(line),
      connect: lab.connect,
    });
    expect(executed).toEqual({ cb1: [...READS, ...removal(CB3), ...leave], cb3: [...READS, ...leave] });
    expect(untimed(lines)).toEqual([
      `[cb2] unreachable: connect ${CB2}:22: ECONNREFUSED`,
      "[cb1] read: 4 commands (T)",
      "[cb3] read: 4 commands (T)",
      "[cb3] 1/3 xmpp disable (T)",
      "[cb3] 2/3 xmpp cluster disable (T)",
      `[cb1] 1/4 xmpp cluster remove ${peer(CB3)} (T)`,
      "[cb3] 3/3 xmpp reset (T)",
      "[cb1] 2/4 xmpp disable (T)",
      "[cb1] 3/4 xmpp cluster disable (T)",
      "[cb1] 4/4 xmpp reset (T)",
    ]);
  });

  it("ignores a member cleanup that fails on the node", async () => {
    const lab = converged();
    lab.node("cb1").rules.push({ match: `xmpp cluster remove ${peer(CB2)}`, fail: "peer not known" });
    const lines: string[] = [];
    const executed = await teardownCluster(nodes, "cb1", {
      progress: (line) => lines.push(line),
      connect: lab.connect,
    });
    expect(executed.cb1).toEqual([...READS, ...removal(CB2).slice(0, 2), ...removal(CB3), ...leave]);
    expect(untimed(lines.filter((l) => l.startsWith("[cb1] ")))).toEqual([
      "[cb1] read: 4 commands (T)",
      `[cb1] 1/5 xmpp cluster remove ${peer(CB2)} FAILED after T`,
      `[cb1] 2/5 xmpp cluster remove ${peer(CB3)} (T)`,
      "[cb1] 3/5 xmpp disable (T)",
      "[cb1] 4/5 xmpp cluster disable (T)",
      "[cb1] 5/5 xmpp reset (T)",
    ]);
  });

  it("stops on a member cleanup that fails for another reason than the node's answer", async () => {
    const lab = converged();
    const bug = new TypeError("not an MMP failure");
    lab.node("cb1").rules.push({ match: `xmpp cluster remove ${peer(CB2)}`, fail: bug });
    expect(await rejection(teardownCluster(nodes, "cb1", { connect: lab.connect }))).toBe(bug);
    expect(["cb1", "cb2", "cb3"].map((n) => lab.node(n).commands)).toEqual([
      [...READS, ...removal(CB2).slice(0, 2)],
      [...READS, ...leave.slice(0, 2)],
      READS,
    ]);
    expect(["cb1", "cb2", "cb3"].map((n) => lab.node(n).alive)).toEqual([false, false, false]);
  });
});

describe("applyCluster: prerequisites", () => {
  const DB_OFF = "Status : Disabled\nLast command : none";

  it("stops the first build, before any change, on a node whose database cluster is disabled", async () => {
    const lab = fresh();
    lab.node("cb2").rules.push({ match: "database cluster status", output: DB_OFF });
    const error = await rejection(applyCluster(operation(lab)));
    expect(error.message).toBe(
      "[cb2] preflight: cb2 database cluster: `database cluster status` says the database cluster is not enabled; the TechNote clusters the database first; nothing was changed on any node\n" +
        "  next: set up the database cluster on every node (Cisco doc 210530), then run `pulumi up` again",
    );
    for (const n of ["cb1", "cb2", "cb3"]) expect(lab.node(n).commands, n).toEqual(PLANNED);
  });

  it("reports it on a running cluster, and goes on", async () => {
    const lab = resetCb3();
    lab.node("cb1").rules.push({ match: "database cluster status", output: DB_OFF });
    const lines: string[] = [];
    await applyCluster(operation(lab, { progress: (line) => lines.push(line) }));
    expect(lines.filter((l) => l.includes("preflight"))).toEqual([
      "[cb1] preflight database cluster: warning: `database cluster status` says the database cluster is not enabled; the TechNote clusters the database first; next: set up the database cluster on every node (Cisco doc 210530), then run `pulumi up` again",
    ]);
    expect(lab.node("cb3").state.state).toBe("FOLLOWER");
  });

  it("only warns when a node refuses a prerequisite command, and builds the cluster", async () => {
    const lab = fresh();
    lab.node("cb3").rules.push({ match: "callbridge", fail: "Unknown command: callbridge" });
    const lines: string[] = [];
    await applyCluster(operation(lab, { progress: (line) => lines.push(line) }));
    expect(lines.filter((l) => l.includes("preflight"))).toEqual([
      "[cb3] preflight call bridge: warning: `callbridge` printed no Listening interfaces line this tool can read; next: check by hand: configure the Call Bridge (`callbridge listen a`, `callbridge certs <key> <cert>`, `callbridge restart`), then run `pulumi up` again",
    ]);
    expect(["cb1", "cb2", "cb3"].map((n) => lab.node(n).state.state)).toEqual(["LEADER", "FOLLOWER", "FOLLOWER"]);
  });

  it("stops on a node that goes down while its prerequisites are read", async () => {
    const lab = fresh();
    lab.node("cb2").rules.push({ match: "user list", down: "connection reset" });
    const error = await rejection(applyCluster(operation(lab)));
    expect(error.message).toBe("[cb2] `user list`: connection reset");
    expect(lab.node("cb1").commands).toEqual(PLANNED);
  });

  it("reads no prerequisite on a converged cluster", async () => {
    const lab = converged();
    await applyCluster(operation(lab));
    for (const n of ["cb1", "cb2", "cb3"]) expect(lab.node(n).commands, n).toEqual(READS);
  });
});

describe("ownership markers", () => {
  const ME = "organization/cms/prod";
  const OTHER = "organization/cms/lab";
  const marker = (stack: string) => `{"stack":"${stack}","since":"2026-12-01T10:00:00.000Z"}\n`;
  const held = (lab: ScriptedLab) =>
    ["cb1", "cb2", "cb3"].map((n) => {
      const text = lab.node(n).files.get(OWNER_FILE);
      if (text === undefined) return "";
      return text.startsWith("{") ? (JSON.parse(text) as { stack: string }).stack : text;
    });

  it("claims every node for the stack before the first step", async () => {
    const lab = fresh();
    await applyCluster(operation(lab, { ownership: { stack: ME, takeOver: false } }));
    expect(held(lab)).toEqual([ME, ME, ME]);
  });

  it("refuses nodes another stack holds, naming them and the way out, and changes nothing", async () => {
    const lab = fresh();
    lab.node("cb2").files.set(OWNER_FILE, marker(OTHER));
    lab.node("cb3").files.set(OWNER_FILE, "garbage");
    const error = await rejection(applyCluster(operation(lab, { ownership: { stack: ME, takeOver: false } })));
    expect(error.message).toBe(
      `[cb2, cb3] check ownership: cb2 is managed by stack "${OTHER}" (since 2026-12-01T10:00:00.000Z); cb3 holds a ${OWNER_FILE} file this tool cannot read; nothing was changed on any node\n` +
        `  next: run \`pulumi destroy\` on stack "${OTHER}" to release them, or set \`takeOwnership: true\` in this stack's cluster config to take them over (${OWNER_FILE} in the node's SFTP root)`,
    );
    for (const n of ["cb1", "cb2", "cb3"]) expect(lab.node(n).commands, n).toEqual(READS);
    expect(held(lab)).toEqual(["", OTHER, "garbage"]);
  });

  it("takes them over when told to", async () => {
    const lab = fresh();
    lab.node("cb2").files.set(OWNER_FILE, marker(OTHER));
    await applyCluster(operation(lab, { ownership: { stack: ME, takeOver: true } }));
    expect(held(lab)).toEqual([ME, ME, ME]);
  });

  it("releases a node that leaves the stack", async () => {
    const lab = labOf(member(CB1), member(CB2), member(CB3));
    for (const n of ["cb1", "cb2", "cb3"]) lab.node(n).files.set(OWNER_FILE, marker(ME));
    const leaver = LAB[2];
    await applyCluster(
      operation(lab, {
        intent: { ...labIntent(), nodes: labIntent().nodes.slice(0, 2) },
        targets: TARGETS.slice(0, 2),
        leavers: [{ name: "cb3", xmppAddress: leaver.xmppAddress, target: TARGETS[2] }],
        ownership: { stack: ME, takeOver: false },
      }),
    );
    expect(held(lab)).toEqual([ME, ME, ""]);
  });

  it("a destroy of a stack from before owner markers reads no marker: no SFTP listing on any node", async () => {
    const lab = converged();
    lab.node("cb2").files.set(OWNER_FILE, marker(OTHER));
    const nodes = LAB.map((n, i) => ({ name: n.name, xmppAddress: n.xmppAddress, target: TARGETS[i] }));
    await teardownCluster(nodes, "cb1", { connect: lab.connect });
    expect(["cb1", "cb2", "cb3"].map((n) => lab.node(n).listings)).toEqual([0, 0, 0]);
    expect(lab.node("cb2").files.get(OWNER_FILE)).toBe(marker(OTHER));
  });

  it("on destroy releases its nodes and leaves a node another stack took over as it is", async () => {
    const lab = converged();
    for (const n of ["cb1", "cb3"]) lab.node(n).files.set(OWNER_FILE, marker(ME));
    lab.node("cb2").files.set(OWNER_FILE, marker(OTHER));
    const lines: string[] = [];
    const nodes = LAB.map((n, i) => ({ name: n.name, xmppAddress: n.xmppAddress, target: TARGETS[i] }));
    const executed = await teardownCluster(nodes, "cb1", {
      progress: (l) => lines.push(l),
      connect: lab.connect,
      owner: ME,
    });
    expect(held(lab)).toEqual(["", OTHER, ""]);
    expect(lines[0]).toBe(`[cb2] not reset: cb2 is managed by stack "${OTHER}" (since 2026-12-01T10:00:00.000Z)`);
    expect(executed.cb2).toEqual([]);
    expect(lab.node("cb2").state.state).toBe("FOLLOWER");
  });

  it("with retainOnDelete only releases its markers", async () => {
    const lab = converged();
    for (const n of ["cb1", "cb2"]) lab.node(n).files.set(OWNER_FILE, marker(ME));
    lab.node("cb3").files.set(OWNER_FILE, marker(OTHER));
    await releaseOwnership(TARGETS, ME, lab.connect);
    expect(held(lab)).toEqual(["", "", OTHER]);
    for (const n of ["cb1", "cb2", "cb3"]) expect(lab.node(n).commands, n).toEqual([]);
  });
});

describe("preview reads of prerequisites and owners", () => {
  it("skip a desired node that is unreachable, so preview still shows the others", async () => {
    const lab = fresh();
    lab.node("cb3").state.down = "connection refused";
    const op = operation(lab, { ownership: { stack: "organization/cms/prod", takeOver: false } });
    const result = await withPlannedCluster(op, async (sessions, { plan }) => ({
      owners: (await checkOwnership(op, sessions, plan)).owners,
      findings: await checkPrerequisites(op, sessions, plan),
    }));
    expect(result).toEqual({ owners: { cb1: { kind: "none" }, cb2: { kind: "none" } }, findings: [] });
    expect(["cb1", "cb2", "cb3"].map((n) => lab.node(n).commands)).toEqual([PLANNED, PLANNED, []]);
  });

  it("release no marker on a leaver that cannot be reached", async () => {
    const lab = labOf(member(CB1), member(CB2), member(CB3));
    lab.node("cb3").state.down = "connection refused";
    await applyCluster(
      operation(lab, {
        intent: { ...labIntent(), nodes: labIntent().nodes.slice(0, 2) },
        targets: TARGETS.slice(0, 2),
        leavers: [{ name: "cb3", xmppAddress: LAB[2].xmppAddress, target: TARGETS[2] }],
        ownership: { stack: "organization/cms/prod", takeOver: false },
      }),
    );
    expect(["cb1", "cb2"].map((n) => lab.node(n).files.has(OWNER_FILE))).toEqual([true, true]);
  });
});

describe("applyCluster after its check, over shared connections", () => {
  const stopped = (): NodeState => ({ ...member(CB3), enabled: false, state: "DISABLED" });
  const sharedLab = () =>
    new ScriptedLab({ cb1: member(CB1), cb2: member(CB2), cb3: stopped() }, { sharedConnections: true });
  const reusing = (lab: ScriptedLab) => operation(lab, { reuseReadsWithinMs: 60_000 });
  const START = ["xmpp enable", `xmpp cluster join ${CB1}  (unless it rejoins by itself)`];

  /** What the provider's check reads: the facts and, as the plan changes something, the prerequisites. */
  async function check(op: ClusterOperation) {
    return withPlannedCluster(op, async (sessions, { plan }) => {
      await checkPrerequisites(op, sessions, plan);
      return describePlan(plan);
    });
  }

  /** Each node's commands in the log from `from` on. */
  const sent = (lab: ScriptedLab, from: number) => {
    const out: Record<string, string[]> = { cb1: [], cb2: [], cb3: [] };
    for (const line of lab.log.slice(from)) {
      const [node, command] = line.split(": ");
      out[node].push(command);
    }
    return out;
  };

  it("reads again only what its steps act on; the other facts and the prerequisites are the check's", async () => {
    const lab = sharedLab();
    const op = reusing(lab);
    expect(await check(op)).toEqual({ cb3: START });
    const before = lab.log.length;
    const lines: string[] = [];
    await applyCluster({ ...op, progress: (line) => lines.push(line) });
    expect(sent(lab, before)).toEqual({
      cb1: ["xmpp", "xmpp cluster status", ...READS],
      cb2: [...READS],
      cb3: ["xmpp", "xmpp cluster status", "xmpp enable", "xmpp cluster status", "xmpp cluster status", ...READS],
    });
    expect(untimed(lines)).toEqual([
      "[cb1] read: 0 commands, 4 remembered (T)",
      "[cb2] read: 0 commands, 4 remembered (T)",
      "[cb3] read: 0 commands, 4 remembered (T)",
      "[cb2] read: 0 commands, 4 remembered (T)",
      "[cb1] read: 2 commands, 2 remembered (T)",
      "[cb3] read: 2 commands, 2 remembered (T)",
      "[cb3] 1/2 xmpp enable (T)",
      `[cb3] 2/2 xmpp cluster join ${CB1} (already done, not run)`,
      "[cb3] in the cluster after T",
      "[cb1] read: 4 commands (T)",
      "[cb2] read: 4 commands (T)",
      "[cb3] read: 4 commands (T)",
    ]);
    expect(lab.node("cb3").state.enabled).toBe(true);
  });

  it("runs nothing when what its steps act on was put right by hand after the check", async () => {
    const lab = sharedLab();
    const op = reusing(lab);
    expect(await check(op)).toEqual({ cb3: START });
    Object.assign(lab.node("cb3").state, { enabled: true, state: "FOLLOWER" });
    const before = lab.log.length;
    const result = await applyCluster(op);
    expect(result.plan.phases).toEqual([]);
    expect(sent(lab, before)).toEqual({
      cb1: ["xmpp", "xmpp cluster status"],
      cb2: [],
      cb3: ["xmpp", "xmpp cluster status"],
    });
  });

  it("runs the plan made from what changed by hand after the check, reading what its new steps act on", async () => {
    const lab = sharedLab();
    const op = reusing(lab);
    expect(await check(op)).toEqual({ cb3: START });
    // cb3 was reset by hand meanwhile: its stale entry must go from a member, and it must be joined, not only started.
    Object.assign(lab.node("cb3").state, { ...prepared(CB3), bridges: seedBridges() });
    const before = lab.log.length;
    const result = await applyCluster(op);
    expect(describePlan(result.plan)).toEqual({
      cb1: [`xmpp cluster remove ${peer(CB3)}  (drops the entry of cb3, while it is listed)`],
      cb3: ["xmpp disable", "xmpp cluster enable", ...START],
    });
    expect(sent(lab, before).cb1.slice(0, 2)).toEqual(["xmpp", "xmpp cluster status"]);
    expect(lab.node("cb3").state.state).toBe("FOLLOWER");
    expect(lab.node("cb1").state.peers).toEqual([CB1, CB2].map(peer));
  });

  it("reads again, round after round, what the steps of each new plan act on", async () => {
    const lab = sharedLab();
    const op = reusing(lab);
    expect(await check(op)).toEqual({ cb3: START });
    // The founder cb3 was to join was stopped by hand meanwhile: the node still running becomes the one to join.
    Object.assign(lab.node("cb1").state, { enabled: false, state: "DISABLED" });
    const before = lab.log.length;
    const result = await applyCluster(op);
    expect(result.plan.founder).toBe("cb2");
    expect(sent(lab, before).cb2.slice(0, 2)).toEqual(["xmpp", "xmpp cluster status"]);
    expect(lab.log.slice(before, before + 6).sort()).toEqual(
      ["cb1", "cb2", "cb3"].flatMap((n) => [`${n}: xmpp`, `${n}: xmpp cluster status`]),
    );
  });

  it("reads everything again when it is not given the check's reads", async () => {
    const lab = sharedLab();
    const op = operation(lab);
    await check(op);
    const before = lab.log.length;
    await applyCluster(op);
    expect(sent(lab, before).cb2).toEqual([...PLANNED, ...READS]);
  });
});
