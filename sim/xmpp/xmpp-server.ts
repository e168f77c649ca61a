import type { X509Certificate } from "node:crypto";
import { ClusterMember } from "../cluster/cluster-member";
import { newMemberId, singleNodeMembership } from "../cluster/membership";
import type { PeerReply, PeerRequest } from "../cluster/messages";
import { servePeerSocket } from "../cluster/peer-listener";
import { PeerTransport } from "../cluster/peer-transport";
import type { HostPort } from "../net/loopback";
import { TrackedListener } from "../net/tracked-listener";
import type { NodeState } from "../node-state";
import type { SimBehaviour, SimTimings } from "../options";
import { isTrustedBy } from "../pki/chain";
import { readPemContents } from "../pki/pem-contents";
import { ComponentListener } from "./component-listener";

export interface XmppServerDeps {
  host: string;
  clientPort: number;
  componentPort: number;
  state: NodeState;
  timings: SimTimings;
  behaviour: SimBehaviour;
}

export type Outcome = { ok: true; detail?: string } | { ok: false; reason: string };

export interface ClusterView {
  state: string;
  peers: { addr: string; leader: boolean }[];
  lastStateChange: Date;
}

/**
 * The XMPP server of one node while it runs (enabled and powered on): the client port carries the cluster
 * peer protocol, the component port authenticates Call Bridges. Cluster membership lives in the node state.
 */
export class XmppServer {
  private readonly clientListener: TrackedListener;
  private readonly componentListener: TrackedListener;
  readonly components: ComponentListener;
  private transport: PeerTransport | null = null;
  member: ClusterMember | null = null;
  lastStateChange = new Date();

  constructor(private readonly deps: XmppServerDeps) {
    this.components = new ComponentListener({
      domain: () => deps.state.xmpp.domain,
      secretOf: (name) => deps.state.xmpp.callbridges.get(name),
    });
    this.clientListener = new TrackedListener(deps.host, deps.clientPort, (socket) =>
      servePeerSocket(socket, (request) => this.handlePeer(request)),
    );
    this.componentListener = new TrackedListener(deps.host, deps.componentPort, (socket) =>
      this.components.serve(socket),
    );
  }

  get running(): boolean {
    return this.transport !== null;
  }

  get selfAddr(): string {
    return `${this.deps.host}:${this.clientListener.port}`;
  }

  get componentAddr(): string {
    return `${this.deps.host}:${this.componentListener.port}`;
  }

  private get config() {
    return this.deps.state.xmpp;
  }

  async start(): Promise<void> {
    if (this.running) return;
    try {
      await this.clientListener.listen();
      await this.componentListener.listen();
    } catch (error) {
      await Promise.all([this.clientListener.close(), this.componentListener.close()]);
      throw error;
    }
    this.transport = new PeerTransport(this.deps.host, this.deps.timings.connectTimeoutMs);
    this.startMember();
    this.touch();
  }

  async stop(): Promise<void> {
    this.stopMember();
    this.transport?.close();
    this.transport = null;
    await Promise.all([this.clientListener.close(), this.componentListener.close()]);
    this.touch();
  }

  /** `xmpp cluster initialize`: a one-node cluster. */
  initialize(): void {
    this.config.cluster.membership = singleNodeMembership(this.selfAddr);
    this.startMember();
    this.touch();
  }

  async join(target: HostPort): Promise<Outcome> {
    const transport = this.transport;
    const ownCert = this.ownCertificatePem();
    if (!transport || !ownCert) return { ok: false, reason: "XMPP server not running" };
    const addr = `${target.host}:${target.port}`;
    const hello = await transport.request(addr, { t: "hello" });
    if (hello?.t !== "hello") return { ok: false, reason: `Unable to contact XMPP server at ${addr}` };
    if (!hello.clustered) return { ok: false, reason: `${addr} is not part of an XMPP cluster` };
    if (!hello.certPem || !this.trusts(hello.certPem)) {
      return { ok: false, reason: `Certificate of ${addr} is not trusted by the cluster trust bundle` };
    }
    const id = newMemberId();
    const reply = await transport.request(addr, { t: "join", id, addr: this.selfAddr, certPem: ownCert });
    if (reply?.t === "error") return { ok: false, reason: reply.reason };
    if (reply?.t !== "joined") return { ok: false, reason: `No answer from XMPP cluster at ${addr}` };
    this.config.cluster.membership = {
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
    const membership = this.config.cluster.membership;
    if (!membership) return null;
    let warning: string | null = null;
    if (this.member?.role === "leader") {
      await this.member.abdicate();
    } else if (!(await this.askOthersToDropMe(membership.selfId))) {
      warning = "could not reach the XMPP cluster; remove this peer with 'xmpp cluster remove' on a remaining member";
    }
    this.stopMember();
    this.config.cluster.membership = null;
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

  clusterView(): ClusterView {
    const cluster = this.config.cluster;
    const membership = cluster.membership;
    const leaderId = this.member?.leaderId ?? null;
    const peers = (membership?.peers ?? []).map((peer) => ({ addr: peer.addr, leader: peer.id === leaderId }));
    return { state: this.stateName(), peers, lastStateChange: this.lastStateChange };
  }

  private stateName(): string {
    const cluster = this.config.cluster;
    if (!cluster.enabled) return "DISABLED";
    if (!cluster.membership) return "UNINITIALIZED";
    if (!this.member) return "INACTIVE";
    if (this.member.role === "leader") return "LEADER";
    if (this.member.role === "follower" && this.member.leaderId) return "FOLLOWER";
    return this.deps.behaviour.noQuorumState;
  }

  private async askOthersToDropMe(selfId: string): Promise<boolean> {
    const membership = this.config.cluster.membership;
    const others = membership?.peers.filter((peer) => peer.id !== selfId) ?? [];
    if (others.length === 0) return true;
    const transport = this.transport ?? new PeerTransport(this.deps.host, this.deps.timings.connectTimeoutMs);
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
      if (transport !== this.transport) transport.close();
    }
  }

  private startMember(): void {
    const membership = this.config.cluster.membership;
    if (!this.transport || !this.config.cluster.enabled || !membership || this.member) return;
    this.member = new ClusterMember({
      membership,
      transport: this.transport,
      timings: this.deps.timings,
      trusts: (certPem) => this.trusts(certPem),
      onChange: () => this.touch(),
      onRemoved: () => {
        this.stopMember();
        this.config.cluster.membership = null;
        this.touch();
      },
    });
    this.member.start();
  }

  private stopMember(): void {
    this.member?.stop();
    this.member = null;
  }

  private async handlePeer(request: PeerRequest): Promise<PeerReply> {
    if (request.t === "hello") {
      return { t: "hello", clustered: this.member !== null, certPem: this.ownCertificatePem() };
    }
    if (!this.member) {
      return request.t === "join" || request.t === "remove" || request.t === "leave"
        ? { t: "error", reason: `${this.selfAddr} is not part of an XMPP cluster` }
        : { t: "unknown-member" };
    }
    return this.member.handle(request);
  }

  private ownCertificatePem(): string | null {
    const certificate = this.certificatesOf(this.config.certFile)[0];
    return certificate ? certificate.toString() : null;
  }

  private certificatesOf(file: string | null): X509Certificate[] {
    const data = file ? this.deps.state.files.read(file) : null;
    return data ? readPemContents(data).certificates : [];
  }

  private trusts(certPem: string): boolean {
    const peer = readPemContents(Buffer.from(certPem)).certificates[0];
    const bundle = this.certificatesOf(this.config.cluster.trustBundle);
    return peer !== undefined && bundle.length > 0 && isTrustedBy(peer, bundle);
  }

  private touch(): void {
    this.lastStateChange = new Date();
  }
}
