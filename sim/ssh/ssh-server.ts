import type { Socket } from "node:net";
import { type AuthContext, type Connection, Server, type ServerChannel } from "ssh2";
import type { Faults } from "../faults";
import type { FileStore } from "../files/file-store";
import { TrackedListener } from "../net/tracked-listener";
import type { SimUser } from "../options";
import { checkPassword } from "./check-password";
import type { CommandHost, ConnectionControl } from "./command-host";
import { runExec } from "./exec-session";
import { serveSftp } from "./sftp-session";
import { ShellSession } from "./shell-session";

export interface SshServerDeps {
  host: string;
  port: number;
  hostKey: string | Buffer;
  users: SimUser[];
  execChannel: boolean;
  files: FileStore;
  faults: Faults;
  commands: CommandHost;
}

/** The node's SSH port: MMP shell (and exec, if enabled) plus SFTP, password and keyboard-interactive auth. */
export class SshServer {
  private readonly listener: TrackedListener;
  private readonly ssh: Server;
  private readonly sockets = new Map<string, Socket>();
  /** Username per authenticated connection, for `user list`. */
  readonly loggedIn = new Map<Connection, string>();
  /** SSH connections accepted since the node started (for tests that count them). */
  connectionsAccepted = 0;

  constructor(private readonly deps: SshServerDeps) {
    this.ssh = new Server({ hostKeys: [deps.hostKey], ident: "OpenSSH_7.4" }, (client, info) => {
      const key = `${info.ip}:${info.port}`;
      const socket = this.sockets.get(key);
      this.sockets.delete(key);
      this.connectionsAccepted++;
      this.serve(client, socket);
    });
    this.listener = new TrackedListener(deps.host, deps.port, (socket) => {
      this.sockets.set(`${socket.remoteAddress}:${socket.remotePort}`, socket);
      socket.once("close", () => this.sockets.delete(`${socket.remoteAddress}:${socket.remotePort}`));
      this.ssh.injectSocket(socket);
    });
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

  async close(): Promise<void> {
    await this.listener.close();
    this.loggedIn.clear();
  }

  private authenticate(ctx: AuthContext, onUser: (username: string) => void): void {
    const accept = (password: string): void => {
      if (checkPassword(this.deps.users, ctx.username, password)) {
        onUser(ctx.username);
        ctx.accept();
      } else {
        ctx.reject(["password", "keyboard-interactive"]);
      }
    };
    if (ctx.method === "password") accept(ctx.password);
    else if (ctx.method === "keyboard-interactive") {
      ctx.prompt([{ prompt: "Password: ", echo: false }], (answers) => accept(answers?.[0] ?? ""));
    } else ctx.reject(["password", "keyboard-interactive"]);
  }

  private serve(client: Connection, socket: Socket | undefined): void {
    let commands = 0;
    const control: ConnectionControl = {
      commandFinished: () => {
        commands++;
        const limit = this.deps.faults.dropAfterCommands;
        if (limit !== null && commands >= limit) socket?.destroy();
      },
      drop: () => socket?.destroy(),
    };
    client.on("authentication", (ctx) => this.authenticate(ctx, (username) => this.loggedIn.set(client, username)));
    client.on("close", () => this.loggedIn.delete(client));
    client.on("error", () => socket?.destroy());
    client.on("session", (acceptSession) => {
      const session = acceptSession();
      let pty = false;
      session.on("pty", (accept) => {
        pty = true;
        accept?.();
      });
      session.on("window-change", (accept) => accept?.());
      session.on("env", (accept) => accept?.());
      session.on("shell", (accept) => {
        const channel: ServerChannel = accept();
        new ShellSession(channel, this.deps.commands, control, pty);
      });
      session.on("exec", (accept, reject, info) => {
        if (!this.deps.execChannel) return reject?.();
        runExec(accept(), info.command, this.deps.commands, control, pty);
      });
      session.on("sftp", (accept) => serveSftp(accept(), this.deps.files));
    });
  }
}
