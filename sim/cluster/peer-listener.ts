import type { Socket } from "node:net";
import type { PeerFrame, PeerReply, PeerRequest } from "./messages";

export type PeerHandler = (request: PeerRequest) => Promise<PeerReply>;

/**
 * Server side of the peer protocol on the XMPP client port. A real XMPP client (anything that does not
 * speak the JSON peer protocol) gets a stream error and is disconnected.
 */
export function servePeerSocket(socket: Socket, handler: PeerHandler): void {
  let buffer = "";
  socket.setNoDelay(true);
  socket.on("data", (chunk) => {
    buffer += chunk.toString("utf8");
    if (buffer.startsWith("<")) {
      socket.end(
        "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><stream:error>" +
          "<unsupported-feature xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>",
      );
      return;
    }
    for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let frame: PeerFrame<PeerRequest>;
      try {
        frame = JSON.parse(line) as PeerFrame<PeerRequest>;
      } catch {
        socket.destroy();
        return;
      }
      void handler(frame.body).then((body) => {
        if (!socket.destroyed)
          socket.write(`${JSON.stringify({ id: frame.id, body } satisfies PeerFrame<PeerReply>)}\n`);
      });
    }
  });
}
