import { connect, type Socket } from "node:net";
import type { HostPort } from "../net/loopback";
import { attribute, componentJid, handshakeDigest, openStream } from "../xmpp/component-protocol";

export type ComponentAttempt =
  | { result: "connected"; socket: Socket }
  | { result: "authentication failure" }
  | { result: "unreachable"; reason: string };

/** Opens a component stream to an XMPP server and performs the XEP-0114 handshake. */
export function connectComponent(
  target: HostPort,
  credentials: { uniqueName: string; domain: string; sharedSecret: string },
  localAddress: string,
  timeoutMs: number,
): Promise<ComponentAttempt> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port, localAddress });
    let buffer = "";
    let settled = false;
    const finish = (attempt: ComponentAttempt): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (attempt.result !== "connected") socket.destroy();
      else socket.removeAllListeners("data");
      resolve(attempt);
    };
    const timer = setTimeout(() => finish({ result: "unreachable", reason: "timeout" }), timeoutMs);
    socket.on("connect", () => socket.write(openStream(componentJid(credentials.uniqueName, credentials.domain))));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      finish({ result: "unreachable", reason: error.code ?? "error" }),
    );
    socket.on("close", () => finish({ result: "unreachable", reason: "connection closed" }));
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      if (buffer.includes("<stream:error>")) return finish({ result: "authentication failure" });
      const header = /<stream:stream[^>]*>/.exec(buffer);
      if (header && !buffer.includes("<handshake")) {
        const id = attribute(header[0], "id") ?? "";
        buffer = buffer.slice(header.index + header[0].length);
        socket.write(`<handshake>${handshakeDigest(id, credentials.sharedSecret)}</handshake>`);
      }
      if (buffer.includes("<handshake/>")) finish({ result: "connected", socket });
    });
  });
}
