import { MmpError } from "../clients/mmp/errors";
import type { MmpSession, MmpTarget } from "../clients/mmp/session";
import { factsToReread } from "../core/fact-dependencies";
import type { FactKey, NodeFacts } from "../core/facts";
import { conflictDetail, ownershipConflicts } from "../core/ownership";
import { parseCallBridgeList } from "../core/parsers/callbridge-list";
import { parseClusterStatus } from "../core/parsers/cluster-status";
import { type ClusterIntent, type ClusterPlan, type Phase, planCluster, planTeardown, type Unit } from "../core/plan";
import { renderStep, type Step } from "../core/steps";
import { claimNodes, type Ownership, ownershipError, readOwners, releaseNodes } from "./ownership";
import { type NodeClock, preflight, preflightError } from "./preflight";
import { type Progress, StepProgress } from "./progress";
import { type Connect, NodeSessions } from "./sessions";

export interface Leaver {
  name: string;
  xmppAddress: string;
  target: MmpTarget;
}

export interface ClusterOperation {
  intent: ClusterIntent;
  /** One per node of the intent, in any order; the leavers' targets are theirs. */
  targets: MmpTarget[];
  leavers: Leaver[];
  /** Nodes that were members at the last apply (stack state). */
  rememberedMembers?: string[];
  /** How long a node may take to report LEADER/FOLLOWER after it is (re)activated. */
  settleTimeoutMs: number;
  /** Activate (restart, initialize, join) one node at a time. Turning this off is only for measurements. */
  serializeActivation?: boolean;
  /**
   * One node at a time, as an admin would work by hand: every phase one unit at a time, and every read of the nodes
   * (facts, prerequisites, owner markers) one node after another.
   */
  oneNodeAtATime?: boolean;
  /** Told each node's reads and each step as it completes. */
  progress?: Progress;
  connect?: Connect;
  /** Per node, how to read its clock for the preflight (nodes without a CMS API in the stack are not checked). */
  clocks?: Record<string, NodeClock>;
  /** The stack that runs this operation: checked against, and written to, each node's owner marker. */
  ownership?: Ownership;
  /**
   * Facts and prerequisites this operation read at most this long ago on the same connection, with nothing changed
   * on it since, are taken as they are instead of read again (the check's reads, in the update that follows it).
   * Absent: everything is read.
   */
  reuseReadsWithinMs?: number;
}

export interface ClusterApplyResult {
  plan: ClusterPlan;
  secrets: Record<string, string>;
  facts: Record<string, NodeFacts>;
  executed: Record<string, string[]>;
}

export interface Planned {
  plan: ClusterPlan;
  facts: Record<string, NodeFacts>;
  /** Per node, the facts taken from what the operation read earlier rather than read now. */
  recalled: Record<string, FactKey[]>;
}

async function gatherAndPlan(
  op: ClusterOperation,
  sessions: NodeSessions,
  reread?: Record<string, FactKey[]>,
): Promise<Planned> {
  const desired = op.intent.nodes.map((n) => n.name);
  const reuse = op.reuseReadsWithinMs === undefined ? undefined : { withinMs: op.reuseReadsWithinMs, reread };
  const gathered = await sessions.facts([...desired, ...op.leavers.map((l) => l.name)], reuse);
  const facts: Record<string, NodeFacts> = {};
  const unreachable: Record<string, string> = {};
  const recalled: Record<string, FactKey[]> = {};
  for (const [node, g] of Object.entries(gathered)) if (g.reachable) recalled[node] = g.recalled;
  for (const node of desired) {
    const g = gathered[node];
    if (g.reachable) facts[node] = g.facts;
    else unreachable[node] = g.error;
  }
  const leavers = op.leavers.map((l) => {
    const g = gathered[l.name];
    return { name: l.name, xmppAddress: l.xmppAddress, facts: g.reachable ? g.facts : undefined };
  });
  const plan = planCluster(op.intent, facts, { leavers, rememberedMembers: op.rememberedMembers, unreachable });
  return { plan, facts, recalled };
}

/**
 * A plan made from what the check read a moment ago acts only on what is read again now, before the first change:
 * what its steps depend on is read again and the plan made anew, until a plan's steps depend on nothing remembered.
 */
async function rereadWhatStepsActOn(op: ClusterOperation, sessions: NodeSessions, planned: Planned): Promise<Planned> {
  // Read again in an earlier round: remembered from that round now, so as good as read.
  const readNow = new Set<string>();
  for (;;) {
    const remembered = Object.fromEntries(
      Object.entries(planned.recalled).map(([node, keys]) => [node, keys.filter((k) => !readNow.has(`${node} ${k}`))]),
    );
    const stale = factsToReread(planned.plan, remembered);
    if (Object.keys(stale).length === 0) return planned;
    for (const [node, keys] of Object.entries(stale)) for (const key of keys) readNow.add(`${node} ${key}`);
    planned = await gatherAndPlan(op, sessions, stale);
  }
}

/** Opens sessions, gathers facts and plans. Shared by preview (check), refresh (read) and apply. */
export async function withPlannedCluster<T>(
  op: ClusterOperation,
  fn: (sessions: NodeSessions, planned: Planned) => Promise<T>,
): Promise<T> {
  const sessions = await NodeSessions.open(
    [...op.targets, ...op.leavers.map((l) => l.target)],
    op.progress,
    op.connect,
    op.oneNodeAtATime === true,
  );
  try {
    return await fn(sessions, await gatherAndPlan(op, sessions));
  } finally {
    sessions.close();
  }
}

/** Refuses to change anything while a node that stays in the cluster cannot be read. */
export function assertReachable(plan: ClusterPlan): void {
  const nodes = Object.keys(plan.unreachable);
  if (nodes.length === 0) return;
  const reasons = nodes.map((n) => `${n}: ${plan.unreachable[n]}`).join("; ");
  throw new MmpError(
    nodes.join(", "),
    "gather facts",
    `cannot be reached over SSH (${reasons}); nothing was changed on any node`,
    `bring ${nodes.length > 1 ? "them" : "it"} back and run \`pulumi up\` again, or remove or replace ${nodes.length > 1 ? "them" : "it"} in \`nodes\` (a node that is gone has its peer entry removed on a live member)`,
  );
}

async function countEntries(session: MmpSession, peer: string): Promise<number> {
  const status = parseClusterStatus(await session.run("xmpp cluster status", { readOnly: true }));
  return status.peers.filter((p) => `${p.address}:${p.port}` === peer).length;
}

/**
 * Runs one step. Steps that depend on live state read it just before they act, and return false when that state
 * shows the step already done.
 */
async function runStep(session: MmpSession, step: Step, secrets: Record<string, string>): Promise<boolean> {
  const command = renderStep(step);
  switch (step.op) {
    case "addSecret": {
      const secret = secrets[step.bridge];
      if (!secret) {
        throw new MmpError(step.node, command, "no secret is known for this Call Bridge", "run `pulumi up` again");
      }
      await session.run(command, { secretAnswers: [secret, secret] });
      return true;
    }
    case "addBridge":
      await session.run(command, { sensitiveOutput: true });
      return true;
    case "clusterDisable":
      // A node that leaves while it cannot reach its peers still disables clustering locally (SUCCESS after a
      // FAILURE line); the member cleanup that follows drops its entry.
      await session.run(command, { acceptFailureWhen: /^SUCCESS\b/m });
      return true;
    case "join": {
      // A member whose membership survived rejoins by itself when XMPP starts; joining it again would fail.
      const status = parseClusterStatus(await session.run("xmpp cluster status", { readOnly: true }));
      if (status.peers.some((p) => p.address === step.founder)) return false;
      await session.run(command);
      return true;
    }
    case "removePeer": {
      // Whether one `xmpp cluster remove` drops every entry of a duplicated peer is not known, so repeat while
      // the entry is listed, at most once per entry seen.
      let left = await countEntries(session, step.peer);
      const listed = left > 0;
      for (let tries = left; left > 0 && tries > 0; tries--) {
        await session.run(command);
        left = await countEntries(session, step.peer);
      }
      if (left > 0) {
        throw new MmpError(
          step.node,
          command,
          `${step.peer} (${step.of}) is still listed ${left} time(s)`,
          `remove it by hand on ${step.node} (\`xmpp cluster remove ${step.peer}\`), then \`pulumi up\``,
        );
      }
      return listed;
    }
    default:
      await session.run(command);
      return true;
  }
}

async function readSecrets(session: MmpSession): Promise<Record<string, string>> {
  const entries = parseCallBridgeList(
    await session.run("xmpp callbridge list", { sensitiveOutput: true, readOnly: true }),
  );
  return Object.fromEntries(entries.filter((e) => e.secret).map((e) => [e.name, e.secret as string]));
}

function secretsOf(facts: NodeFacts): Record<string, string> {
  return Object.fromEntries(facts.callBridges.filter((b) => b.secret).map((b) => [b.name, b.secret as string]));
}

/** Polls `xmpp cluster status` until the node is a member of a cluster with a leader. */
export async function waitUntilClustered(session: MmpSession, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    last = await session.run("xmpp cluster status", { readOnly: true });
    const status = parseClusterStatus(last);
    if ((status.state === "LEADER" || status.state === "FOLLOWER") && status.leader) return;
    if (Date.now() > deadline) {
      throw new MmpError(
        session.node,
        "wait for the node to join the cluster",
        `no leader after ${Math.round(timeoutMs / 1000)} s; last status:\n    ${last.split("\n").join("\n    ")}`,
        "check that a majority of the XMPP nodes is up and that the cluster trust bundle holds every node's certificate",
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Executor {
  sessions: NodeSessions;
  secrets: Record<string, string>;
  settleTimeoutMs: number;
  progress: StepProgress;
}

async function runUnit(ex: Executor, unit: Unit): Promise<void> {
  for (const step of unit.steps) {
    try {
      await ex.progress.step(step, () => runStep(ex.sessions.get(step.node), step, ex.secrets));
    } catch (err) {
      if (!(step.bestEffort && err instanceof MmpError)) throw err;
    }
  }
  if (unit.settle) {
    const session = ex.sessions.get(unit.node);
    await ex.progress.settle(unit.node, () => waitUntilClustered(session, ex.settleTimeoutMs));
  }
}

async function runPhase(ex: Executor, phase: Phase, parallel: boolean): Promise<void> {
  if (!parallel) {
    for (const unit of phase.units) await runUnit(ex, unit);
    return;
  }
  const results = await Promise.allSettled(phase.units.map((unit) => runUnit(ex, unit)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** Runs a plan's phases in order: exactly the steps preview showed, in the order it showed them per node. */
async function runPlan(
  ex: Executor,
  plan: ClusterPlan,
  order: { serializeActivation: boolean; oneNodeAtATime: boolean },
): Promise<void> {
  for (const phase of plan.phases) {
    const parallel =
      !order.oneNodeAtATime && (phase.mode === "parallel" || (phase.name === "activate" && !order.serializeActivation));
    await runPhase(ex, phase, parallel);
    // The founder generated secrets in this run: the others are given what its list now holds.
    if (phase.name === "founder" && phase.units.some((u) => u.steps.some((s) => s.op === "addBridge"))) {
      Object.assign(ex.secrets, await readSecrets(ex.sessions.get(plan.founder)));
    }
  }
}

/** Another stack's marker on a desired node refuses the operation (unless it takes the nodes over). */
export async function checkOwnership(op: ClusterOperation, sessions: NodeSessions, plan: ClusterPlan) {
  if (!op.ownership) return { owners: {}, refusal: undefined };
  const nodes = op.intent.nodes.map((n) => n.name).filter((n) => !(n in plan.unreachable));
  const owners = await readOwners(sessions, nodes);
  return { owners, refusal: ownershipError(op.ownership, owners) };
}

/**
 * The TechNote's prerequisites on the desired nodes, read only when the plan changes something (a no-op reads
 * nothing more). Findings are printed; what stops the first build fails before any change.
 */
export async function checkPrerequisites(op: ClusterOperation, sessions: NodeSessions, plan: ClusterPlan) {
  if (plan.phases.length === 0) return [];
  const usernames = Object.fromEntries(
    op.targets.filter((t) => !(t.node in plan.unreachable)).map((t) => [t.node, t.username]),
  );
  return preflight(sessions, usernames, plan.initialize, op.progress ?? (() => {}), op.clocks, op.reuseReadsWithinMs);
}

/** Converges the cluster. Fails before any change when a desired node cannot be read or lacks a prerequisite. */
export async function applyCluster(op: ClusterOperation): Promise<ClusterApplyResult> {
  return withPlannedCluster(op, async (sessions, remembered) => {
    const { plan, facts } = await rereadWhatStepsActOn(op, sessions, remembered);
    assertReachable(plan);
    const { owners, refusal: foreign } = await checkOwnership(op, sessions, plan);
    if (foreign) throw foreign;
    const refusal = preflightError(await checkPrerequisites(op, sessions, plan));
    if (refusal) throw refusal;
    if (op.ownership) await claimNodes(sessions, op.ownership, owners);
    const secrets: Record<string, string> = {};
    for (const [bridge, source] of Object.entries(plan.secretSources)) {
      const secret = secretsOf(facts[source])[bridge];
      if (secret) secrets[bridge] = secret;
    }
    const progress = new StepProgress(plan.phases, op.progress ?? (() => {}));
    await runPlan({ sessions, secrets, settleTimeoutMs: op.settleTimeoutMs, progress }, plan, {
      serializeActivation: op.serializeActivation !== false,
      oneNodeAtATime: op.oneNodeAtATime === true,
    });
    const nodes = op.intent.nodes.map((n) => n.name);
    let after = facts;
    if (plan.phases.length > 0) {
      const gathered = await sessions.facts(nodes);
      after = {};
      for (const node of nodes) {
        const g = gathered[node];
        if (!g.reachable) throw new MmpError(node, "read the result", g.error, "run `pulumi up` again");
        after[node] = g.facts;
      }
    }
    // A node that left this stack is no longer its to hold.
    const left = op.leavers.map((l) => l.name).filter((n) => sessions.sessions.has(n));
    if (op.ownership) await releaseNodes(sessions, op.ownership.stack, left);
    return { plan, secrets: secretsOf(after[plan.founder]), facts: after, executed: sessions.commands() };
  });
}

export interface TeardownOptions {
  progress?: Progress;
  connect?: Connect;
  /** This stack: its marker is removed from each node reached, and a node another stack holds is not reset. */
  owner?: string;
  /** Read the nodes one at a time too (the leaves always are). */
  oneNodeAtATime?: boolean;
}

/** Tears the cluster down: the other nodes leave one at a time, the initializer last. Unreachable nodes are skipped. */
export async function teardownCluster(
  nodes: { name: string; xmppAddress: string; target: MmpTarget }[],
  initializer: string,
  { progress: report = () => {}, connect, owner, oneNodeAtATime = false }: TeardownOptions = {},
): Promise<Record<string, string[]>> {
  const sessions = await NodeSessions.open(
    nodes.map((n) => n.target),
    report,
    connect,
    oneNodeAtATime,
  );
  try {
    const kept = owner ? await heldByOthers(sessions, owner, report) : new Set<string>();
    const ours = nodes.filter((n) => !kept.has(n.name));
    const gathered = await sessions.facts(ours.map((n) => n.name));
    const phase = planTeardown(
      ours.map((n) => {
        const g = gathered[n.name];
        return { name: n.name, xmppAddress: n.xmppAddress, facts: g.reachable ? g.facts : undefined };
      }),
      initializer,
    );
    const progress = new StepProgress([phase], report);
    await runPhase({ sessions, secrets: {}, settleTimeoutMs: 0, progress }, phase, false);
    if (owner) await releaseNodes(sessions, owner, [...sessions.sessions.keys()]);
    return sessions.commands();
  } finally {
    sessions.close();
  }
}

/** Nodes another stack holds now (it took them over): a destroy of this stack must not reset them. */
async function heldByOthers(sessions: NodeSessions, owner: string, report: Progress): Promise<Set<string>> {
  const conflicts = ownershipConflicts(owner, await readOwners(sessions, [...sessions.sessions.keys()]));
  for (const c of conflicts) report(`[${c.node}] not reset: ${conflictDetail([c])}`);
  return new Set(conflicts.map((c) => c.node));
}

/** Removes the stack's owner marker from each node it reaches, changing nothing else (`retainOnDelete`). */
export async function releaseOwnership(targets: MmpTarget[], owner: string, connect?: Connect): Promise<void> {
  const sessions = await NodeSessions.open(targets, () => {}, connect);
  try {
    await releaseNodes(sessions, owner, [...sessions.sessions.keys()]);
  } finally {
    sessions.close();
  }
}
