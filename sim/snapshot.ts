import type { BridgeStatus } from "./callbridge/call-bridge";

/** A read-only copy of what a node currently holds (SimNode.state()). */
export interface SimNodeSnapshot {
  powered: boolean;
  version: string;
  /** Files in the SFTP root, in upload order. */
  files: string[];
  /** `database cluster status` prints the database cluster enabled (SimNodeOptions.databaseClusterEnabled). */
  databaseClusterEnabled: boolean;
  /** The bare `callbridge` command prints a listening interface, key and certificate (SimNodeOptions.callBridgeConfigured). */
  callBridgeConfigured: boolean;
  xmpp: {
    enabled: boolean;
    running: boolean;
    domain: string | null;
    listen: string[];
    keyFile: string | null;
    certFile: string | null;
    bundleFile: string | null;
    /** Call bridge names only, never secrets. */
    callbridges: string[];
    /** Call Bridges currently authenticated on this node's component port. */
    connectedCallbridges: string[];
  };
  cluster: {
    enabled: boolean;
    trustBundle: string | null;
    member: boolean;
    /** As `xmpp cluster status` prints it: LEADER, FOLLOWER, CANDIDATE, INACTIVE, UNINITIALIZED or DISABLED. */
    state: string;
    /** "ip:port" of the leader this node recognises, or null. */
    leader: string | null;
    /** "ip:port" per peer entry, duplicates included. */
    peers: string[];
  };
  bridge: {
    uniqueName: string;
    domain: string;
    serverAddress: string;
    status: BridgeStatus;
    connectedTo: string | null;
  };
}
