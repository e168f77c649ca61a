import { randomUUID } from "node:crypto";
import type { Membership, PeerEntry } from "../node-state";

/** Strict majority of the peer list. Duplicate (stale) entries count, which is why CSCvi67717 hurts resilience. */
export const quorum = (peers: PeerEntry[]): number => Math.floor(peers.length / 2) + 1;

export const newMemberId = (): string => randomUUID();

/** A one-node cluster, as `xmpp cluster initialize` creates it. */
export function singleNodeMembership(selfAddr: string): Membership {
  const selfId = newMemberId();
  return { selfId, peers: [{ id: selfId, addr: selfAddr }], version: 1, term: 0, votedFor: null };
}

/** `xmpp cluster remove` takes the peer as the status shows it ("ip:port") or just the IP. */
export function matchesPeer(entry: PeerEntry, peer: string): boolean {
  return entry.addr === peer || entry.addr.replace(/:\d+$/, "") === peer;
}
