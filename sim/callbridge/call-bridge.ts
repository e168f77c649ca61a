import type { Socket } from "node:net";
import type { BridgeConfig } from "../node-state";
import type { SimBehaviour, SimTimings } from "../options";
import { connectComponent } from "./component-client";
import { type DnsServer, resolveComponentTargets } from "./resolve-targets";

export type BridgeStatus =
  | "not configured"
  | "connecting"
  | "connected"
  | "authentication failure"
  | "dns error"
  | "connection failure"
  | "stopped";

export interface BridgeDeps {
  config: BridgeConfig;
  localAddress: string;
  dnsServer: DnsServer | undefined;
  timings: SimTimings;
  behaviour: SimBehaviour;
}

/**
 * The Call Bridge's XMPP client: resolves the XMPP servers, connects to one, authenticates with its unique
 * name and shared secret, and starts over (fail-over) whenever the connection drops.
 */
export class CallBridge {
  status: BridgeStatus = "stopped";
  /** Web Admin style detail, e.g. "failed to connect to 127.0.1.1:5223 due to authentication failure". */
  detail = "";
  connectedTo: string | null = null;
  private socket: Socket | null = null;
  private generation = 0;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: BridgeDeps) {}

  /** (Re)start the connection loop, e.g. after power on or a configuration change. */
  restart(): void {
    this.stop();
    this.status = "connecting";
    void this.round(++this.generation);
  }

  stop(): void {
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.destroy();
    this.socket = null;
    this.connectedTo = null;
    this.status = "stopped";
    this.detail = "";
  }

  private async round(generation: number): Promise<void> {
    const { uniqueName, domain, sharedSecret, serverAddress } = this.deps.config;
    if (!uniqueName || !domain || !sharedSecret) {
      this.set("not configured", "XMPP server settings not configured");
      return;
    }
    const timeout = this.deps.timings.connectTimeoutMs;
    const resolved = await resolveComponentTargets(domain, serverAddress, {
      server: this.deps.dnsServer,
      localAddress: this.deps.localAddress,
      timeoutMs: timeout,
    });
    if (generation !== this.generation) return;
    if (!resolved.ok) return this.retry(generation, "dns error", resolved.reason);
    let failure: { status: BridgeStatus; detail: string } | null = null;
    for (const target of resolved.targets) {
      const addr = `${target.host}:${target.port}`;
      const attempt = await connectComponent(
        target,
        { uniqueName, domain, sharedSecret },
        this.deps.localAddress,
        timeout,
      );
      if (generation !== this.generation) {
        if (attempt.result === "connected") attempt.socket.destroy();
        return;
      }
      if (attempt.result === "connected") return this.hold(generation, attempt.socket, addr);
      if (attempt.result === "authentication failure") {
        failure = {
          status: "authentication failure",
          detail: `failed to connect to ${addr} due to authentication failure`,
        };
        if (!this.deps.behaviour.authFailureFailover) break;
      } else if (!failure) {
        failure = { status: "connection failure", detail: `failed to connect to ${addr}: ${attempt.reason}` };
      }
    }
    const final = failure ?? { status: "connection failure" as const, detail: "no XMPP server reachable" };
    this.retry(generation, final.status, final.detail);
  }

  private hold(generation: number, socket: Socket, addr: string): void {
    this.socket = socket;
    this.connectedTo = addr;
    this.set("connected", `connected to ${addr}`);
    socket.once("close", () => {
      if (generation !== this.generation) return;
      this.socket = null;
      this.connectedTo = null;
      this.set("connecting", `XMPP connection to ${addr} lost`);
      void this.round(generation);
    });
  }

  private retry(generation: number, status: BridgeStatus, detail: string): void {
    this.set(status, detail);
    this.retryTimer = setTimeout(() => {
      if (generation === this.generation) void this.round(generation);
    }, this.deps.timings.bridgeRetryMs);
  }

  private set(status: BridgeStatus, detail: string): void {
    this.status = status;
    this.detail = detail;
  }
}
