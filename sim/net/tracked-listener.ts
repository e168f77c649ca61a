import { createServer, type Server, type Socket } from "node:net";

/**
 * A TCP listener that remembers its port across close/listen (so ephemeral ports survive a node restart)
 * and destroys every accepted socket on close (power off).
 */
export class TrackedListener {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port: number;

  constructor(
    private readonly host: string,
    port: number,
    private readonly onSocket: (socket: Socket) => void,
  ) {
    this.port = port;
  }

  async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
      socket.on("error", () => socket.destroy());
      this.onSocket(socket);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, this.host, () => {
        server.off("error", reject);
        resolve();
      });
    }).catch((error) => {
      this.server = null;
      throw error;
    });
    const address = server.address();
    if (address && typeof address === "object") this.port = address.port;
  }

  /** Stops accepting (new connections are refused) without touching established ones. */
  stopAccepting(): void {
    this.server?.close();
    this.server = null;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
