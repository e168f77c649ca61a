import type { NodeFacts } from "../core/facts";
import { parseCallBridgeList } from "../core/parsers/callbridge-list";
import { parseClusterStatus } from "../core/parsers/cluster-status";
import {
  type ClusterIntent,
  type ClusterPlan,
  type NodePlan,
  planCluster,
  planTeardown,
  type Step,
} from "../core/plan";
import { MmpError } from "../mmp/errors";
import type { MmpSession, MmpTarget } from "../mmp/session";
import { NodeSessions } from "./sessions";

export interface Leaver {
  name: string;
  xmppAddress: string;
  target: MmpTarget;
}

export interface ClusterOperation {
  intent: ClusterIntent;
  targets: MmpTarget[];
  leavers: Leaver[];
  /** How long a node may take to report LEADER/FOLLOWER after it is (re)activated. */
  settleTimeoutMs: number;
  /** Activate (restart, initialize, join) one node at a time. Turning this off is only for measurements. */
  serializeActivation?: boolean;
}

export interface ClusterApplyResult {
  plan: ClusterPlan;
  secrets: Record<string, string>;
  facts: Record<string, NodeFacts>;
  executed: Record<string, string[]>;
}

function reachableFacts(gathered: Awaited<ReturnType<NodeSessions["facts"]>>, nodes: string[]) {
  const facts: Record<string, NodeFacts> = {};
  for (const node of nodes) {
    const g = gathered[node];
    if (!g.reachable) {
      throw new MmpError(
        node,
        "gather facts",
        g.error,
        "every node that stays in the cluster must be reachable over SSH",
      );
    }
    facts[node] = g.facts;
  }
  return facts;
}

/** Opens sessions, gathers facts and plans. Shared by preview (check) and apply. */
export async function withPlannedCluster<T>(
  op: ClusterOperation,
  fn: (sessions: NodeSessions, plan: ClusterPlan, facts: Record<string, NodeFacts>) => Promise<T>,
): Promise<T> {
  const sessions = await NodeSessions.open([...op.targets, ...op.leavers.map((l) => l.target)]);
  try {
    const desired = op.intent.nodes.map((n) => n.name);
    const gathered = await sessions.facts([...desired, ...op.leavers.map((l) => l.name)]);
    const facts = reachableFacts(gathered, desired);
    const leavers = op.leavers.map((l) => {
      const g = gathered[l.name];
      return { name: l.name, xmppAddress: l.xmppAddress, facts: g.reachable ? g.facts : undefined };
    });
    const plan = planCluster(op.intent, facts, leavers);
    return await fn(sessions, plan, facts);
  } finally {
    sessions.close();
  }
}

/** A node that rejoins by itself when XMPP is enabled again (membership survived) must not be joined twice. */
async function alreadyJoined(session: MmpSession, step: Step): Promise<boolean> {
  if (!step.command.startsWith("xmpp cluster join ")) return false;
  const seed = step.command.split(" ").pop() as string;
  return parseClusterStatus(await session.run("xmpp cluster status")).peers.some((p) => p.address === seed);
}

async function runStep(session: MmpSession, step: Step, secrets: Record<string, string>): Promise<void> {
  if (await alreadyJoined(session, step)) return;
  if (step.bridge) {
    const secret = secrets[step.bridge];
    if (!secret) {
      throw new MmpError(step.node, step.command, "no secret is known for this Call Bridge", "run `pulumi up` again");
    }
    await session.run(step.command, { secretAnswers: [secret, secret] });
    return;
  }
  await session.run(step.command, {
    sensitiveOutput: step.command.startsWith("xmpp callbridge add "),
    acceptFailureWhen: step.successSuffices ? /^SUCCESS\b/m : undefined,
  });
}

async function readSecrets(session: MmpSession): Promise<Record<string, string>> {
  const entries = parseCallBridgeList(await session.run("xmpp callbridge list", { sensitiveOutput: true }));
  return Object.fromEntries(entries.filter((e) => e.secret).map((e) => [e.name, e.secret as string]));
}

/** Polls `xmpp cluster status` until the node is a member of a cluster with a leader. */
export async function waitUntilClustered(session: MmpSession, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    last = await session.run("xmpp cluster status");
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

function serial(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
}

async function runNodePlan(
  sessions: NodeSessions,
  plan: NodePlan,
  secrets: Record<string, string>,
  activate: <T>(fn: () => Promise<T>) => Promise<T>,
  settleTimeoutMs: number,
): Promise<void> {
  const session = sessions.get(plan.node);
  const configure = plan.steps.filter((s) => s.kind === "configure");
  const activation = plan.steps.filter((s) => s.kind === "activate");
  for (const step of configure) await runStep(session, step, secrets);
  if (activation.length === 0) return;
  await activate(async () => {
    for (const step of activation) await runStep(session, step, secrets);
    await waitUntilClustered(session, settleTimeoutMs);
  });
}

async function runLeaver(sessions: NodeSessions, plan: NodePlan): Promise<void> {
  for (const step of plan.steps) {
    if (step.node !== plan.node && !sessions.sessions.has(step.node)) continue;
    const session = sessions.get(step.node);
    if (step.kind === "cleanup") {
      const peer = step.command.split(" ").pop() ?? "";
      const status = parseClusterStatus(await session.run("xmpp cluster status"));
      if (!status.peers.some((p) => `${p.address}:${p.port}` === peer)) continue;
    }
    try {
      await runStep(session, step, {});
    } catch (err) {
      if (!(step.bestEffort && err instanceof MmpError)) throw err;
    }
  }
}

/** Converges the cluster: seed first, then members (activation one at a time), then nodes that leave. */
export async function applyCluster(op: ClusterOperation): Promise<ClusterApplyResult> {
  return withPlannedCluster(op, async (sessions, plan, facts) => {
    const expectedSecrets: Record<string, string> = {};
    for (const [bridge, source] of Object.entries(plan.secretSources)) {
      const secret = facts[source].callBridges.find((b) => b.name === bridge)?.secret;
      if (secret) expectedSecrets[bridge] = secret;
    }
    const activate = op.serializeActivation === false ? <T>(fn: () => Promise<T>) => fn() : serial();
    const seedPlan = plan.nodes.find((p) => p.role === "seed") as NodePlan;
    await runNodePlan(sessions, seedPlan, expectedSecrets, activate, op.settleTimeoutMs);
    const secrets = await readSecrets(sessions.get(plan.seed));
    const members = plan.nodes.filter((p) => p.role === "member");
    const results = await Promise.allSettled(
      members.map((p) => runNodePlan(sessions, p, secrets, activate, op.settleTimeoutMs)),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    for (const leaver of plan.nodes.filter((p) => p.role === "leaver")) await runLeaver(sessions, leaver);

    const after = reachableFacts(
      await sessions.facts(op.intent.nodes.map((n) => n.name)),
      op.intent.nodes.map((n) => n.name),
    );
    return { plan, secrets, facts: after, executed: sessions.commands() };
  });
}

/** Tears the cluster down: the other nodes leave one at a time, the initializer last. Unreachable nodes are skipped. */
export async function teardownCluster(
  nodes: { name: string; xmppAddress: string; target: MmpTarget }[],
  initializer: string,
): Promise<Record<string, string[]>> {
  const sessions = await NodeSessions.open(nodes.map((n) => n.target));
  try {
    const gathered = await sessions.facts(nodes.map((n) => n.name));
    const plans = planTeardown(
      nodes.map((n) => {
        const g = gathered[n.name];
        return { name: n.name, xmppAddress: n.xmppAddress, facts: g.reachable ? g.facts : undefined };
      }),
      initializer,
    );
    for (const plan of plans) await runLeaver(sessions, plan);
    return sessions.commands();
  } finally {
    sessions.close();
  }
}
