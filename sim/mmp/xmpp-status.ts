import type { MmpNode } from "./command-context";
import { keyValueLines, mmpDateTime, orNone } from "./format";

/** `xmpp` with no arguments. */
export function xmppStatusBlock(node: MmpNode): string {
  const xmpp = node.store.xmpp;
  const status = !xmpp.enabled
    ? "XMPP server disabled"
    : node.xmpp.running
      ? "XMPP server running"
      : "XMPP server not running";
  return keyValueLines([
    ["Enabled", String(xmpp.enabled)],
    ["Clustered", String(xmpp.cluster.membership !== null)],
    ["Domain", orNone(xmpp.domain)],
    ["Listening interfaces", xmpp.listen.length > 0 ? xmpp.listen.join(", ") : "none"],
    ["Key file", orNone(xmpp.keyFile)],
    ["Certificate file", orNone(xmpp.certFile)],
    ["CA Bundle file", orNone(xmpp.bundleFile)],
    ["Max sessions per user", "unlimited"],
    ["Cluster enabled", String(xmpp.cluster.enabled)],
    ["Cluster trust bundle", orNone(xmpp.cluster.trustBundle)],
    ["STATUS", status],
  ]);
}

/** `xmpp cluster status`, in the shape of the TechNote's screenshots. */
export function clusterStatusBlock(node: MmpNode): string {
  const view = node.xmpp.cluster.view();
  const xmpp = node.store.xmpp;
  return [
    `State: ${view.state}`,
    "List of peers",
    ...view.peers.map((peer) => `${peer.addr}${peer.leader ? " (Leader)" : ""}`),
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
