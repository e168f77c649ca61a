import { connect, type Socket } from "node:net";
import { isLoopback, parseHostPort } from "../net/loopback";
import type { PeerFrame, PeerReply, PeerRequest } from "./messages";

interface Link {
  socket: Socket;
  pending: Map<number, (reply: PeerReply | null) => void>;
}

/** Client side of the peer protocol: one persistent connection per peer address, requests with timeouts. */
export class PeerTransport {
  private readonly links = new Map<string, Link>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly localAddress: string,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves with the reply, or null when the peer is unreachable or too slow. */
  request(addr: string, body: PeerRequest, timeoutMs = this.timeoutMs): Promise<PeerReply | null> {
    if (this.closed) return Promise.resolve(null);
    const link = this.links.get(addr) ?? this.open(addr);
    if (!link) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        link.pending.delete(id);
        resolve(null);
      }, timeoutMs);
      link.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      link.socket.write(`${JSON.stringify({ id, body } satisfies PeerFrame<PeerRequest>)}\n`);
    });
  }

  close(): void {
    this.closed = true;
    for (const addr of [...this.links.keys()]) this.drop(addr);
  }

  private open(addr: string): Link | null {
    const target = parseHostPort(addr, 5222);
    if (!target || !isLoopback(target.host)) return null;
    const socket = connect({ host: target.host, port: target.port, localAddress: this.localAddress });
    const link: Link = { socket, pending: new Map() };
    this.links.set(addr, link);
    let buffer = "";
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const frame = JSON.parse(line) as PeerFrame<PeerReply>;
        link.pending.get(frame.id)?.(frame.body);
        link.pending.delete(frame.id);
      }
    });
    socket.on("error", () => this.drop(addr));
    socket.on("close", () => this.drop(addr));
    return link;
  }

  private drop(addr: string): void {
    const link = this.links.get(addr);
    if (!link) return;
    this.links.delete(addr);
    link.socket.destroy();
    for (const resolve of link.pending.values()) resolve(null);
    link.pending.clear();
  }
}
