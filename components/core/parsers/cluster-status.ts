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
}

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
  return {
    state,
    peers,
    leader: leaderPeer ? `${leaderPeer.address}:${leaderPeer.port}` : undefined,
    duplicates: [...duplicates],
  };
}
