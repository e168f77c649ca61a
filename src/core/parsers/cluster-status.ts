import { firstValue, keyValueLines, optionalValue } from "./key-value";

export interface ClusterPeer {
  address: string;
  port: number;
  leader: boolean;
}

export interface ClusterStatus {
  /** LEADER, FOLLOWER, or whatever else the node printed (upper-cased); undefined when not clustered. */
  state: string | undefined;
  peers: ClusterPeer[];
  leader: string | undefined;
  /** Peers listed more than once (defect CSCvi67717), as `address:port`. */
  duplicates: string[];
  /**
   * The node's XMPP files, as the TechNote's status blocks print them (`Key file`, `Certificate file`,
   * `Trust bundle`). This is the only confirmed place the cluster trust bundle is printed. Undefined: not printed;
   * null: printed as none.
   */
  keyFile?: string | null;
  certificateFile?: string | null;
  trustBundle?: string | null;
}

const fileValue = (pairs: [string, string][], key: RegExp): string | null | undefined => {
  const raw = firstValue(pairs, key);
  return raw === undefined ? undefined : (optionalValue(raw) ?? null);
};

export function parseClusterStatus(output: string): ClusterStatus {
  const state = output.match(/^\s*State\s*:\s*(\S+)/im)?.[1].toUpperCase();
  const peers: ClusterPeer[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = line.match(/^\s*([0-9A-Za-z.:[\]-]+?):(\d{1,5})(\s+\(Leader\))?\s*$/);
    if (match) peers.push({ address: match[1], port: Number(match[2]), leader: Boolean(match[3]) });
  }
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const peer of peers) {
    const key = `${peer.address}:${peer.port}`;
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  const leaderPeer = peers.find((p) => p.leader);
  const pairs = keyValueLines(output);
  return {
    state,
    peers,
    leader: leaderPeer ? `${leaderPeer.address}:${leaderPeer.port}` : undefined,
    duplicates: [...duplicates],
    keyFile: fileValue(pairs, /^key file$/),
    certificateFile: fileValue(pairs, /^cert(ificate)? file$/),
    trustBundle: fileValue(pairs, /^(cluster )?trust( bundle)?( file)?$/),
  };
}
