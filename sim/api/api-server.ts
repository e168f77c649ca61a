import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { CallBridge } from "../callbridge/call-bridge";
import type { Faults } from "../faults";
import { TrackedListener } from "../net/tracked-listener";
import type { BridgeConfig } from "../node-state";
import type { SimBehaviour, SimUser } from "../options";
import { checkPassword } from "../ssh/check-password";
import type { Transcript } from "../transcript";
import { readForm } from "./request-body";
import { el, xmlDocument } from "./xml";

export interface ApiServerDeps {
  host: string;
  port: number;
  keyPem: string;
  certPem: string;
  users: SimUser[];
  version: string;
  bridgeConfig: BridgeConfig;
  bridge: () => CallBridge;
  /** The XMPP settings changed: restart the Call Bridge's connection. */
  onBridgeConfigChanged(): void;
  faults: Faults;
  behaviour: SimBehaviour;
  transcript: Transcript;
  startedAt: () => number;
}

const XMPP_PATH = "/api/v1/system/configuration/xmpp";
const STATUS_PATH = "/api/v1/system/status";
const XMPP_FIELDS = ["uniqueName", "domain", "sharedSecret", "serverAddress"] as const;

/** Blank (DNS SRV lookup), `host` or `host:port` with a port of 1-65535. */
function validServerAddress(value: string): boolean {
  const match = /^[A-Za-z0-9.-]+(?::(\d{1,5}))?$/.exec(value);
  return (
    value === "" || (match !== null && (match[1] === undefined || (Number(match[1]) >= 1 && Number(match[1]) <= 65535)))
  );
}

/** The Call Bridge's HTTPS REST API (Basic auth, form-encoded input, XML output). */
export class ApiServer {
  private readonly https: Server;
  private readonly listener: TrackedListener;

  constructor(private readonly deps: ApiServerDeps) {
    this.https = createServer({ key: deps.keyPem, cert: deps.certPem }, (request, response) => {
      void this.handle(request, response).catch(() => this.send(response, 500, ""));
    });
    this.listener = new TrackedListener(deps.host, deps.port, (socket) => this.https.emit("connection", socket));
  }

  get port(): number {
    return this.listener.port;
  }

  listen(): Promise<void> {
    return this.listener.listen();
  }

  stopAccepting(): void {
    this.listener.stopAccepting();
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  private authorised(request: IncomingMessage): boolean {
    const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    if (!match) return false;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon > 0 && checkPassword(this.deps.users, decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  private send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    if (response.headersSent) return;
    // The node's own clock, as every HTTP server with a clock sends it (RFC 9110 §6.6.1).
    const date = new Date(Date.now() + this.deps.faults.clockSkewMs).toUTCString();
    response.writeHead(status, { "Content-Type": "text/xml", Date: date, ...headers });
    response.end(body);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { faults } = this.deps;
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (!this.authorised(request)) {
      return this.send(response, 401, "", { "WWW-Authenticate": 'Basic realm="Cisco Meeting Server API"' });
    }
    const path = (request.url ?? "").split("?")[0].replace(/\/+$/, "");
    if (path === XMPP_PATH && request.method === "GET") return this.send(response, 200, this.xmppConfigXml());
    if (path === XMPP_PATH && request.method === "PUT") return this.putXmppConfig(request, response);
    if (path === STATUS_PATH && request.method === "GET") return this.send(response, 200, this.statusXml());
    this.send(response, 404, xmlDocument(el("failureDetails", [el("objectDoesNotExist", "")])));
  }

  /** Never includes the shared secret. */
  private xmppConfigXml(): string {
    const config = this.deps.bridgeConfig;
    return xmlDocument(
      el("xmpp", [
        el("uniqueName", config.uniqueName),
        el("domain", config.domain),
        el("serverAddress", config.serverAddress),
      ]),
    );
  }

  private statusXml(): string {
    const bridge = this.deps.bridge();
    return xmlDocument(
      el("status", [
        el("softwareVersion", this.deps.version),
        el("uptimeSeconds", Math.floor((Date.now() - this.deps.startedAt()) / 1000)),
        el("activated", true),
        el("xmppConnection", [
          el("status", bridge.status),
          el("server", bridge.connectedTo ?? ""),
          el("detail", bridge.detail),
        ]),
      ]),
    );
  }

  private async putXmppConfig(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await readForm(request);
    const unknown = [...form.keys()].filter((key) => !(XMPP_FIELDS as readonly string[]).includes(key));
    const logged = [...form.entries()].map(([key, value]) => `${key}=${key === "sharedSecret" ? "********" : value}`);
    if (unknown.length > 0) {
      this.deps.transcript.record(`API PUT ${XMPP_PATH} ${logged.join("&")}`, "error", "400 unrecognised parameter");
      const errors = unknown.map((name) => el("parameterError", "", { parameter: name, error: "unrecognised" }));
      return this.send(response, 400, xmlDocument(el("failureDetails", errors)));
    }
    if (this.deps.faults.apiPutFails) {
      this.deps.transcript.record(`API PUT ${XMPP_PATH} ${logged.join("&")}`, "error", "500");
      return this.send(response, 500, "");
    }
    const serverAddress = form.get("serverAddress");
    if (this.deps.behaviour.apiChecksServerAddress && serverAddress !== null && !validServerAddress(serverAddress)) {
      this.deps.transcript.record(`API PUT ${XMPP_PATH} ${logged.join("&")}`, "error", "400 invalid serverAddress");
      const error = el("parameterError", "", { parameter: "serverAddress", error: "invalidValue" });
      return this.send(response, 400, xmlDocument(el("failureDetails", [error])));
    }
    for (const field of XMPP_FIELDS) {
      const value = form.get(field);
      if (value !== null) this.deps.bridgeConfig[field] = value;
    }
    this.deps.transcript.record(`API PUT ${XMPP_PATH} ${logged.join("&")}`, "ok", "200");
    this.deps.onBridgeConfigChanged();
    this.send(response, 200, "");
  }
}
