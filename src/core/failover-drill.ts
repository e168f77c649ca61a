// The pure half of the failover drill: who leads, whether losing the leader leaves a majority, which Call Bridges
// cannot fail over, and the timeline's lines.
import { type ClusterConfig, xmppAddressOf } from "./config";
import type { ClusterStatus } from "./parsers/cluster-status";

const LIVE = new Set(["LEADER", "FOLLOWER"]);

const hostOf = (address: string) => address.replace(/:\d+$/, "");

/** The node every given node names as leader, when each of them is LEADER or FOLLOWER and they all agree. */
export function agreedLeader(
  cluster: ClusterConfig,
  statuses: Record<string, ClusterStatus | undefined>,
): string | undefined {
  const leaders = new Set<string>();
  for (const status of Object.values(statuses)) {
    if (!status?.state || !LIVE.has(status.state) || !status.leader) return undefined;
    leaders.add(hostOf(status.leader));
  }
  if (leaders.size !== 1) return undefined;
  const [address] = leaders;
  return cluster.nodes.find((n) => xmppAddressOf(n) === address)?.name;
}

/** The nodes that report LEADER or FOLLOWER, in node order. */
export function liveNodes(cluster: ClusterConfig, statuses: Record<string, ClusterStatus | undefined>): string[] {
  return cluster.nodes.map((n) => n.name).filter((node) => LIVE.has(statuses[node]?.state ?? ""));
}

export interface Spare {
  live: string[];
  /** Live nodes left once the leader is disabled. */
  left: number;
  /** A strict majority of all nodes: what an election needs. */
  needed: number;
}

export function spareAfterLosing(cluster: ClusterConfig, live: string[], leader: string): Spare {
  const needed = Math.floor(cluster.nodes.length / 2) + 1;
  return { live, left: live.filter((n) => n !== leader).length, needed };
}

/** Why the drill may not disable the leader, or undefined when a majority stays up without it. */
export function noMajorityToSpare(
  cluster: ClusterConfig,
  spare: Spare,
  leader: string | undefined,
): string | undefined {
  const total = cluster.nodes.length;
  const up = `${spare.live.length} of ${total} nodes are LEADER or FOLLOWER (${spare.live.join(", ") || "none"})`;
  if (!leader) return `no agreed leader to disable: ${up}`;
  if (spare.left >= spare.needed) return undefined;
  return `no majority to spare: ${up}; without the leader ${leader} ${spare.left} would be left, and electing a new leader needs ${spare.needed}`;
}

/**
 * Call Bridges whose `serverAddress` pins them to the node (by its address, XMPP address or FQDN): they cannot fail
 * over while its XMPP server is disabled, only reconnect once it is enabled again.
 */
export function bridgesPinnedTo(cluster: ClusterConfig, nodeName: string): string[] {
  const node = cluster.nodes.find((n) => n.name === nodeName);
  if (!node) return [];
  const names = new Set([node.address, xmppAddressOf(node), node.fqdn].map((h) => h.toLowerCase()));
  return cluster.callBridges
    .filter((b) => b.apiUrl && b.serverAddress && names.has(hostOf(b.serverAddress.trim()).toLowerCase()))
    .map((b) => b.name);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One timeline line: the time since the leader was disabled, then what happened. */
export function timelineLine(ms: number, event: string): string {
  return `${`+${seconds(ms)}`.padStart(9)}  ${event}`;
}

export interface DrillTimes {
  newLeaderMs?: number;
  bridgesMs?: number;
  wholeMs?: number;
}

/** The drill's last line: the times an admin compares across drills. */
export function drillSummary(times: DrillTimes, watchedBridges: boolean): string {
  const at = (ms: number | undefined) => (ms === undefined ? "not reached" : seconds(ms));
  const parts = [`new leader after ${at(times.newLeaderMs)}`];
  if (watchedBridges) parts.push(`every Call Bridge connected after ${at(times.bridgesMs)}`);
  parts.push(`cluster whole after ${at(times.wholeMs)}`);
  return `timeline: ${parts.join(", ")}`;
}
