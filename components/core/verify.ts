import { isClustered, type NodeFacts } from "./facts";

/** The seeds' troubleshooting scenarios, plus the cluster-level checks that precede them. */
export type Scenario = "quorum" | "membership" | "duplicate peers" | "authentication" | "dns";

export interface Finding {
  scenario: Scenario;
  subject: string;
  problem: string;
  next: string;
}

const NEXT: Record<Scenario, string> = {
  quorum: "a strict majority of the XMPP nodes must be up and reach each other; check `xmpp cluster status` on each",
  membership: "run `pulumi up` to (re)join the node; if it keeps failing check the cluster trust bundle and port 5222",
  "duplicate peers":
    "CSCvi67717: the node was reset while still a member. Make it leave (`xmpp cluster disable`), remove the stale peer with `xmpp cluster remove` on a member, reset it, then `pulumi up` to re-join",
  authentication:
    "the Call Bridge secret differs between XMPP nodes or the Call Bridge (seed scenario 2); `pulumi up` re-adds the secret on every node and the Call Bridge",
  dns: "the Call Bridge cannot resolve _xmpp-component._tcp.<domain> to a reachable XMPP node (seed scenario 1); check the SRV and A records and port 5223",
};

function finding(scenario: Scenario, subject: string, problem: string): Finding {
  return { scenario, subject, problem, next: NEXT[scenario] };
}

export interface ExpectedCluster {
  nodes: { name: string; xmppAddress: string }[];
  callBridges: string[];
}

/** Checks the facts of every node: one agreed leader, exact peer lists without duplicates, identical secrets. */
export function verifyClusterFacts(expected: ExpectedCluster, facts: Record<string, NodeFacts>): Finding[] {
  const findings: Finding[] = [];
  const addresses = expected.nodes.map((n) => n.xmppAddress).sort();
  const leaders = new Set<string>();
  for (const node of expected.nodes) {
    const f = facts[node.name];
    if (!f || !isClustered(f)) {
      findings.push(
        finding("membership", node.name, `is not a cluster member (state ${f?.cluster.state ?? "unknown"})`),
      );
      continue;
    }
    if (f.cluster.leader) leaders.add(f.cluster.leader.replace(/:\d+$/, ""));
    else findings.push(finding("quorum", node.name, "sees no leader"));
    if (f.cluster.duplicates.length > 0) {
      findings.push(finding("duplicate peers", node.name, `lists ${f.cluster.duplicates.join(", ")} more than once`));
    }
    const peers = [...new Set(f.cluster.peers.map((p) => p.address))].sort();
    const missing = addresses.filter((a) => !peers.includes(a));
    const extra = peers.filter((a) => !addresses.includes(a));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [
        missing.length ? `missing ${missing.join(", ")}` : "",
        extra.length ? `unexpected ${extra.join(", ")}` : "",
      ];
      findings.push(
        finding("membership", node.name, `peer list differs from the node set: ${parts.filter(Boolean).join("; ")}`),
      );
    }
  }
  if (leaders.size > 1) {
    findings.push(finding("quorum", "cluster", `nodes disagree on the leader: ${[...leaders].sort().join(" vs ")}`));
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
        ),
      );
    }
  }
  return findings;
}

/** Maps a Call Bridge's reported XMPP status to a finding; undefined when connected or when no status is exposed. */
export function verifyCallBridgeStatus(bridge: string, status: string | undefined): Finding | undefined {
  if (status === undefined) return undefined;
  const s = status.toLowerCase();
  if (/\bconnected\b/.test(s) && !/not connected|disconnected|failed/.test(s)) return undefined;
  if (s.includes("authentication")) return finding("authentication", bridge, `reports "${status}"`);
  if (s.includes("dns")) return finding("dns", bridge, `reports "${status}"`);
  return finding("dns", bridge, `is not connected to XMPP: "${status}"`);
}

export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `- [${f.scenario}] ${f.subject} ${f.problem}\n    next: ${f.next}`).join("\n");
}
