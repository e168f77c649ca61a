import { FileStore } from "./files/file-store";

/** One entry of the replicated peer list. A node that rejoins after `xmpp reset` gets a new id (CSCvi67717). */
export interface PeerEntry {
  id: string;
  /** "ip:port" of the peer's XMPP client port. */
  addr: string;
}

/** Cluster membership as this node last knew it, plus the election state that survives a restart. */
export interface Membership {
  selfId: string;
  peers: PeerEntry[];
  version: number;
  term: number;
  votedFor: string | null;
}

export interface ClusterConfig {
  enabled: boolean;
  trustBundle: string | null;
  membership: Membership | null;
}

export interface XmppConfig {
  enabled: boolean;
  domain: string | null;
  listen: string[];
  keyFile: string | null;
  certFile: string | null;
  bundleFile: string | null;
  /** Call bridge name -> secret. Local to this node: never replicated across the cluster. */
  callbridges: Map<string, string>;
  cluster: ClusterConfig;
}

/** The Call Bridge's XMPP settings (Web Admin > Configuration > General, or the API). */
export interface BridgeConfig {
  uniqueName: string;
  domain: string;
  sharedSecret: string;
  serverAddress: string;
}

export const emptyXmppConfig = (): XmppConfig => ({
  enabled: false,
  domain: null,
  listen: [],
  keyFile: null,
  certFile: null,
  bundleFile: null,
  callbridges: new Map(),
  cluster: { enabled: false, trustBundle: null, membership: null },
});

/** Everything that survives a power cycle of the node. */
export class NodeState {
  readonly files = new FileStore();
  xmpp: XmppConfig = emptyXmppConfig();
  readonly bridge: BridgeConfig = { uniqueName: "", domain: "", sharedSecret: "", serverAddress: "" };
  /** The Call Bridge database cluster is initialized (`database cluster status`); SimNodeOptions.databaseClusterEnabled. */
  databaseClusterEnabled = true;
  /** The Call Bridge service has listen interface, key and certificate (`callbridge`); SimNodeOptions.callBridgeConfigured. */
  callBridgeConfigured = true;
}
