import type { X509Certificate } from "node:crypto";
import { ClusterNode } from "../cluster/cluster-node";
import { servePeerSocket } from "../cluster/peer-listener";
import { PeerTransport } from "../cluster/peer-transport";
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

/**
 * The XMPP server of one node while it runs (enabled and powered on): the client port carries the cluster
 * peer protocol, the component port authenticates Call Bridges. Cluster membership lives in the node state.
 */
export class XmppServer {
  private readonly clientListener: TrackedListener;
  private readonly componentListener: TrackedListener;
  readonly components: ComponentListener;
  readonly cluster: ClusterNode;
  private transport: PeerTransport | null = null;
  /** With `trustChangeNeedsRestart`: the cluster trust bundle read when this server started. */
  private trustAtStart: X509Certificate[] = [];

  constructor(private readonly deps: XmppServerDeps) {
    this.components = new ComponentListener({
      domain: () => deps.state.xmpp.domain,
      secretOf: (name) => deps.state.xmpp.callbridges.get(name),
    });
    this.cluster = new ClusterNode({
      host: deps.host,
      timings: deps.timings,
      behaviour: deps.behaviour,
      config: () => deps.state.xmpp,
      selfAddr: () => this.selfAddr,
      transport: () => this.transport,
      ownCertificatePem: () => this.certificatesOf(deps.state.xmpp.certFile)[0]?.toString() ?? null,
      trusts: (certPem) => this.trusts(certPem),
    });
    this.clientListener = new TrackedListener(deps.host, deps.clientPort, (socket) =>
      servePeerSocket(socket, (request) => this.cluster.handlePeer(request)),
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

  async start(): Promise<void> {
    if (this.running) return;
    try {
      await this.clientListener.listen();
      await this.componentListener.listen();
    } catch (error) {
      await Promise.all([this.clientListener.close(), this.componentListener.close()]);
      throw error;
    }
    this.trustAtStart = this.certificatesOf(this.deps.state.xmpp.cluster.trustBundle);
    this.transport = new PeerTransport(this.deps.host, this.deps.timings.connectTimeoutMs);
    this.cluster.startMember();
    this.cluster.touch();
  }

  async stop(): Promise<void> {
    this.cluster.stopMember();
    this.transport?.close();
    this.transport = null;
    this.trustAtStart = [];
    await Promise.all([this.clientListener.close(), this.componentListener.close()]);
    this.cluster.touch();
  }

  private certificatesOf(file: string | null): X509Certificate[] {
    const data = file ? this.deps.state.files.read(file) : null;
    return data ? readPemContents(data).certificates : [];
  }

  /**
   * Is a peer's XMPP certificate (or one that issued it) in this node's cluster trust bundle? The bundle as
   * configured now, or (`trustChangeNeedsRestart`) as it was when the server started.
   */
  private trusts(certPem: string): boolean {
    const peer = readPemContents(Buffer.from(certPem)).certificates[0];
    const bundle = this.deps.behaviour.trustChangeNeedsRestart
      ? this.trustAtStart
      : this.certificatesOf(this.deps.state.xmpp.cluster.trustBundle);
    return peer !== undefined && bundle.length > 0 && isTrustedBy(peer, bundle);
  }
}
