import { createSocket, type Socket } from "node:dgram";
import * as dnsPacket from "dns-packet";

export interface SrvTarget {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** A tiny authoritative UDP DNS server on loopback for SRV and A records (tests only). */
export class DnsResponder {
  readonly srv = new Map<string, SrvTarget[]>();
  readonly a = new Map<string, string[]>();
  /** "<source ip> <type> <name>" per query received. */
  readonly queries: string[] = [];
  private socket: Socket | null = null;
  port = 0;

  constructor(readonly host = "127.0.0.1") {}

  async start(): Promise<void> {
    const socket = createSocket("udp4");
    this.socket = socket;
    socket.on("message", (message, remote) => {
      const query = dnsPacket.decode(message);
      const question = query.questions?.[0];
      if (!question) return;
      const name = question.name.toLowerCase();
      this.queries.push(`${remote.address} ${question.type} ${name}`);
      const answers: dnsPacket.Answer[] = [];
      if (question.type === "SRV") {
        for (const data of this.srv.get(name) ?? []) answers.push({ type: "SRV", name, ttl: 60, data });
      } else if (question.type === "A") {
        for (const data of this.a.get(name) ?? []) answers.push({ type: "A", name, ttl: 60, data });
      }
      const known = this.srv.has(name) || this.a.has(name);
      const response = dnsPacket.encode({
        id: query.id,
        type: "response",
        flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : 3),
        questions: query.questions,
        answers,
      });
      socket.send(response, remote.port, remote.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, this.host, () => resolve()));
    this.port = socket.address().port;
  }

  stop(): void {
    this.socket?.close();
    this.socket = null;
  }
}
