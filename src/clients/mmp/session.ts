import type { ClientChannel, SFTPWrapper } from "ssh2";
import { Client } from "ssh2";
import { cleanOutput, failureLine, redact } from "../../core/mmp-output";
import { isDownError, MmpError, NodeDownError } from "./errors";
import { ExpectBuffer } from "./expect-buffer";
import { decideHostKey, sshFingerprint } from "./host-key";

export interface MmpTarget {
  node: string;
  host: string;
  port: number;
  username: string;
  password: string;
  hostKeyFingerprint?: string;
  trustOnFirstUse?: boolean;
  /** Per-step timeout; also bounds the SSH handshake. */
  timeoutMs?: number;
}

export interface RunOptions {
  /** Answers for `Enter callbridge secret` prompts, in order. Never echoed or logged. */
  secretAnswers?: string[];
  /** The output holds secrets: keep it out of error messages. */
  sensitiveOutput?: boolean;
  timeoutMs?: number;
  /** Accept a FAILURE line when the output also matches this (a step that partly succeeded in a known way). */
  acceptFailureWhen?: RegExp;
  /**
   * The command only reads: its output is remembered on the connection (see `recall`). Any other command, upload or
   * removal forgets everything remembered, since it may have changed what the reads showed.
   */
  readOnly?: boolean;
  /**
   * With `readOnly`: when the command's turn on the connection comes, take what it printed there at most this long
   * ago instead of sending it again, if nothing that could change it has run since. Several resources that each
   * confirm their own upload then share one read taken after all of the uploads.
   */
  reuseWithinMs?: number;
}

export interface MmpSession {
  readonly node: string;
  readonly hostKeyFingerprint: string;
  /** Runs one MMP command and returns its cleaned output; throws MmpError on FAILURE, unknown command or timeout. */
  run(command: string, options?: RunOptions): Promise<string>;
  /**
   * What a read-only `command` printed on this connection at most `maxAgeMs` ago, when nothing that could change it
   * has run on the connection since (by any lease of it); otherwise undefined. Runs nothing.
   */
  recall(command: string, maxAgeMs: number): string | undefined;
  upload(name: string, content: Buffer | string): Promise<void>;
  download(name: string): Promise<Buffer>;
  remove(name: string): Promise<void>;
  list(): Promise<string[]>;
  /** Redacted commands run so far in this session, in order. */
  readonly commands: readonly string[];
  /** False once the connection has closed. */
  readonly alive: boolean;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const SECRET_PROMPT = /(Enter|Re-?enter|Confirm) call ?bridge secret:?\s*$/i;
const UNEXPECTED_PROMPT = /(\?|:|\(y\/n\)|\[y\/n\])\s*$/i;
const FIRST_PROMPT = /(?:^|\n)([^\s>]+)> $/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Opens one SSH connection to the node with an MMP shell; SFTP rides on the same connection. */
export function openMmpSession(target: MmpTarget): Promise<MmpSession> {
  return ShellSession.open(target);
}

/** Opens one SSH connection to the node, runs `fn` with an MMP shell (and SFTP on the same connection), then closes. */
export async function withMmpSession<T>(target: MmpTarget, fn: (session: MmpSession) => Promise<T>): Promise<T> {
  const session = await ShellSession.open(target);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

class ShellSession implements MmpSession {
  private sftpChannel: Promise<SFTPWrapper> | undefined;
  private readonly secrets: string[];
  readonly commands: string[] = [];
  alive = true;
  private readonly remembered = new Map<string, { output: string; at: number }>();

  private constructor(
    private readonly target: MmpTarget,
    private readonly client: Client,
    private readonly channel: ClientChannel,
    private readonly buffer: ExpectBuffer,
    private readonly prompt: RegExp,
    readonly hostKeyFingerprint: string,
  ) {
    this.secrets = [target.password];
    const closed = () => {
      this.alive = false;
    };
    client.on("close", closed);
    client.on("end", closed);
    channel.on("close", closed);
  }

  get node(): string {
    return this.target.node;
  }

  static async open(target: MmpTarget): Promise<ShellSession> {
    const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const client = new Client();
    let seenFingerprint = "";
    let refusal: MmpError | undefined;
    const where = `${target.host}:${target.port}`;
    await new Promise<void>((resolve, reject) => {
      client.on("ready", () => resolve());
      client.on("error", (err) => {
        if (refusal) reject(refusal);
        else {
          const Kind = isDownError(err) ? NodeDownError : MmpError;
          reject(
            new Kind(
              target.node,
              `connect ${where}`,
              redact(err.message, [target.password]),
              "check the address, SSH port, username and password in the stack config, and that the node is up",
            ),
          );
        }
      });
      client.on("keyboard-interactive", (_name, _instructions, _lang, prompts, finish) => {
        finish(prompts.map(() => target.password));
      });
      client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        password: target.password,
        tryKeyboard: true,
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => {
          seenFingerprint = sshFingerprint(key);
          const decision = decideHostKey(seenFingerprint, target.hostKeyFingerprint, target.trustOnFirstUse ?? false);
          if (decision.accept) return true;
          refusal = new MmpError(target.node, `connect ${where}`, decision.reason, decision.hint);
          return false;
        },
      });
      // Without it, Nagle's algorithm holds each small MMP write for the peer's delayed ACK: ~40 ms per round trip
      // on every login step and every command.
      client.setNoDelay(true);
    });
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.shell({ term: "vt100", cols: 512, rows: 200 }, (err, ch) => (err ? reject(err) : resolve(ch)));
    }).catch((err: Error) => {
      client.end();
      throw new MmpError(target.node, "open MMP shell", err.message, "the node refused an interactive shell");
    });
    const buffer = new ExpectBuffer();
    channel.on("data", (data: Buffer) => buffer.push(data.toString("utf8")));
    channel.stderr.on("data", (data: Buffer) => buffer.push(data.toString("utf8")));
    channel.on("close", () => buffer.close("the node closed the MMP session"));
    client.on("close", () => buffer.close("the SSH connection closed"));
    let hostname: string;
    try {
      hostname = (await buffer.waitFor([FIRST_PROMPT], timeoutMs, () => undefined)).match[1];
    } catch (err) {
      client.end();
      throw new MmpError(target.node, "wait for the MMP prompt", (err as Error).message, "is this a CMS MMP login?");
    }
    const prompt = new RegExp(`(?:^|\\n)${escapeRegExp(hostname)}> $`);
    return new ShellSession(target, client, channel, buffer, prompt, seenFingerprint);
  }

  recall(command: string, maxAgeMs: number): string | undefined {
    const last = this.remembered.get(command);
    if (!this.alive || !last || Date.now() - last.at > maxAgeMs) return undefined;
    return last.output;
  }

  async run(command: string, options: RunOptions = {}): Promise<string> {
    if (options.readOnly && options.reuseWithinMs !== undefined) {
      const last = this.recall(command, options.reuseWithinMs);
      if (last !== undefined) return last;
    }
    if (!options.readOnly) this.remembered.clear();
    const output = await this.exchange(command, options).catch((err: unknown) => {
      this.remembered.clear();
      throw err;
    });
    if (options.readOnly) this.remembered.set(command, { output, at: Date.now() });
    return output;
  }

  private async exchange(command: string, options: RunOptions): Promise<string> {
    const answers = [...(options.secretAnswers ?? [])];
    this.secrets.push(...answers);
    const shown = redact(command, this.secrets);
    this.commands.push(shown);
    const timeoutMs = options.timeoutMs ?? this.target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.buffer.reset();
    this.channel.write(`${command}\r`);
    let raw = "";
    for (;;) {
      let result: { index: number; before: string };
      try {
        result = await this.buffer.waitFor([this.prompt, SECRET_PROMPT], timeoutMs, () => this.stalled());
      } catch (err) {
        throw this.fail(shown, (err as Error).message, this.buffer.tail(), options.sensitiveOutput);
      }
      raw += result.before;
      if (result.index === 0) break;
      const answer = answers.shift();
      if (answer === undefined) {
        this.channel.write("\x03");
        throw this.fail(shown, "the node asked for a call bridge secret that was not expected", raw, false);
      }
      this.channel.write(`${answer}\r`);
    }
    const output = cleanOutput(raw, command);
    const failure = failureLine(output);
    if (failure && !options.acceptFailureWhen?.test(output))
      throw this.fail(shown, failure, output, options.sensitiveOutput);
    return output;
  }

  private stalled(): string | undefined {
    if (this.buffer.quietFor() < 1500) return undefined;
    const tail = this.buffer.tail(120);
    if (UNEXPECTED_PROMPT.test(tail) && !SECRET_PROMPT.test(tail)) {
      this.channel.write("\x03");
      return `the node is waiting at an unexpected prompt: ${JSON.stringify(tail.split(/\r?\n/).pop())}`;
    }
    return undefined;
  }

  private fail(command: string, detail: string, output: string, sensitive?: boolean): MmpError {
    const shownOutput = sensitive ? "(output withheld: it contains secrets)" : redact(output, this.secrets).trim();
    return new MmpError(
      this.target.node,
      `\`${command}\``,
      `${detail}${shownOutput ? `\n  output:\n    ${shownOutput.split("\n").join("\n    ")}` : ""}`,
      "fix the cause on the node or in the stack config, then run `pulumi up` again; finished steps are not repeated",
    );
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp)));
    });
    return this.sftpChannel;
  }

  private async sftpStep<T>(step: string, op: (sftp: SFTPWrapper, done: (err: unknown, value?: T) => void) => void) {
    const sftp = await this.sftp().catch((err: Error) => {
      throw new MmpError(this.node, step, `SFTP unavailable: ${err.message}`, "SFTP must be enabled for the MMP user");
    });
    return new Promise<T>((resolve, reject) => {
      op(sftp, (err, value) => {
        if (err) reject(new MmpError(this.node, step, (err as Error).message, "check the file name and free space"));
        else resolve(value as T);
      });
    });
  }

  async upload(name: string, content: Buffer | string): Promise<void> {
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    this.remembered.clear();
    this.commands.push(`sftp put ${name}`);
    await this.sftpStep<void>(`SFTP upload ${name}`, (sftp, done) => {
      const stream = sftp.createWriteStream(`/${name}`);
      stream.on("error", done);
      stream.on("close", () => done(null));
      stream.end(data);
    });
  }

  async download(name: string): Promise<Buffer> {
    return this.sftpStep<Buffer>(`SFTP download ${name}`, (sftp, done) => {
      const chunks: Buffer[] = [];
      const stream = sftp.createReadStream(`/${name}`);
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", done);
      stream.on("end", () => done(null, Buffer.concat(chunks)));
    });
  }

  async remove(name: string): Promise<void> {
    this.remembered.clear();
    this.commands.push(`sftp rm ${name}`);
    await this.sftpStep<void>(`SFTP remove ${name}`, (sftp, done) => sftp.unlink(`/${name}`, (err) => done(err)));
  }

  async list(): Promise<string[]> {
    const entries = await this.sftpStep<{ filename: string }[]>("SFTP list", (sftp, done) =>
      sftp.readdir("/", (err, list) => done(err, list)),
    );
    return entries.map((e) => e.filename).filter((n) => n !== "." && n !== "..");
  }

  close(): void {
    this.client.end();
  }
}
