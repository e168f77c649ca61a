import type { CallBridgeEntry } from "./parsers/callbridge-list";
import type { ClusterStatus } from "./parsers/cluster-status";
import type { CmsVersion } from "./parsers/version";
import type { XmppStatus } from "./parsers/xmpp-status";

/** What one node told us, gathered before planning. Secrets stay in memory; they are never persisted as facts. */
export interface NodeFacts {
  node: string;
  version: CmsVersion | undefined;
  xmpp: XmppStatus;
  callBridges: CallBridgeEntry[];
  cluster: ClusterStatus;
}

/**
 * Combines what the four fact commands printed. The files come from `xmpp` when it prints them ([I]) and otherwise
 * from `xmpp cluster status`, where the TechNote shows them; the trust bundle is read from the cluster status first.
 */
export function combineFacts(parts: Omit<NodeFacts, "xmpp"> & { xmpp: XmppStatus }): NodeFacts {
  const { xmpp, cluster } = parts;
  const pick = <T>(first: T | undefined, second: T | undefined) => (first !== undefined ? first : second);
  return {
    ...parts,
    xmpp: {
      ...xmpp,
      keyFile: pick(xmpp.keyFile, cluster.keyFile),
      certificateFile: pick(xmpp.certificateFile, cluster.certificateFile),
      trustBundle: pick(cluster.trustBundle, xmpp.trustBundle),
    },
  };
}

export const FACT_COMMANDS = {
  version: "version",
  xmpp: "xmpp",
  callBridges: "xmpp callbridge list",
  cluster: "xmpp cluster status",
} as const;

export type FactKey = keyof typeof FACT_COMMANDS;

/** `recalled`: the facts taken from what this operation read earlier on the same connection, not read again. */
export type GatheredFacts =
  | { reachable: true; facts: NodeFacts; recalled: FactKey[] }
  | { reachable: false; error: string };

/** The live cluster status names a state and at least one peer. */
export function isLiveMember(facts: NodeFacts): boolean {
  return (
    facts.xmpp.clusterEnabled !== false &&
    (facts.cluster.state === "LEADER" || facts.cluster.state === "FOLLOWER") &&
    facts.cluster.peers.length > 0
  );
}

/**
 * A node is a cluster member when its live status says so, when it lists peers without a leader (a cluster that
 * lost its majority, or an election), or when XMPP is merely stopped on a node that still reports membership: enabling
 * XMPP brings it back.
 */
export function isClustered(facts: NodeFacts): boolean {
  if (isLiveMember(facts)) return true;
  if (facts.xmpp.clusterEnabled === false) return false;
  return facts.cluster.peers.length > 0 || (facts.xmpp.enabled === false && facts.xmpp.clustered === true);
}

/** True when the node's peer list names the address (any port). */
export function listsPeer(facts: NodeFacts, address: string): boolean {
  return facts.cluster.peers.some((p) => p.address === address);
}

/** Non-secret summary of a node's facts, safe to store as a resource output. */
export function publicFacts(facts: NodeFacts) {
  return {
    version: facts.version?.text ?? "unknown",
    xmppEnabled: facts.xmpp.enabled ?? false,
    domain: facts.xmpp.domain ?? "",
    clusterState: facts.cluster.state ?? "NONE",
    peers: facts.cluster.peers.map((p) => `${p.address}:${p.port}${p.leader ? " (Leader)" : ""}`),
    callBridges: facts.callBridges.map((b) => b.name).sort(),
  };
}
