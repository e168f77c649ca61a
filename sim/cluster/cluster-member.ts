import type { Membership, PeerEntry } from "../node-state";
import type { SimTimings } from "../options";
import { matchesPeer, quorum } from "./membership";
import type { PeerReply, PeerRequest } from "./messages";
import type { PeerTransport } from "./peer-transport";

export type Role = "follower" | "candidate" | "leader";

export interface ClusterMemberDeps {
  /** Persistent membership of this node; mutated in place. */
  membership: Membership;
  transport: PeerTransport;
  timings: SimTimings;
  /** Is a joining peer's XMPP certificate trusted by this node's cluster trust bundle? */
  trusts(certPem: string): boolean;
  /** As leader, `remove` drops every entry of the address (else only the first one). */
  removeDropsAllEntries: boolean;
  /** Role or leader changed. */
  onChange(): void;
  /** The leader removed this node from the cluster. */
  onRemoved(): void;
}

type Outcome = { ok: true; reply: PeerReply } | { ok: false; reason: string };

/**
 * Keepalives and strict-majority leader election over the peer list, in the manner of Raft without a log:
 * terms, one vote per term, a candidate needs a majority, a leader that loses its majority steps down,
 * and followers that hear a live leader refuse to vote (so a returning node cannot disrupt the cluster).
 */
export class ClusterMember {
  role: Role = "follower";
  leaderId: string | null = null;
  private lastHeard = 0;
  private leaderSince = 0;
  private readonly lastAck = new Map<string, number>();
  private electionTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: ClusterMemberDeps) {}

  private get m(): Membership {
    return this.deps.membership;
  }

  private get others(): PeerEntry[] {
    return this.m.peers.filter((peer) => peer.id !== this.m.selfId);
  }

  get leaderAddr(): string | null {
    return this.m.peers.find((peer) => peer.id === this.leaderId)?.addr ?? null;
  }

  start(): void {
    if (this.others.length === 0) this.becomeLeader();
    else this.resetElectionTimer();
  }

  stop(): void {
    this.stopped = true;
    if (this.electionTimer) clearTimeout(this.electionTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
  }

  handle(request: PeerRequest): Promise<PeerReply> | PeerReply {
    switch (request.t) {
      case "heartbeat":
        return this.onHeartbeat(request);
      case "vote":
        return this.onVote(request);
      case "join":
      case "leave":
      case "remove":
        return this.changeMembership(request).then((outcome) =>
          outcome.ok ? outcome.reply : { t: "error", reason: outcome.reason },
        );
      case "removed":
        if (request.to !== this.m.selfId) return { t: "unknown-member" };
        this.deps.onRemoved();
        return { t: "ok" };
      default:
        return { t: "error", reason: "unexpected request" };
    }
  }

  /** Runs a join/leave/remove on the leader, forwarding it there from a follower. */
  async changeMembership(request: PeerRequest & { t: "join" | "leave" | "remove" }): Promise<Outcome> {
    if (this.role === "leader") return this.applyAsLeader(request);
    const leaderAddr = this.leaderAddr;
    if (!leaderAddr) return { ok: false, reason: "XMPP cluster has no leader" };
    const reply = await this.deps.transport.request(leaderAddr, request);
    if (!reply) return { ok: false, reason: `cluster leader ${leaderAddr} did not answer` };
    if (reply.t === "error") return { ok: false, reason: reply.reason };
    return { ok: true, reply };
  }

  private applyAsLeader(request: PeerRequest & { t: "join" | "leave" | "remove" }): Outcome {
    const m = this.m;
    if (request.t === "join") {
      if (!this.deps.trusts(request.certPem)) {
        return { ok: false, reason: "peer certificate not trusted by the cluster trust bundle" };
      }
      if (!m.peers.some((peer) => peer.id === request.id)) m.peers.push({ id: request.id, addr: request.addr });
      // The joiner only answers keepalives once it has the reply: give it a full timeout of credit.
      this.lastAck.set(request.id, Date.now());
      return this.commit({ t: "joined", peers: m.peers, version: m.version + 1, term: m.term, leaderId: m.selfId });
    }
    if (request.t === "leave") {
      m.peers = m.peers.filter((peer) => peer.id !== request.id);
      return this.commit({ t: "ok" });
    }
    const matching = m.peers.filter((peer) => peer.id !== m.selfId && matchesPeer(peer, request.addr));
    const removed = this.deps.removeDropsAllEntries ? matching : matching.slice(0, 1);
    if (removed.length === 0) {
      const self = m.peers.some((peer) => matchesPeer(peer, request.addr));
      return { ok: false, reason: self ? "cannot remove the cluster leader" : `peer ${request.addr} not found` };
    }
    m.peers = m.peers.filter((peer) => !removed.includes(peer));
    for (const peer of removed) void this.deps.transport.request(peer.addr, { t: "removed", to: peer.id });
    return this.commit({ t: "ok", removed: removed.length });
  }

  private commit(reply: PeerReply): Outcome {
    this.m.version += 1;
    if (reply.t === "joined") reply.version = this.m.version;
    void this.broadcast();
    return { ok: true, reply };
  }

  /** The leader leaving: hand the shrunken peer list to the others, then stop leading. */
  async abdicate(): Promise<void> {
    this.m.peers = this.m.peers.filter((peer) => peer.id !== this.m.selfId);
    this.m.version += 1;
    await this.broadcast();
  }

  /** Right after a successful join: the leader is known before its first keepalive arrives. */
  follow(leaderId: string): void {
    this.lastHeard = Date.now();
    this.setRole("follower", leaderId);
    this.resetElectionTimer();
  }

  private onHeartbeat(request: PeerRequest & { t: "heartbeat" }): PeerReply {
    const m = this.m;
    if (request.to !== m.selfId) return { t: "unknown-member" };
    if (request.term < m.term) return { t: "ack", term: m.term, ok: false };
    if (request.term > m.term) {
      m.term = request.term;
      m.votedFor = null;
    }
    if (request.version > m.version) {
      m.peers = request.peers;
      m.version = request.version;
      if (!m.peers.some((peer) => peer.id === m.selfId)) {
        this.deps.onRemoved();
        return { t: "ack", term: m.term, ok: true };
      }
    }
    const leaderStillMember = m.peers.some((peer) => peer.id === request.leaderId);
    this.setRole("follower", leaderStillMember ? request.leaderId : null);
    if (leaderStillMember) this.lastHeard = Date.now();
    // A leader that left hands over at once: elect a successor soon rather than after a full timeout.
    this.resetElectionTimer(leaderStillMember ? undefined : Math.random() * this.deps.timings.electionTimeoutMs);
    return { t: "ack", term: m.term, ok: true };
  }

  private onVote(request: PeerRequest & { t: "vote" }): PeerReply {
    const m = this.m;
    if (request.to !== m.selfId) return { t: "unknown-member" };
    const deny: PeerReply = { t: "vote", term: m.term, granted: false };
    if (!m.peers.some((peer) => peer.id === request.candidateId)) return deny;
    if (this.hearsLiveLeader()) return deny;
    if (request.term < m.term) return deny;
    if (request.term > m.term) {
      m.term = request.term;
      m.votedFor = null;
      if (this.role !== "follower") this.stepDown();
    }
    const granted = (m.votedFor === null || m.votedFor === request.candidateId) && request.version >= m.version;
    if (granted) {
      m.votedFor = request.candidateId;
      this.resetElectionTimer();
    }
    return { t: "vote", term: m.term, granted };
  }

  private hearsLiveLeader(): boolean {
    const now = Date.now();
    if (this.role === "leader") return this.ackedMajority(now);
    return this.leaderId !== null && now - this.lastHeard < this.deps.timings.electionTimeoutMs;
  }

  private ackedMajority(now: number): boolean {
    const window = this.deps.timings.electionTimeoutMs;
    const acked = this.others.filter((peer) => now - (this.lastAck.get(peer.id) ?? 0) < window).length;
    return acked + 1 >= quorum(this.m.peers);
  }

  private async campaign(): Promise<void> {
    if (this.stopped) return;
    const m = this.m;
    m.term += 1;
    m.votedFor = m.selfId;
    const term = m.term;
    this.setRole("candidate", null);
    this.resetElectionTimer();
    let votes = 1;
    const needed = quorum(m.peers);
    if (votes >= needed) return this.becomeLeader();
    const timeout = this.deps.timings.electionTimeoutMs;
    await Promise.all(
      this.others.map(async (peer) => {
        const request: PeerRequest = { t: "vote", to: peer.id, term, candidateId: m.selfId, version: m.version };
        const reply = await this.deps.transport.request(peer.addr, request, timeout);
        if (this.stopped || this.role !== "candidate" || m.term !== term || reply?.t !== "vote") return;
        if (reply.term > m.term) {
          m.term = reply.term;
          m.votedFor = null;
          this.stepDown();
        } else if (reply.granted && ++votes >= needed) {
          this.becomeLeader();
        }
      }),
    );
  }

  private becomeLeader(): void {
    if (this.stopped) return;
    if (this.electionTimer) clearTimeout(this.electionTimer);
    this.leaderSince = Date.now();
    this.lastAck.clear();
    this.setRole("leader", this.m.selfId);
    void this.broadcast();
    this.heartbeatTimer = setInterval(() => this.keepalive(), this.deps.timings.keepaliveMs);
  }

  private stepDown(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.setRole("follower", null);
    this.resetElectionTimer();
  }

  /** Leader tick: step down without a majority of recent acknowledgements, else send keepalives. */
  private keepalive(): void {
    const now = Date.now();
    if (now - this.leaderSince > this.deps.timings.electionTimeoutMs && !this.ackedMajority(now)) this.stepDown();
    else void this.broadcast();
  }

  private async broadcast(): Promise<void> {
    const m = this.m;
    const timeout = this.deps.timings.keepaliveMs * 2;
    const sends = this.others.map((peer) => {
      const request: PeerRequest = {
        t: "heartbeat",
        to: peer.id,
        term: m.term,
        leaderId: m.selfId,
        peers: m.peers,
        version: m.version,
      };
      return this.deps.transport.request(peer.addr, request, timeout).then((reply) => {
        if (this.stopped || reply?.t !== "ack") return;
        if (reply.term > m.term) {
          m.term = reply.term;
          m.votedFor = null;
          this.stepDown();
        } else if (reply.ok) {
          this.lastAck.set(peer.id, Date.now());
        }
      });
    });
    await Promise.all(sends);
  }

  private resetElectionTimer(delayMs?: number): void {
    if (this.stopped) return;
    if (this.electionTimer) clearTimeout(this.electionTimer);
    const base = this.deps.timings.electionTimeoutMs;
    const delay = delayMs ?? base + Math.floor(Math.random() * base);
    this.electionTimer = setTimeout(() => void this.campaign(), delay);
  }

  private setRole(role: Role, leaderId: string | null): void {
    if (role === this.role && leaderId === this.leaderId) return;
    if (this.role === "leader" && role !== "leader" && this.heartbeatTimer) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }
    this.role = role;
    this.leaderId = leaderId;
    this.deps.onChange();
  }
}
