import { isClustered, isLiveMember, listsPeer, type NodeFacts } from "./facts";
import { describeStep, type Op, type Step, sequences } from "./steps";

/** What one node should look like. File names come from the certificate material. */
export interface NodeIntent {
  name: string;
  xmppAddress: string;
  listen: string[];
  certs: { keyFile: string; certFile: string; bundleFile?: string };
  trustBundle: string;
}

export interface ClusterIntent {
  domain: string;
  /** In config order; `initializer` names one of them. */
  nodes: NodeIntent[];
  initializer: string;
  callBridges: string[];
  /**
   * Whether a new `xmpp cluster trust` takes effect only after a restart ([I] in the reference). Default true: the
   * node is restarted, one node at a time.
   */
  restartAfterTrustChange?: boolean;
}

/**
 * A run of steps, in order. `settle`: afterwards, wait until `node` reports LEADER or FOLLOWER with a leader
 * before the next unit starts (activations run one node at a time so a majority always stays up).
 */
export interface Unit {
  node: string;
  steps: Step[];
  settle: boolean;
}

/** Phases run in order; a parallel phase runs its units at once, a serial one unit after unit. */
export interface Phase {
  name: "leave" | "settings" | "founder" | "configure" | "activate" | "teardown";
  mode: "parallel" | "serial";
  units: Unit[];
}

export interface ClusterPlan {
  /** The node every other node joins: the initializer, unless another node already holds the running cluster. */
  founder: string;
  /** True when no node is clustered yet and the founder runs `xmpp cluster initialize`. */
  initialize: boolean;
  /** Which node's `xmpp callbridge list` holds the authoritative secret for each bridge (absent: the founder adds it). */
  secretSources: Record<string, string>;
  phases: Phase[];
  /** Desired nodes that could not be read, with the reason: nothing may change until they are back or removed. */
  unreachable: Record<string, string>;
  /** What the run will leave undone on purpose, for the admin (e.g. a leaver that cannot be reset). */
  notices: string[];
}

export interface Leaver {
  name: string;
  xmppAddress: string;
  /** Undefined when the node could not be reached. */
  facts: NodeFacts | undefined;
}

export interface PlanContext {
  leavers?: Leaver[];
  /** Nodes that were members at the last apply, from the stack state: a stopped member is started, not re-joined. */
  rememberedMembers?: string[];
  /** Reasons the desired nodes without facts could not be read. */
  unreachable?: Record<string, string>;
}

export class PlanError extends Error {
  constructor(
    readonly node: string,
    message: string,
    readonly hint: string,
  ) {
    super(`[${node}] ${message}\n  next: ${hint}`);
    this.name = "PlanError";
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
}

/** Ops that bring stored XMPP settings in line; none when they already match. Unknown facts are not compared. */
function configureOps(intent: NodeIntent, domain: string, facts: NodeFacts): Op[] {
  const ops: Op[] = [];
  const x = facts.xmpp;
  if (x.domain !== domain) ops.push({ op: "setDomain", domain });
  if (x.listen === undefined || !sameSet(x.listen, intent.listen))
    ops.push({ op: "setListen", interfaces: intent.listen });
  const { keyFile, certFile, bundleFile } = intent.certs;
  const bundleDiffers = x.caBundleFile !== undefined && x.caBundleFile !== (bundleFile ?? null);
  if (x.keyFile !== keyFile || x.certificateFile !== certFile || bundleDiffers) {
    ops.push({ op: "setCerts", keyFile, certFile, ...(bundleFile ? { bundleFile } : {}) });
  }
  if (x.trustBundle !== intent.trustBundle) ops.push({ op: "setTrust", bundle: intent.trustBundle });
  return ops;
}

function secretOf(facts: NodeFacts | undefined, bridge: string): string | undefined {
  return facts?.callBridges.find((b) => b.name === bridge)?.secret;
}

/**
 * Call Bridge ops for one node. `expected` maps each bridge to the secret it must hold (undefined when the founder
 * generates it in this run, so no node can hold it yet).
 */
function callBridgeOps(
  facts: NodeFacts,
  wanted: string[],
  expected: Record<string, string | undefined>,
  generates: boolean,
): Op[] {
  const ops: Op[] = [];
  for (const entry of facts.callBridges) {
    if (!wanted.includes(entry.name)) ops.push({ op: "delBridge", bridge: entry.name });
  }
  for (const bridge of wanted) {
    const present = facts.callBridges.some((b) => b.name === bridge);
    const want = expected[bridge];
    if (present && (want === undefined ? generates : secretOf(facts, bridge) === want)) continue;
    if (present) ops.push({ op: "delBridge", bridge });
    ops.push(generates && want === undefined ? { op: "addBridge", bridge } : { op: "addSecret", bridge });
  }
  return ops;
}

/** The secret most reachable nodes hold for a bridge; ties go to the earlier node in cluster order. */
function majoritySecret(bridge: string, order: string[], facts: Record<string, NodeFacts>) {
  const votes = new Map<string, { count: number; first: string }>();
  for (const node of order) {
    const secret = secretOf(facts[node], bridge);
    if (secret === undefined) continue;
    const vote = votes.get(secret) ?? { count: 0, first: node };
    vote.count += 1;
    votes.set(secret, vote);
  }
  let best: { secret: string; count: number; first: string } | undefined;
  for (const [secret, vote] of votes) {
    if (!best || vote.count > best.count) best = { secret, ...vote };
  }
  return best;
}

const NEEDS_RESTART = new Set<Op["op"]>(["setDomain", "setListen", "setCerts"]);

const on = (node: string, ops: Op[]): Step[] => ops.map((op) => ({ ...op, node }));

/** `address:port` entries of `address` in a member's peer list, once each. */
function entriesOf(facts: NodeFacts, address: string): string[] {
  return [...new Set(facts.cluster.peers.filter((p) => p.address === address).map((p) => `${p.address}:${p.port}`))];
}

/** Whole-cluster plan from the intent and the facts of every reachable desired node (plus nodes that must leave). */
export function planCluster(
  intent: ClusterIntent,
  allFacts: Record<string, NodeFacts | undefined>,
  context: PlanContext = {},
): ClusterPlan {
  const unreachable: Record<string, string> = {};
  const facts: Record<string, NodeFacts> = {};
  for (const node of intent.nodes) {
    const f = allFacts[node.name];
    if (f) facts[node.name] = f;
    else unreachable[node.name] = context.unreachable?.[node.name] ?? "not reachable";
  }
  const remembered = new Set(context.rememberedMembers ?? []);
  const ordered = [
    ...intent.nodes.filter((n) => n.name === intent.initializer),
    ...intent.nodes.filter((n) => n.name !== intent.initializer),
  ].filter((n) => facts[n.name]);
  const stopped = (n: NodeIntent) =>
    facts[n.name].xmpp.enabled === false && remembered.has(n.name) && facts[n.name].xmpp.domain === intent.domain;
  const member = (n: NodeIntent) => isClustered(facts[n.name]) || stopped(n);
  const live = ordered.filter((n) => isLiveMember(facts[n.name]));
  const leaderless = ordered.filter(
    (n) => member(n) && !isLiveMember(facts[n.name]) && facts[n.name].xmpp.enabled !== false,
  );
  if (live.length === 0 && leaderless.length > 0) {
    const node = leaderless[0];
    const peers = facts[node.name].cluster.peers.map((p) => `${p.address}:${p.port}`);
    throw new PlanError(
      leaderless.map((n) => n.name).join(", "),
      `${leaderless.length > 1 ? "are members" : "is a member"} of an XMPP cluster with no leader (state ${facts[node.name].cluster.state ?? "unknown"}; ${node.name} lists ${peers.length} peer entries: ${peers.join(", ")}); nothing can change without a majority`,
      "an election may be in progress: try again in a minute; otherwise bring the stopped nodes back. Stale entries (TechNote scenario 3) count against the majority: if a listed node is gone for good, remove its entry by hand with `xmpp cluster remove <ip>:5222`",
    );
  }
  const founder = live[0] ?? ordered.find(member) ?? ordered[0];
  const initialize = founder !== undefined && !ordered.some(member);

  for (const node of live) {
    if (node !== founder && !listsPeer(facts[node.name], founder.xmppAddress)) {
      throw new PlanError(
        node.name,
        `is a member of a different XMPP cluster (peers: ${facts[node.name].cluster.peers.map((p) => p.address).join(", ")}) than ${founder.name}`,
        `remove it from that cluster (xmpp cluster disable, then xmpp reset on ${node.name}) or list the nodes of one cluster only`,
      );
    }
  }

  const secretSources: Record<string, string> = {};
  const expected: Record<string, string | undefined> = {};
  for (const bridge of intent.callBridges) {
    const best = majoritySecret(
      bridge,
      ordered.map((n) => n.name),
      facts,
    );
    if (best) secretSources[bridge] = best.first;
    expected[bridge] = best?.secret;
  }

  /** A live member other than `node` that lists `address`, to drop its stale entries there. */
  const listerOf = (address: string, except: string) =>
    live.find((m) => m.name !== except && listsPeer(facts[m.name], address));
  const removalsOn = (lister: string, of: { name: string; xmppAddress: string }): Step[] =>
    entriesOf(facts[lister], of.xmppAddress).map((peer) => ({ op: "removePeer", peer, of: of.name, node: lister }));

  const notices: string[] = [];
  const leave: Unit[] = (context.leavers ?? []).map((leaver) => {
    const lister = listerOf(leaver.xmppAddress, leaver.name);
    const removal = lister ? removalsOn(lister.name, leaver) : [];
    if (!leaver.facts) {
      notices.push(
        `${leaver.name} was not reset: it was unreachable${removal.length ? " (its peer entry was removed on a member)" : ""}`,
      );
      return { node: leaver.name, steps: removal, settle: false };
    }
    return { node: leaver.name, steps: leaveOwnSteps(leaver.name, leaver.facts, removal), settle: false };
  });

  /** The founder's three units: its settings, its Call Bridges (whose secrets the others take), its activation. */
  const founderUnits = () => {
    const f = facts[founder.name];
    const configure = configureOps(founder, intent.domain, f);
    const activation = initialize ? sequences.initialize(founder.name) : restartSteps(founder, configure, true);
    const unit = (steps: Step[], settle = false): Unit => ({ node: founder.name, steps, settle });
    return {
      settings: unit(on(founder.name, configure)),
      bridges: unit(on(founder.name, callBridgeOps(f, intent.callBridges, expected, true))),
      // After a full stop the founder alone has no majority: it settles once the next member is back.
      activation: unit(activation, activation.length > 0 && (initialize || live.length > 0)),
    };
  };

  const restartSteps = (node: NodeIntent, configure: Op[], isFounder: boolean): Step[] => {
    const restartOps = configure.filter(
      (op) => NEEDS_RESTART.has(op.op) || (op.op === "setTrust" && intent.restartAfterTrustChange !== false),
    );
    if (facts[node.name].xmpp.enabled === false) {
      return isFounder ? on(node.name, [{ op: "enable" }]) : sequences.start(node.name, founder.xmppAddress);
    }
    return restartOps.length > 0 ? sequences.restart(node.name) : [];
  };

  const ofFounder = founder ? founderUnits() : undefined;
  // Settings never restart a node by themselves, so every node takes its own at once; the others' secrets wait for
  // the founder's Call Bridges, and are given while the founder activates.
  const settingsUnits: Unit[] = ofFounder ? [ofFounder.settings] : [];
  const configureUnits: Unit[] = ofFounder ? [ofFounder.activation] : [];
  const activateUnits: Unit[] = [];
  for (const node of ordered) {
    if (node === founder) continue;
    const f = facts[node.name];
    const configure = configureOps(node, intent.domain, f);
    settingsUnits.push({ node: node.name, steps: on(node.name, configure), settle: false });
    configureUnits.push({
      node: node.name,
      steps: on(node.name, callBridgeOps(f, intent.callBridges, expected, false)),
      settle: false,
    });
    const lister = listerOf(node.xmppAddress, node.name);
    const removals = lister ? removalsOn(lister.name, node) : [];
    const duplicated = live.some((m) =>
      facts[m.name].cluster.duplicates.some((d) => d.startsWith(`${node.xmppAddress}:`)),
    );
    let activation: Step[];
    if (member(node) && !duplicated) activation = restartSteps(node, configure, false);
    else if (member(node)) {
      // CSCvi67717 already present: leave, drop every entry on a member, then join afresh.
      activation = [
        ...on(node.name, [{ op: "disable" }, { op: "clusterDisable" }]),
        ...removals,
        ...sequences.join(node.name, founder.xmppAddress).filter((s) => s.op !== "disable"),
      ];
    } else activation = [...removals, ...sequences.join(node.name, founder.xmppAddress)];
    activateUnits.push({ node: node.name, steps: activation, settle: activation.length > 0 });
  }

  const phases: Phase[] = [
    { name: "leave", mode: "serial", units: leave },
    { name: "settings", mode: "parallel", units: settingsUnits },
    { name: "founder", mode: "serial", units: ofFounder ? [ofFounder.bridges] : [] },
    { name: "configure", mode: "parallel", units: configureUnits },
    { name: "activate", mode: "serial", units: activateUnits },
  ];
  return {
    founder: founder?.name ?? intent.initializer,
    initialize,
    secretSources,
    phases: phases
      .map((p) => ({ ...p, units: p.units.filter((u) => u.steps.length > 0) }))
      .filter((p) => p.units.length > 0),
    unreachable,
    notices,
  };
}

/** A leaver's own steps around the removal of its entry on a member. */
function leaveOwnSteps(node: string, own: NodeFacts, removal: Step[]): Step[] {
  const steps = sequences.leave(node, {
    stop: own.xmpp.enabled !== false,
    leave: own.xmpp.clusterEnabled !== false || isClustered(own),
    reset: hasXmppConfig(own),
  });
  const resetAt = steps.findIndex((s) => s.op === "reset");
  return resetAt < 0 ? [...steps, ...removal] : [...steps.slice(0, resetAt), ...removal, ...steps.slice(resetAt)];
}

function hasXmppConfig(facts: NodeFacts): boolean {
  return (
    facts.xmpp.enabled === true ||
    facts.xmpp.domain !== undefined ||
    facts.callBridges.length > 0 ||
    facts.cluster.peers.length > 0 ||
    facts.xmpp.clusterEnabled === true
  );
}

/**
 * Teardown order: every other node leaves first, one at a time; the initializer goes last. A remaining member
 * drops each leaver's entry; that cleanup is best effort, since the member is reset next anyway.
 */
export function planTeardown(nodes: Leaver[], initializer: string): Phase {
  const last = nodes.find((n) => n.name === initializer) ?? nodes[0];
  const first = nodes.filter((n) => n !== last);
  const units: Unit[] = [];
  first.forEach((node, i) => {
    if (!node.facts) return;
    const remaining = [last, ...first.slice(i + 1)].find((n) => n?.facts);
    const removal: Step[] = remaining?.facts
      ? entriesOf(remaining.facts, node.xmppAddress).map((peer) => ({
          op: "removePeer",
          peer,
          of: node.name,
          node: remaining.name,
          bestEffort: true,
        }))
      : [];
    units.push({ node: node.name, steps: leaveOwnSteps(node.name, node.facts, removal), settle: false });
  });
  if (last?.facts) units.push({ node: last.name, steps: leaveOwnSteps(last.name, last.facts, []), settle: false });
  return { name: "teardown", mode: "serial", units: units.filter((u) => u.steps.length > 0) };
}

/** The commands a plan would run, per node, in run order, for preview. Secrets are never part of a command. */
export function describePlan(plan: Pick<ClusterPlan, "phases"> & Partial<Pick<ClusterPlan, "unreachable">>) {
  const out: Record<string, string[]> = {};
  for (const [node, reason] of Object.entries(plan.unreachable ?? {})) {
    out[node] = [`(unreachable: ${reason}; \`up\` changes nothing until it is back or removed from nodes)`];
  }
  for (const phase of plan.phases) {
    for (const unit of phase.units) {
      for (const step of unit.steps) {
        out[step.node] ??= [];
        out[step.node].push(describeStep(step));
      }
    }
  }
  return out;
}
