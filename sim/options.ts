import type { TranscriptEntry } from "./transcript";

/**
 * Where the reference only infers a behaviour ([I]), the simulator picks the likeliest one by default and
 * offers the alternative here.
 */
export interface SimBehaviour {
  /** What `xmpp cluster status` prints as State while no leader can be elected (no quorum). */
  noQuorumState: "CANDIDATE" | "FOLLOWER";
  /** `xmpp cluster enable|disable|initialize` refused while the XMPP server is enabled (the seeds always disable first). */
  clusterChangesRequireXmppDisabled: boolean;
  /** On an authentication failure the Call Bridge tries the next SRV target instead of stopping the round. */
  authFailureFailover: boolean;
  /** `pki csr` accepts `subAltName:` as an alias of `subjectAltName:` (the seed document's spelling). */
  acceptSubAltName: boolean;
}

export const DEFAULT_BEHAVIOUR: SimBehaviour = {
  noQuorumState: "CANDIDATE",
  clusterChangesRequireXmppDisabled: true,
  authFailureFailover: false,
  acceptSubAltName: false,
};

export interface SimUser {
  username: string;
  password: string;
}

export interface SimNodeOptions {
  /** Hostname, used in the prompt "<name>> ". */
  name: string;
  /** Loopback IP to bind, e.g. "127.0.1.1". */
  host: string;
  /** Default 0 = ephemeral (kept across stop/start). */
  sshPort?: number;
  /** HTTPS REST API of the Call Bridge, default 0. */
  apiPort?: number;
  /** XMPP client port, default 5222; cluster peers are shown (and reached) as host:xmppClientPort. */
  xmppClientPort?: number;
  /** XMPP component port, default 5223; Call Bridges connect here. */
  xmppComponentPort?: number;
  /** Default "2.9.8"; any 3.x version makes every xmpp command unknown. */
  version?: string;
  /** Default [{admin, admin}]: SSH and API Basic auth. */
  users?: SimUser[];
  /** Accept the SSH exec channel (default false: MMP is driven through an interactive shell). */
  execChannel?: boolean;
  /** Where the Call Bridge sends its SRV/A queries (and where `xmpp cluster join <name>` resolves names). */
  dnsServer?: { host: string; port: number };
  /** PEM host key; default: an ed25519 key derived from the node name, so the fingerprint is stable. */
  hostKey?: string | Buffer;
  behaviour?: Partial<SimBehaviour>;
  /** Called for every transcript entry (already redacted). */
  onTranscript?: (entry: TranscriptEntry) => void;
}

export interface SimTimings {
  /** Leader keepalive interval. */
  keepaliveMs: number;
  /** A follower that hears no keepalive for a random time in [t, 2t] starts an election. */
  electionTimeoutMs: number;
  /** Call Bridge pause between connection rounds after a failure. */
  bridgeRetryMs: number;
  /** Timeout of one TCP connect or peer request. */
  connectTimeoutMs: number;
}

export interface SimClusterOptions {
  nodes: SimNodeOptions[];
  keepaliveMs?: number;
  electionTimeoutMs?: number;
  /** Initial per-command latency of every node (faults.latencyMs). */
  latencyMs?: number;
  bridgeRetryMs?: number;
}

export function resolveTimings(options: SimClusterOptions): SimTimings {
  const keepaliveMs = options.keepaliveMs ?? 1000;
  const electionTimeoutMs = options.electionTimeoutMs ?? Math.max(3 * keepaliveMs, 50);
  return {
    keepaliveMs,
    electionTimeoutMs,
    bridgeRetryMs: options.bridgeRetryMs ?? Math.max(electionTimeoutMs, 200),
    connectTimeoutMs: Math.max(electionTimeoutMs, 500),
  };
}
