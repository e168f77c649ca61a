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
  /**
   * The plain `xmpp` status block prints a `Cluster trust bundle` line.
   * [C] The TechNote prints the trust bundle only in `xmpp cluster status` (`Trust bundle : abhiall.cer`).
   * [I] Whether `xmpp` prints it at all; no source shows the `xmpp` block. Default true (printed).
   */
  xmppBlockTrustBundle: boolean;
  /**
   * The plain `xmpp` status block prints a `Clustered` line (true while this node is a cluster member).
   * [I] No source shows the `xmpp` block; the line is a guess. Default true (printed).
   */
  xmppBlockClustered: boolean;
  /**
   * The layout of each entry of `xmpp callbridge list` (and of the entry `xmpp callbridge add` prints).
   * [C] "aligned" is the TechNote's command block: a `***` line, then `Callbridge : cb1`, `Domain     : tptac9.com`,
   * `Secret     : <secret>` (keys padded to one column).
   * [I] "compact" is the TechNote's prose rendering, `Callbridge: cb1` / `Domain: tptac9.com` / `Secret: <secret>`
   * (no padding, no space before the colon), with a `*****` separator line as the Spanish OCR shows it.
   * Default "aligned".
   */
  callbridgeListLayout: "aligned" | "compact";
  /**
   * What `xmpp cluster status` prints on a cluster member whose XMPP server is disabled (`xmpp disable`;
   * State `INACTIVE`). Membership is kept either way: `xmpp enable` rejoins.
   * [C] "If the cluster fails, then this command returns the statistics of the xmpp server which runs on this
   * Meeting Server only" (TechNote); it says nothing about a disabled server.
   * [I] "remembered-peers": the peer list the node last knew (without a ` (Leader)` tag).
   * [I] "no-peers": the State line, `List of peers` with no peer lines, then `Last state change` and the file lines.
   * Default "remembered-peers".
   */
  clusterStatusWhileXmppDisabled: "remembered-peers" | "no-peers";
  /**
   * `xmpp cluster remove <peer>` drops every entry of that address in one call (a peer duplicated by CSCvi67717
   * goes at once). When false it drops only one entry per call (the first in the peer list), so a duplicated
   * peer needs the command twice. [I] Both: the command itself is not confirmed by the TechNote. Default true.
   */
  clusterRemoveDropsAllEntries: boolean;
  /**
   * A running XMPP server keeps the cluster trust bundle it was started with (the certificates read at
   * `xmpp enable` or power-on) until `xmpp disable` + `xmpp enable`; `xmpp cluster trust` only stores the new
   * file name (which `xmpp cluster status` shows at once). When false, a new `xmpp cluster trust` (and the
   * bundle file's current content) counts for the next join at once.
   * [C] `xmpp cluster trust <bundle>` sets the bundle; the TechNote always runs it before `xmpp disable`/`enable`.
   * [I] Whether a change needs a restart. Default false (takes effect at once).
   */
  trustChangeNeedsRestart: boolean;
  /**
   * `PUT /api/v1/system/configuration/xmpp` refuses a `serverAddress` that is neither blank nor `host` or
   * `host:port` (port 1-65535): HTTP 400 with
   * `<failureDetails><parameterError parameter="serverAddress" error="invalidValue" /></failureDetails>`.
   * [I] The failure format is the one the simulator answers an unrecognised parameter with; which values the API
   * checks and the error name are not confirmed by any source. Default true (checked).
   */
  apiChecksServerAddress: boolean;
  /**
   * The layout of `database cluster status` (the Call Bridge database cluster, a prerequisite of XMPP resiliency).
   * [C] The command exists and its output ends with `Last command             : 'database cluster join 10.48.36.61'
   * (Success)` (S5, Cisco doc 210530).
   * [I] The rest of the layout.
   * "s5": `Status                   : Enabled` (or `Disabled`), `Nodes:` with one 4-space indented
   * `<ip> (me) : Connected Master` line per known node (none while disabled), `Interface                : a`
   * (`none`), then `Last command             : 'database cluster initialize' (Success)` (`none`); keys padded
   * to the column of S5's `Last command` line.
   * "other": a plausible layout with no `Status` key: `Cluster state : enabled|disabled`, then the
   * `Last command` line. Default "s5".
   */
  databaseClusterStatusLayout: "s5" | "other";
  /**
   * The layout of the bare `callbridge` command (the Call Bridge service's settings).
   * [C] Status commands take the bare service name and print aligned `Key : value` lines (S4: `streamer`,
   * `uploader`).
   * [I] The keys of `callbridge`.
   * "keyed": `Listening interfaces`, `Preferred interface`, `Key file`, `Certificate file`, `Address`,
   * `CA Bundle file`, `Trust bundle`, in the 23-character key column of S4's `streamer` block.
   * "other": other key names (`Interfaces`, `Key`, `Certificate`), no `Listening interfaces` key.
   * Default "keyed".
   */
  callbridgeStatusLayout: "keyed" | "other";
}

export const DEFAULT_BEHAVIOUR: SimBehaviour = {
  noQuorumState: "CANDIDATE",
  clusterChangesRequireXmppDisabled: true,
  authFailureFailover: false,
  acceptSubAltName: false,
  xmppBlockTrustBundle: true,
  xmppBlockClustered: true,
  callbridgeListLayout: "aligned",
  clusterStatusWhileXmppDisabled: "remembered-peers",
  clusterRemoveDropsAllEntries: true,
  trustChangeNeedsRestart: false,
  apiChecksServerAddress: true,
  databaseClusterStatusLayout: "s5",
  callbridgeStatusLayout: "keyed",
};

/** Every value each switch accepts (for the CLI's `--behaviour key=value`), the default first. */
export const BEHAVIOUR_CHOICES: { readonly [K in keyof SimBehaviour]: readonly SimBehaviour[K][] } = {
  noQuorumState: ["CANDIDATE", "FOLLOWER"],
  clusterChangesRequireXmppDisabled: [true, false],
  authFailureFailover: [false, true],
  acceptSubAltName: [false, true],
  xmppBlockTrustBundle: [true, false],
  xmppBlockClustered: [true, false],
  callbridgeListLayout: ["aligned", "compact"],
  clusterStatusWhileXmppDisabled: ["remembered-peers", "no-peers"],
  clusterRemoveDropsAllEntries: [true, false],
  trustChangeNeedsRestart: [false, true],
  apiChecksServerAddress: [true, false],
  databaseClusterStatusLayout: ["s5", "other"],
  callbridgeStatusLayout: ["keyed", "other"],
};

/**
 * Print only what the TechNote shows: no `Cluster trust bundle` or `Clustered` line in `xmpp`, the TechNote's
 * `xmpp callbridge list` block, and no remembered peers in `xmpp cluster status` while XMPP is disabled.
 * Use as `behaviour: TECHNOTE_LAYOUT` (or spread it and add other switches).
 */
export const TECHNOTE_LAYOUT: Readonly<Partial<SimBehaviour>> = Object.freeze({
  xmppBlockTrustBundle: false,
  xmppBlockClustered: false,
  callbridgeListLayout: "aligned",
  clusterStatusWhileXmppDisabled: "no-peers",
});

/** The same four output switches at the simulator's defaults: the richer, partly inferred layout. */
export const RICH_LAYOUT: Readonly<Partial<SimBehaviour>> = Object.freeze({
  xmppBlockTrustBundle: true,
  xmppBlockClustered: true,
  callbridgeListLayout: "aligned",
  clusterStatusWhileXmppDisabled: "remembered-peers",
});

/** The presets by name, as `--layout` takes them. */
export const LAYOUTS: Readonly<Record<"technote" | "rich", Readonly<Partial<SimBehaviour>>>> = Object.freeze({
  technote: TECHNOTE_LAYOUT,
  rich: RICH_LAYOUT,
});

export interface SimUser {
  username: string;
  password: string;
  /** What `user list` prints as PASSWORD EXPIRY; default: six months (182 days) from the moment it runs. */
  passwordExpiry?: Date;
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
  /**
   * API Basic auth only, instead of `users` (default: the same users, as CMS authenticates its API against the MMP
   * accounts). Lets a test give the API another password, so that mixing up the two config keys shows.
   */
  apiUsers?: SimUser[];
  /**
   * The Call Bridge database cluster is set up (`database cluster initialize` done): `database cluster status`
   * prints it enabled. Default true. Output only: nothing else depends on it.
   */
  databaseClusterEnabled?: boolean;
  /**
   * The Call Bridge service has a listening interface, key and certificate (`callbridge listen a`,
   * `callbridge certs callbridge.key callbridge.cer`): the bare `callbridge` command prints them. Default true.
   * Output only: the Call Bridge's XMPP connection does not depend on it.
   */
  callBridgeConfigured?: boolean;
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
