import type { ServerChannel } from "ssh2";
import type { CommandHost, ConnectionControl } from "./command-host";

type Mode = "line" | "running" | "secret";

const ESC = String.fromCharCode(27);
const ESCAPE_SEQUENCE = new RegExp(`^${ESC}(\\[[0-9;?]*[A-Za-z~]|O.)`);

/**
 * The MMP prompt on a shell channel: "<hostname>> ", echo of typed characters when a PTY was requested,
 * CRLF output, backspace, ^C, ^U, ^D, and a no-echo mode for secret prompts. Type-ahead waits (unechoed)
 * until the running command has finished.
 */
export class ShellSession {
  private input = "";
  private line = "";
  private mode: Mode = "line";
  private lastWasCr = false;
  private secretResolver: ((secret: string | null) => void) | null = null;
  private ended = false;
  /** The client sent EOF: finish what was typed, then log out. */
  private inputEnded = false;

  constructor(
    private readonly channel: ServerChannel,
    private readonly host: CommandHost,
    private readonly control: ConnectionControl,
    private readonly echo: boolean,
  ) {
    channel.on("data", (chunk: Buffer) => {
      this.input += chunk.toString("utf8");
      this.pump();
    });
    channel.on("close", () => this.end());
    channel.on("end", () => {
      this.inputEnded = true;
      this.pump();
    });
    this.prompt();
  }

  private write(text: string): void {
    if (!this.ended) this.channel.write(text.replace(/\r?\n/g, "\r\n"));
  }

  private prompt(): void {
    this.write(`${this.host.name}> `);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.secretResolver?.(null);
    this.secretResolver = null;
  }

  private logout(): void {
    if (this.ended) return;
    this.end();
    this.channel.exit(0);
    this.channel.end();
  }

  private pump(): void {
    this.drain();
    if (this.inputEnded && this.input.length === 0 && this.mode === "line") this.logout();
    else if (this.inputEnded && this.mode === "secret") this.finishSecret(null);
  }

  private drain(): void {
    while (this.input.length > 0 && this.mode !== "running" && !this.ended) {
      if (this.input[0] === ESC) {
        const sequence = ESCAPE_SEQUENCE.exec(this.input);
        if (!sequence && this.input.length < 4 && !this.inputEnded) return;
        this.input = this.input.slice(sequence ? sequence[0].length : 1);
        continue;
      }
      const char = this.input[0];
      this.input = this.input.slice(1);
      const wasCr = this.lastWasCr;
      this.lastWasCr = char === "\r";
      if (char === "\n" && wasCr) continue;
      if (char === "\r" || char === "\n") this.submit();
      else this.key(char);
    }
  }

  private key(char: string): void {
    const visible = this.echo && this.mode === "line";
    if (char === "\x7f" || char === "\b") {
      if (this.line.length === 0) return;
      this.line = this.line.slice(0, -1);
      if (visible) this.write("\b \b");
    } else if (char === "\x15") {
      if (visible) this.write("\b \b".repeat(this.line.length));
      this.line = "";
    } else if (char === "\x03") {
      this.line = "";
      this.write("^C\n");
      if (this.mode === "secret") this.finishSecret(null);
      else this.prompt();
    } else if (char === "\x04") {
      if (this.line === "" && this.mode === "line") this.logout();
    } else if (char >= " ") {
      this.line += char;
      if (visible) this.write(char);
    }
  }

  private submit(): void {
    const line = this.line;
    this.line = "";
    this.write("\n");
    if (this.mode === "secret") {
      this.finishSecret(line);
      return;
    }
    this.mode = "running";
    void this.host
      .run(line, {
        write: (text) => this.write(text),
        readSecret: () => this.readSecret(),
        closed: () => this.ended,
      })
      .then((outcome) => {
        if (this.ended) return;
        if (outcome.dropped) return this.control.drop();
        this.mode = "line";
        if (outcome.ran && line.trim() !== "") this.control.commandFinished();
        this.prompt();
        this.pump();
      });
  }

  private readSecret(): Promise<string | null> {
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.secretResolver = resolve;
      this.mode = "secret";
      setImmediate(() => this.pump());
    });
  }

  private finishSecret(secret: string | null): void {
    const resolve = this.secretResolver;
    this.secretResolver = null;
    this.mode = "running";
    resolve?.(secret);
  }
}
