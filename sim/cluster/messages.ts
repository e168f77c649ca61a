import type { PeerEntry } from "../node-state";

/**
 * The simulator's own peer protocol between XMPP nodes: JSON lines on the XMPP client port
 * (the port the peer list shows). Every request carries an id; the reply echoes it.
 */
export type PeerRequest =
  | { t: "hello" }
  | { t: "join"; id: string; addr: string; certPem: string }
  | { t: "heartbeat"; to: string; term: number; leaderId: string; peers: PeerEntry[]; version: number }
  | { t: "vote"; to: string; term: number; candidateId: string; version: number }
  | { t: "leave"; id: string }
  | { t: "remove"; addr: string }
  | { t: "removed"; to: string };

export type PeerReply =
  | { t: "hello"; clustered: boolean; certPem: string | null }
  | { t: "joined"; peers: PeerEntry[]; version: number; term: number; leaderId: string }
  | { t: "ack"; term: number; ok: boolean }
  | { t: "vote"; term: number; granted: boolean }
  | { t: "ok"; removed?: number }
  | { t: "unknown-member" }
  | { t: "error"; reason: string };

export interface PeerFrame<T> {
  id: number;
  body: T;
}
