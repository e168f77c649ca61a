import type { DnsProblem } from "./dns/verification";
import { isClustered, type NodeFacts } from "./facts";

/** The TechNote's troubleshooting scenarios, plus the cluster-level and Call Bridge checks around them. */
export type Scenario = "quorum" | "membership" | "duplicate peers" | "authentication" | "dns" | "call bridge";

export interface Finding {
  scenario: Scenario;
  subject: string;
  problem: string;
  next: string;
  /**
   * True when waiting can heal it: an election in progress, a node still joining or starting its XMPP server, a
   * Call Bridge reconnecting. False when only a change can (duplicate peers, differing secrets, wrong records, an
   * unexpected peer): verification then stops waiting.
   */
  transient: boolean;
}

const NEXT: Record<Scenario, string> = {
  quorum: "a strict majority of the XMPP nodes must be up and reach each other; check `xmpp cluster status` on each",
  membership: "run `pulumi up` to (re)join the node; if it keeps failing check the cluster trust bundle and port 5222",
  "duplicate peers":
    "CSCvi67717 (TechNote scenario 3): the node was reset while still a member. Make it leave (`xmpp cluster disable`), remove the stale peer with `xmpp cluster remove` on a member, reset it, then `pulumi up` to re-join",
  authentication:
    "the Call Bridge secret differs between XMPP nodes or the Call Bridge (TechNote scenario 2); `pulumi up` re-adds the secret on every node and the Call Bridge",
  dns: "the Call Bridge cannot resolve _xmpp-component._tcp.<domain> to a reachable XMPP node (TechNote scenario 1); check the SRV and A records and port 5223",
  "call bridge":
    "check the Call Bridge's apiUrl, api.username, the apiPassword secret and api.caCertPem; `pulumi up` writes its XMPP settings",
};

function finding(scenario: Scenario, subject: string, problem: string, transient: boolean): Finding {
  return { scenario, subject, problem, next: NEXT[scenario], transient };
}

export interface ExpectedCluster {
  nodes: { name: string; xmppAddress: string }[];
  callBridges: string[];
}

/** Member states without a leader that still print the node's peer list (the cluster status table of the sim). */
const LEADERLESS_MEMBER_STATES = new Set(["CANDIDATE", "INACTIVE"]);

/**
 * Checks the facts of every node: one agreed leader, exact peer lists without duplicates, identical secrets.
 * A node that is absent from `facts` (unreachable) counts as not a member.
 */
export function verifyClusterFacts(expected: ExpectedCluster, facts: Record<string, NodeFacts>): Finding[] {
  const findings: Finding[] = [];
  const addresses = expected.nodes.map((n) => n.xmppAddress).sort();
  const leaders = new Set<string>();
  for (const node of expected.nodes) {
    const f = facts[node.name];
    const state = f?.cluster.state;
    if (!f || !(isClustered(f) || LEADERLESS_MEMBER_STATES.has(state ?? ""))) {
      findings.push(finding("membership", node.name, `is not a cluster member (state ${state ?? "unknown"})`, false));
      continue;
    }
    const leader = f.cluster.leader;
    if (leader) leaders.add(leader.replace(/:\d+$/, ""));
    else if (state === "INACTIVE")
      findings.push(
        finding("membership", node.name, "is a member whose XMPP server is not running (state INACTIVE)", true),
      );
    else if (state === "CANDIDATE")
      findings.push(finding("quorum", node.name, "sees no leader (state CANDIDATE: an election is in progress)", true));
    else findings.push(finding("quorum", node.name, "sees no leader", true));
    if (f.cluster.duplicates.length > 0) {
      findings.push(
        finding("duplicate peers", node.name, `lists ${f.cluster.duplicates.join(", ")} more than once`, false),
      );
    }
    const peers = [...new Set(f.cluster.peers.map((p) => p.address))].sort();
    const missing = addresses.filter((a) => !peers.includes(a));
    const extra = peers.filter((a) => !addresses.includes(a));
    // A missing peer is a node still joining: the leader's new list travels with its keepalives.
    if (missing.length > 0) {
      findings.push(finding("membership", node.name, `peer list is missing ${missing.join(", ")}`, true));
    }
    // An unexpected peer stays until someone removes it, unless the node has no leader to learn the current list from.
    if (extra.length > 0) {
      findings.push(finding("membership", node.name, `peer list has unexpected ${extra.join(", ")}`, !leader));
    }
  }
  if (leaders.size > 1) {
    findings.push(
      finding("quorum", "cluster", `nodes disagree on the leader: ${[...leaders].sort().join(" vs ")}`, true),
    );
  }
  for (const bridge of expected.callBridges) {
    const secrets = new Map<string, string[]>();
    for (const node of expected.nodes) {
      const secret = facts[node.name]?.callBridges.find((b) => b.name === bridge)?.secret ?? "(missing)";
      secrets.set(secret, [...(secrets.get(secret) ?? []), node.name]);
    }
    if (secrets.size > 1 || secrets.has("(missing)")) {
      const groups = [...secrets.entries()].map(([s, nodes]) =>
        s === "(missing)" ? `missing on ${nodes.join(", ")}` : nodes.join(", "),
      );
      findings.push(
        finding(
          "authentication",
          bridge,
          `the secret is not the same on every XMPP node (groups: ${groups.join(" | ")})`,
          false,
        ),
      );
    }
  }
  return findings;
}

/** True when a Call Bridge's reported XMPP status says it is connected (and so its secret was accepted). */
export function callBridgeConnected(status: string | undefined): boolean {
  if (status === undefined) return false;
  const s = status.toLowerCase();
  return /\bconnected\b/.test(s) && !/not connected|disconnected|failed/.test(s);
}

/**
 * Maps a Call Bridge's reported XMPP status to a finding; undefined when connected or when no status is exposed.
 * Only an authentication failure or missing settings are lasting: any other state is a Call Bridge (re)connecting.
 */
export function verifyCallBridgeStatus(bridge: string, status: string | undefined): Finding | undefined {
  if (status === undefined || callBridgeConnected(status)) return undefined;
  const s = status.toLowerCase();
  if (s.includes("authentication")) return finding("authentication", bridge, `reports "${status}"`, false);
  if (s.includes("not configured"))
    return finding("call bridge", bridge, `has no XMPP server settings ("${status}")`, false);
  if (s.includes("dns")) return finding("dns", bridge, `reports "${status}"`, true);
  return finding("dns", bridge, `is not connected to XMPP: "${status}"`, true);
}

/**
 * A Call Bridge whose status could not be read. Refused credentials or certificates stay refused; anything else
 * (a timeout, a refused connection, a server error) may be the API restarting.
 */
export function callBridgeApiFinding(bridge: string, error: Error): Finding {
  const [first, hint] = error.message.split(/\n\s*next: /);
  const problem = `status could not be read: ${first.replace(/^\[[^\]]*\] /, "")}`;
  const lasting = /HTTP 40[13]\b|certificate|self.signed/i.test(error.message);
  return { scenario: "call bridge", subject: bridge, problem, next: hint ?? NEXT["call bridge"], transient: !lasting };
}

/** An XMPP node that did not answer over MMP. Verification opens one session per node, so this lasts for the wait. */
export function unreachableNodeFinding(node: string, error: string): Finding {
  return {
    scenario: "quorum",
    subject: node,
    problem: `is unreachable: ${error}`,
    next: "bring the node back (or fix its MMP address and credentials), then `pulumi up`",
    transient: false,
  };
}

/**
 * A problem found resolving the cluster's records (TechNote scenario 1). A wrong or missing record stays wrong; a
 * port that does not answer may be an XMPP server still starting.
 */
export function dnsFinding(problem: DnsProblem): Finding {
  return {
    scenario: "dns",
    subject: problem.record,
    problem: problem.message,
    next: "TechNote scenario 1: fix the record (or the node behind it) so every Call Bridge can resolve and reach a node",
    transient: /does not answer on TCP/.test(problem.message),
  };
}

export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `- [${f.scenario}] ${f.subject} ${f.problem}\n    next: ${f.next}`).join("\n");
}
