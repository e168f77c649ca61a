import { isClustered, isLiveMember, listsPeer, type NodeFacts } from "./facts";

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
}

/**
 * One MMP command. `bridge` means the node will prompt for that Call Bridge's secret. `kind` decides when it
 * runs: `configure` steps change stored settings only; `activate` steps restart or (re)cluster XMPP and run
 * one node at a time; `cleanup` steps run on a remaining member only if the fact that motivated them still holds.
 */
export interface Step {
  node: string;
  command: string;
  kind: "configure" | "activate" | "cleanup";
  bridge?: string;
  /**
   * The step counts as done when its output has a SUCCESS line even if a FAILURE line precedes it: a node that
   * leaves while it cannot reach its peers still disables clustering locally, and the member cleanup that follows
   * drops its entry.
   */
  successSuffices?: boolean;
  /** During teardown a member's stale peer entry is harmless (the member is reset next), so a failure is ignored. */
  bestEffort?: boolean;
}

export interface NodePlan {
  node: string;
  role: "seed" | "member" | "leaver";
  steps: Step[];
}

export interface ClusterPlan {
  /** The node every other node joins: the initializer, unless another node already holds the running cluster. */
  seed: string;
  /** True when no node is clustered yet and the seed runs `xmpp cluster initialize`. */
  initialize: boolean;
  /** Which node's `xmpp callbridge list` holds the authoritative secret for each bridge (absent: the seed adds it). */
  secretSources: Record<string, string>;
  nodes: NodePlan[];
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

function sameSet(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a || a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((v, i) => v === sb[i]);
}

/** Steps that bring stored XMPP settings in line; none when they already match. */
export function configureSteps(intent: NodeIntent, domain: string, facts: NodeFacts): Step[] {
  const step = (command: string): Step => ({ node: intent.name, command, kind: "configure" });
  const steps: Step[] = [];
  if (facts.xmpp.domain !== domain) steps.push(step(`xmpp domain ${domain}`));
  if (!sameSet(facts.xmpp.listen, intent.listen)) steps.push(step(`xmpp listen ${intent.listen.join(" ")}`));
  const { keyFile, certFile, bundleFile } = intent.certs;
  if (
    facts.xmpp.keyFile !== keyFile ||
    facts.xmpp.certificateFile !== certFile ||
    facts.xmpp.caBundleFile !== bundleFile
  ) {
    steps.push(step(`xmpp certs ${keyFile} ${certFile}${bundleFile ? ` ${bundleFile}` : ""}`));
  }
  if (facts.xmpp.trustBundle !== intent.trustBundle) steps.push(step(`xmpp cluster trust ${intent.trustBundle}`));
  return steps;
}

function secretOf(facts: NodeFacts, bridge: string): string | undefined {
  return facts.callBridges.find((b) => b.name === bridge)?.secret;
}

/**
 * Call bridge steps for one node. `expected` maps each bridge to the secret it must hold (undefined when the
 * seed generates it in this run, so no node can hold it yet).
 */
export function callBridgeSteps(
  node: string,
  facts: NodeFacts,
  wanted: string[],
  expected: Record<string, string | undefined>,
  generates: boolean,
): Step[] {
  const steps: Step[] = [];
  for (const entry of facts.callBridges) {
    if (!wanted.includes(entry.name))
      steps.push({ node, command: `xmpp callbridge del ${entry.name}`, kind: "configure" });
  }
  for (const bridge of wanted) {
    const held = secretOf(facts, bridge);
    const present = facts.callBridges.some((b) => b.name === bridge);
    const want = expected[bridge];
    if (present && want !== undefined && held === want) continue;
    if (present && generates && want === undefined) continue;
    if (present) steps.push({ node, command: `xmpp callbridge del ${bridge}`, kind: "configure" });
    if (generates && want === undefined)
      steps.push({ node, command: `xmpp callbridge add ${bridge}`, kind: "configure" });
    else steps.push({ node, command: `xmpp callbridge add-secret ${bridge}`, kind: "configure", bridge });
  }
  return steps;
}

function activation(node: string, commands: string[]): Step[] {
  return commands.map((command) => ({ node, command, kind: "activate" as const }));
}

/** Whole-cluster plan from the intent and the facts of every desired node (plus nodes that must leave). */
export function planCluster(
  intent: ClusterIntent,
  facts: Record<string, NodeFacts>,
  leavers: { name: string; xmppAddress: string; facts: NodeFacts | undefined }[] = [],
): ClusterPlan {
  const ordered = [
    ...intent.nodes.filter((n) => n.name === intent.initializer),
    ...intent.nodes.filter((n) => n.name !== intent.initializer),
  ];
  const clustered = ordered.filter((n) => isClustered(facts[n.name]));
  const seedNode = clustered[0] ?? ordered[0];
  const initialize = clustered.length === 0;

  for (const node of clustered) {
    if (node !== seedNode && isLiveMember(facts[node.name]) && !listsPeer(facts[node.name], seedNode.xmppAddress)) {
      throw new PlanError(
        node.name,
        `is a member of a different XMPP cluster (peers: ${facts[node.name].cluster.peers.map((p) => p.address).join(", ")}) than ${seedNode.name}`,
        `remove it from that cluster (xmpp cluster disable, then xmpp reset on ${node.name}) or list the nodes of one cluster only`,
      );
    }
  }

  const secretSources: Record<string, string> = {};
  const expected: Record<string, string | undefined> = {};
  for (const bridge of intent.callBridges) {
    const source = ordered.find((n) => secretOf(facts[n.name], bridge) !== undefined);
    if (source) secretSources[bridge] = source.name;
    expected[bridge] = source ? secretOf(facts[source.name], bridge) : undefined;
  }

  const plans: NodePlan[] = [];
  for (const node of ordered) {
    const isSeed = node === seedNode;
    const nodeFacts = facts[node.name];
    const configure = configureSteps(node, intent.domain, nodeFacts);
    const bridges = callBridgeSteps(node.name, nodeFacts, intent.callBridges, expected, isSeed);
    let activate: Step[] = [];
    if (isSeed && initialize) {
      activate = activation(node.name, [
        "xmpp disable",
        "xmpp cluster enable",
        "xmpp cluster initialize",
        "xmpp enable",
      ]);
    } else if (!isSeed && !isClustered(nodeFacts)) {
      activate = activation(node.name, [
        "xmpp disable",
        "xmpp cluster enable",
        "xmpp enable",
        `xmpp cluster join ${seedNode.xmppAddress}`,
      ]);
    } else if (configure.length > 0) {
      activate = activation(node.name, ["xmpp disable", "xmpp enable"]);
    } else if (nodeFacts.xmpp.enabled === false) {
      activate = activation(node.name, ["xmpp enable"]);
    }
    plans.push({ node: node.name, role: isSeed ? "seed" : "member", steps: [...configure, ...bridges, ...activate] });
  }

  const remaining = ordered.filter((n) => isClustered(facts[n.name]))[0] ?? seedNode;
  for (const leaver of leavers) {
    plans.push({ node: leaver.name, role: "leaver", steps: leaveSteps(leaver, remaining.name, facts[remaining.name]) });
  }
  return { seed: seedNode.name, initialize, secretSources, nodes: plans };
}

/**
 * A node leaves before it is reset (CSCvi67717): it disables XMPP and clustering, a remaining member drops its
 * peer entry if it still lists it, and only then is the node reset.
 */
export function leaveSteps(
  leaver: { name: string; xmppAddress: string; facts: NodeFacts | undefined },
  member: string | undefined,
  memberFacts: NodeFacts | undefined,
): Step[] {
  const steps: Step[] = [];
  const own = leaver.facts;
  if (own) {
    if (own.xmpp.enabled !== false) steps.push({ node: leaver.name, command: "xmpp disable", kind: "activate" });
    if (own.xmpp.clusterEnabled !== false || isClustered(own)) {
      steps.push({ node: leaver.name, command: "xmpp cluster disable", kind: "activate", successSuffices: true });
    }
  }
  const stale = memberFacts?.cluster.peers.find((p) => p.address === leaver.xmppAddress);
  if (member && stale) {
    steps.push({ node: member, command: `xmpp cluster remove ${stale.address}:${stale.port}`, kind: "cleanup" });
  }
  if (own && hasXmppConfig(own)) steps.push({ node: leaver.name, command: "xmpp reset", kind: "activate" });
  return steps;
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

/** Teardown order: every other node leaves first, one at a time; the initializer goes last. */
export function planTeardown(
  nodes: { name: string; xmppAddress: string; facts: NodeFacts | undefined }[],
  initializer: string,
): NodePlan[] {
  const last = nodes.find((n) => n.name === initializer) ?? nodes[0];
  const first = nodes.filter((n) => n !== last);
  const plans: NodePlan[] = [];
  for (const node of first) {
    const member = nodes.find((n) => n !== node && !plans.some((p) => p.node === n.name) && n.facts);
    const steps = leaveSteps(node, member?.name, member?.facts).map((s) =>
      s.kind === "cleanup" ? { ...s, bestEffort: true } : s,
    );
    plans.push({ node: node.name, role: "leaver", steps });
  }
  if (last) plans.push({ node: last.name, role: "leaver", steps: leaveSteps(last, undefined, undefined) });
  return plans;
}

/** The commands a plan would run, per node, for preview. Secrets are never part of a command. */
export function describePlan(plans: NodePlan[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const plan of plans) {
    for (const step of plan.steps) {
      const line = step.bridge ? `${step.command}  (answers the secret prompt)` : step.command;
      const suffix = step.kind === "cleanup" ? "  (if the peer is still listed)" : "";
      out[step.node] ??= [];
      out[step.node].push(line + suffix);
    }
  }
  return out;
}
