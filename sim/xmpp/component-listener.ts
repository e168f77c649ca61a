import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { acceptStream, attribute, handshakeDigest, streamError } from "./component-protocol";

export interface ComponentAuthority {
  domain(): string | null;
  secretOf(uniqueName: string): string | undefined;
}

/** XMPP server side of the component port: authenticates Call Bridges against this node's callbridge list. */
export class ComponentListener {
  /** Authenticated Call Bridges: unique name -> socket. */
  readonly connected = new Map<string, Socket>();

  constructor(private readonly authority: ComponentAuthority) {}

  serve(socket: Socket): void {
    let buffer = "";
    let streamId: string | null = null;
    let name: string | null = null;
    const fail = (condition: string): void => {
      socket.end(streamError(condition));
    };
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      if (streamId === null) {
        const open = /<stream:stream[^>]*>/.exec(buffer);
        if (!open) return;
        buffer = buffer.slice(open.index + open[0].length);
        const to = attribute(open[0], "to") ?? "";
        const domain = this.authority.domain();
        if (!domain || !to.endsWith(`.${domain}`)) return fail("host-unknown");
        name = to.slice(0, -domain.length - 1);
        streamId = randomBytes(8).toString("hex");
        socket.write(acceptStream(to, streamId));
      }
      const handshake = /<handshake>([^<]*)<\/handshake>/.exec(buffer);
      if (!handshake || name === null) return;
      buffer = "";
      const secret = this.authority.secretOf(name);
      if (secret === undefined || handshakeDigest(streamId, secret) !== handshake[1]) return fail("not-authorized");
      socket.write("<handshake/>");
      const accepted = name;
      this.connected.get(accepted)?.destroy();
      this.connected.set(accepted, socket);
      socket.once("close", () => {
        if (this.connected.get(accepted) === socket) this.connected.delete(accepted);
      });
    });
  }
}
