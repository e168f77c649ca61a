import type { HostPort } from "../net/loopback";
import type { XmppConfig } from "../node-state";
import type { SimBehaviour, SimTimings } from "../options";
import { ClusterMember } from "./cluster-member";
import { newMemberId, singleNodeMembership } from "./membership";
import type { PeerReply, PeerRequest } from "./messages";
import { PeerTransport } from "./peer-transport";

export interface ClusterNodeDeps {
  host: string;
  timings: SimTimings;
  behaviour: SimBehaviour;
  config(): XmppConfig;
  /** "ip:port" of this node's XMPP client port, as peers list it. */
  selfAddr(): string;
  /** Set while the XMPP server runs. */
  transport(): PeerTransport | null;
  ownCertificatePem(): string | null;
  trusts(certPem: string): boolean;
}

export type Outcome = { ok: true; detail?: string } | { ok: false; reason: string };

export interface ClusterView {
  state: string;
  peers: { addr: string; leader: boolean }[];
  lastStateChange: Date;
}

/**
 * This node's side of XMPP clustering: initialize, join, leave, remove, the peer protocol's server side, and
 * the status view. The election itself is ClusterMember's, which runs only while the XMPP server runs.
 */
export class ClusterNode {
  member: ClusterMember | null = null;
  lastStateChange = new Date();

  constructor(private readonly deps: ClusterNodeDeps) {}

  private get cluster() {
    return this.deps.config().cluster;
  }

  /** `xmpp cluster initialize`: a one-node cluster. */
  initialize(): void {
    this.cluster.membership = singleNodeMembership(this.deps.selfAddr());
    this.startMember();
    this.touch();
  }

  async join(target: HostPort): Promise<Outcome> {
    const transport = this.deps.transport();
    const ownCert = this.deps.ownCertificatePem();
    if (!transport || !ownCert) return { ok: false, reason: "XMPP server not running" };
    const addr = `${target.host}:${target.port}`;
    const hello = await transport.request(addr, { t: "hello" });
    if (hello?.t !== "hello") return { ok: false, reason: `Unable to contact XMPP server at ${addr}` };
    if (!hello.clustered) return { ok: false, reason: `${addr} is not part of an XMPP cluster` };
    if (!hello.certPem || !this.deps.trusts(hello.certPem)) {
      return { ok: false, reason: `Certificate of ${addr} is not trusted by the cluster trust bundle` };
    }
    const id = newMemberId();
    const reply = await transport.request(addr, { t: "join", id, addr: this.deps.selfAddr(), certPem: ownCert });
    if (reply?.t === "error") return { ok: false, reason: reply.reason };
    if (reply?.t !== "joined") return { ok: false, reason: `No answer from XMPP cluster at ${addr}` };
    this.cluster.membership = {
      selfId: id,
      peers: reply.peers,
      version: reply.version,
      term: reply.term,
      votedFor: null,
    };
    this.startMember();
    this.member?.follow(reply.leaderId);
    return { ok: true };
  }

  /**
   * Clean leave (`xmpp cluster disable`): a running leader hands the peer list over; anyone else asks the
   * remaining members (who forward to their leader) to drop it. Returns a warning when nobody could be told.
   */
  async leave(): Promise<string | null> {
    const membership = this.cluster.membership;
    if (!membership) return null;
    let warning: string | null = null;
    if (this.member?.role === "leader") {
      await this.member.abdicate();
    } else if (!(await this.askOthersToDropMe(membership.selfId))) {
      warning = "could not reach the XMPP cluster; remove this peer with 'xmpp cluster remove' on a remaining member";
    }
    this.stopMember();
    this.cluster.membership = null;
    this.touch();
    return warning;
  }

  async remove(peer: string): Promise<Outcome> {
    if (!this.member) return { ok: false, reason: "This node is not an active XMPP cluster member" };
    const outcome = await this.member.changeMembership({ t: "remove", addr: peer });
    if (!outcome.ok) return outcome;
    const removed = outcome.reply.t === "ok" ? (outcome.reply.removed ?? 0) : 0;
    return { ok: true, detail: `${removed} peer entr${removed === 1 ? "y" : "ies"} removed` };
  }

  view(): ClusterView {
    const leaderId = this.member?.leaderId ?? null;
    const peers = (this.cluster.membership?.peers ?? []).map((peer) => ({
      addr: peer.addr,
      leader: peer.id === leaderId,
    }));
    return { state: this.stateName(), peers, lastStateChange: this.lastStateChange };
  }

  /** Server side of the peer protocol. */
  async handlePeer(request: PeerRequest): Promise<PeerReply> {
    if (request.t === "hello") {
      return { t: "hello", clustered: this.member !== null, certPem: this.deps.ownCertificatePem() };
    }
    if (!this.member) {
      return request.t === "join" || request.t === "remove" || request.t === "leave"
        ? { t: "error", reason: `${this.deps.selfAddr()} is not part of an XMPP cluster` }
        : { t: "unknown-member" };
    }
    return this.member.handle(request);
  }

  /** Starts the election engine if this node is a member, clustering is on and the XMPP server runs. */
  startMember(): void {
    const membership = this.cluster.membership;
    const transport = this.deps.transport();
    if (!transport || !this.cluster.enabled || !membership || this.member) return;
    this.member = new ClusterMember({
      membership,
      transport,
      timings: this.deps.timings,
      trusts: (certPem) => this.deps.trusts(certPem),
      removeDropsAllEntries: this.deps.behaviour.clusterRemoveDropsAllEntries,
      onChange: () => this.touch(),
      onRemoved: () => {
        this.stopMember();
        this.cluster.membership = null;
        this.touch();
      },
    });
    this.member.start();
  }

  stopMember(): void {
    this.member?.stop();
    this.member = null;
  }

  touch(): void {
    this.lastStateChange = new Date();
  }

  private stateName(): string {
    if (!this.cluster.enabled) return "DISABLED";
    if (!this.cluster.membership) return "UNINITIALIZED";
    if (!this.member) return "INACTIVE";
    if (this.member.role === "leader") return "LEADER";
    if (this.member.role === "follower" && this.member.leaderId) return "FOLLOWER";
    return this.deps.behaviour.noQuorumState;
  }

  private async askOthersToDropMe(selfId: string): Promise<boolean> {
    const others = this.cluster.membership?.peers.filter((peer) => peer.id !== selfId) ?? [];
    if (others.length === 0) return true;
    const running = this.deps.transport();
    const transport = running ?? new PeerTransport(this.deps.host, this.deps.timings.connectTimeoutMs);
    const deadline = Date.now() + 4 * this.deps.timings.electionTimeoutMs;
    try {
      do {
        for (const peer of others) {
          const reply = await transport.request(peer.addr, { t: "leave", id: selfId });
          if (reply?.t === "ok") return true;
        }
        await new Promise((resolve) => setTimeout(resolve, this.deps.timings.keepaliveMs));
      } while (Date.now() < deadline);
      return false;
    } finally {
      if (transport !== running) transport.close();
    }
  }
}
