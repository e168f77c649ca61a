import { ApiServer } from "./api/api-server";
import { CallBridge } from "./callbridge/call-bridge";
import { resolveHost } from "./callbridge/resolve-targets";
import { Faults } from "./faults";
import type { MmpNode } from "./mmp/command-context";
import { runCommand } from "./mmp/command-runner";
import { assertLoopback } from "./net/loopback";
import { emptyXmppConfig, NodeState } from "./node-state";
import { DEFAULT_BEHAVIOUR, type SimBehaviour, type SimNodeOptions, type SimTimings, type SimUser } from "./options";
import { issueKeyAndCertificate } from "./pki/ca";
import type { SimNodeSnapshot } from "./snapshot";
import { derivedHostKey, hostKeyFingerprint } from "./ssh/host-key";
import { SshServer } from "./ssh/ssh-server";
import { Redactor, Transcript, type TranscriptEntry } from "./transcript";
import { XmppServer } from "./xmpp/xmpp-server";

/** One simulated CMS 2.x node: MMP over SSH, SFTP, XMPP server, Call Bridge with its REST API. */
export class SimNode implements MmpNode {
  readonly name: string;
  readonly host: string;
  readonly version: string;
  readonly behaviour: SimBehaviour;
  readonly users: SimUser[];
  readonly store = new NodeState();
  readonly redactor = new Redactor();
  readonly faults: Faults;
  readonly xmpp: XmppServer;
  readonly hostKeyFingerprint: string;
  readonly apiCertPem: string;
  private readonly log: Transcript;
  private readonly ssh: SshServer;
  private readonly api: ApiServer;
  private readonly bridge: CallBridge;
  private powered = false;
  private startedAt = Date.now();

  constructor(
    private readonly options: SimNodeOptions,
    private readonly timings: SimTimings,
  ) {
    assertLoopback(options.host, `host of ${options.name}`);
    if (options.dnsServer) assertLoopback(options.dnsServer.host, "dnsServer.host");
    this.name = options.name;
    this.host = options.host;
    this.version = options.version ?? "2.9.8";
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
    this.users = options.users ?? [{ username: "admin", password: "admin" }];
    this.store.databaseClusterEnabled = options.databaseClusterEnabled ?? true;
    this.store.callBridgeConfigured = options.callBridgeConfigured ?? true;
    this.log = new Transcript(this.redactor, options.onTranscript);
    this.faults = new Faults((refuse) => this.onRefuseChange(refuse));
    const hostKey = options.hostKey ?? derivedHostKey(options.name);
    this.hostKeyFingerprint = hostKeyFingerprint(hostKey);
    this.xmpp = new XmppServer({
      host: options.host,
      clientPort: options.xmppClientPort || 5222,
      componentPort: options.xmppComponentPort || 5223,
      state: this.store,
      timings,
      behaviour: this.behaviour,
    });
    this.bridge = new CallBridge({
      config: this.store.bridge,
      localAddress: options.host,
      dnsServer: options.dnsServer,
      timings,
      behaviour: this.behaviour,
    });
    this.ssh = new SshServer({
      host: options.host,
      port: options.sshPort ?? 0,
      hostKey,
      users: this.users,
      execChannel: options.execChannel ?? false,
      files: this.store.files,
      faults: this.faults,
      commands: { name: this.name, run: (line, sink) => runCommand(this, this.faults, this.log, line, sink) },
    });
    const apiCredentials = issueKeyAndCertificate(
      { CN: options.name },
      { subjectAltNames: [options.host, options.name] },
    );
    this.apiCertPem = apiCredentials.certPem;
    this.api = new ApiServer({
      host: options.host,
      port: options.apiPort ?? 0,
      keyPem: apiCredentials.keyPem,
      certPem: apiCredentials.certPem,
      users: options.apiUsers ?? this.users,
      version: this.version,
      bridgeConfig: this.store.bridge,
      bridge: () => this.bridge,
      onBridgeConfigChanged: () => {
        this.redactor.add(this.store.bridge.sharedSecret);
        if (this.powered) this.bridge.restart();
      },
      faults: this.faults,
      behaviour: this.behaviour,
      transcript: this.log,
      startedAt: () => this.startedAt,
    });
  }

  get sshPort(): number {
    return this.ssh.port;
  }

  get apiPort(): number {
    return this.api.port;
  }

  /** Every MMP command (and API change) with its output, secrets redacted. */
  get transcript(): TranscriptEntry[] {
    return this.log.entries;
  }

  clearTranscript(): void {
    this.log.clear();
  }

  /** Power on. Files and configuration from before a stop() are still there. */
  async start(): Promise<void> {
    if (this.powered) return;
    this.startedAt = Date.now();
    if (!this.faults.refuseConnections) await Promise.all([this.ssh.listen(), this.api.listen()]);
    this.powered = true;
    await this.applyXmppRunning();
    this.bridge.restart();
  }

  /** Power off: every connection drops, nothing answers until start(). */
  async stop(): Promise<void> {
    this.powered = false;
    this.bridge.stop();
    await Promise.all([this.xmpp.stop(), this.ssh.close(), this.api.close()]);
  }

  callBridge(): { status(): string; connectedTo(): string | null; detail(): string } {
    return {
      status: () => this.bridge.status,
      connectedTo: () => this.bridge.connectedTo,
      detail: () => this.bridge.detail,
    };
  }

  state(): SimNodeSnapshot {
    const xmpp = this.store.xmpp;
    const view = this.xmpp.cluster.view();
    const bridge = this.store.bridge;
    return {
      powered: this.powered,
      version: this.version,
      files: this.store.files.names(),
      databaseClusterEnabled: this.store.databaseClusterEnabled,
      callBridgeConfigured: this.store.callBridgeConfigured,
      xmpp: {
        enabled: xmpp.enabled,
        running: this.xmpp.running,
        domain: xmpp.domain,
        listen: [...xmpp.listen],
        keyFile: xmpp.keyFile,
        certFile: xmpp.certFile,
        bundleFile: xmpp.bundleFile,
        callbridges: [...xmpp.callbridges.keys()],
        connectedCallbridges: [...this.xmpp.components.connected.keys()],
      },
      cluster: {
        enabled: xmpp.cluster.enabled,
        trustBundle: xmpp.cluster.trustBundle,
        member: xmpp.cluster.membership !== null,
        state: view.state,
        leader: view.peers.find((peer) => peer.leader)?.addr ?? null,
        peers: view.peers.map((peer) => peer.addr),
      },
      bridge: {
        uniqueName: bridge.uniqueName,
        domain: bridge.domain,
        serverAddress: bridge.serverAddress,
        status: this.bridge.status,
        connectedTo: this.bridge.connectedTo,
      },
    };
  }

  loggedInUsers(): Set<string> {
    return new Set(this.ssh.loggedIn.values());
  }

  /** SSH connections this node has accepted so far. */
  get sshConnections(): number {
    return this.ssh.connectionsAccepted;
  }

  async applyXmppRunning(): Promise<void> {
    const wanted = this.powered && this.store.xmpp.enabled;
    if (wanted && !this.xmpp.running) await this.xmpp.start();
    if (!wanted && this.xmpp.running) await this.xmpp.stop();
  }

  async resetXmpp(): Promise<void> {
    await this.xmpp.stop();
    this.store.xmpp = emptyXmppConfig();
  }

  async resolveHost(name: string): Promise<string | null> {
    const addresses = await resolveHost(name, {
      server: this.options.dnsServer,
      localAddress: this.host,
      timeoutMs: this.timings.connectTimeoutMs,
    });
    return addresses[0] ?? null;
  }

  private onRefuseChange(refuse: boolean): void {
    if (refuse) {
      this.ssh.stopAccepting();
      this.api.stopAccepting();
    } else if (this.powered) {
      void Promise.all([this.ssh.listen(), this.api.listen()]).catch(() => undefined);
    }
  }
}
