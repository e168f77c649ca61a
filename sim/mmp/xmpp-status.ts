import type { MmpNode } from "./command-context";
import { keyValueLines, mmpDateTime, orNone } from "./format";

/** The key column of the `xmpp` block: as wide as its longest key, "Max sessions per user". */
const XMPP_BLOCK_KEY_WIDTH = 21;

/** `xmpp` with no arguments ([I] as a whole; `Clustered` and `Cluster trust bundle` lines are switches). */
export function xmppStatusBlock(node: MmpNode): string {
  const xmpp = node.store.xmpp;
  const { xmppBlockClustered, xmppBlockTrustBundle } = node.behaviour;
  const status = !xmpp.enabled
    ? "XMPP server disabled"
    : node.xmpp.running
      ? "XMPP server running"
      : "XMPP server not running";
  const lines: ([string, string] | null)[] = [
    ["Enabled", String(xmpp.enabled)],
    xmppBlockClustered ? ["Clustered", String(xmpp.cluster.membership !== null)] : null,
    ["Domain", orNone(xmpp.domain)],
    ["Listening interfaces", xmpp.listen.length > 0 ? xmpp.listen.join(", ") : "none"],
    ["Key file", orNone(xmpp.keyFile)],
    ["Certificate file", orNone(xmpp.certFile)],
    ["CA Bundle file", orNone(xmpp.bundleFile)],
    ["Max sessions per user", "unlimited"],
    ["Cluster enabled", String(xmpp.cluster.enabled)],
    xmppBlockTrustBundle ? ["Cluster trust bundle", orNone(xmpp.cluster.trustBundle)] : null,
    ["STATUS", status],
  ];
  return keyValueLines(
    lines.filter((line) => line !== null),
    XMPP_BLOCK_KEY_WIDTH,
  );
}

/**
 * `xmpp cluster status`, in the shape of the TechNote's screenshots: the three file lines are always there, keys
 * padded to 18 as in the German edition (`Key file           : abhiall.key`).
 */
export function clusterStatusBlock(node: MmpNode): string {
  const view = node.xmpp.cluster.view();
  const xmpp = node.store.xmpp;
  const hidePeers = view.state === "INACTIVE" && node.behaviour.clusterStatusWhileXmppDisabled === "no-peers";
  const peers = hidePeers ? [] : view.peers;
  return [
    `State: ${view.state}`,
    "List of peers",
    ...peers.map((peer) => `${peer.addr}${peer.leader ? " (Leader)" : ""}`),
    `Last state change: ${mmpDateTime(view.lastStateChange)}`,
    keyValueLines(
      [
        ["Key file", orNone(xmpp.keyFile)],
        ["Certificate file", orNone(xmpp.certFile)],
        ["Trust bundle", orNone(xmpp.cluster.trustBundle)],
      ],
      18,
    ),
  ].join("\n");
}
