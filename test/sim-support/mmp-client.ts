import { Client, type ClientChannel, type SFTPWrapper } from "ssh2";

export interface MmpTarget {
  host: string;
  sshPort: number;
  name: string;
  /** A simulated node's accounts: the first one's password is the default. */
  users?: { password: string }[];
}

/** An expect-style MMP driver over an ssh2 PTY shell, for tests. */
export class MmpClient {
  private buffer = "";
  private waiter: (() => void) | null = null;
  private closed = false;

  private constructor(
    readonly client: Client,
    private readonly channel: ClientChannel,
    private readonly prompt: string,
  ) {
    channel.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("utf8");
      this.waiter?.();
    });
    channel.on("close", () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static async connect(
    target: MmpTarget,
    options: { username?: string; password?: string; keyboard?: boolean } = {},
  ): Promise<MmpClient> {
    const client = new Client();
    const password = options.password ?? target.users?.[0]?.password ?? "admin";
    await new Promise<void>((resolve, reject) => {
      client.once("ready", () => {
        client.setNoDelay(true);
        resolve();
      });
      client.on("error", reject);
      if (options.keyboard)
        client.on("keyboard-interactive", (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)));
      client.connect({
        host: target.host,
        port: target.sshPort,
        username: options.username ?? "admin",
        ...(options.keyboard ? { tryKeyboard: true } : { password }),
        readyTimeout: 5000,
      });
    });
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell({ term: "vt100", cols: 200, rows: 50 }, (error, stream) =>
        error ? reject(error) : resolve(stream),
      ),
    );
    const mmp = new MmpClient(client, channel, `${target.name}> `);
    await mmp.waitFor((text) => text.endsWith(mmp.prompt));
    mmp.buffer = "";
    return mmp;
  }

  /** Resolves with everything received once `done(buffer)` holds. */
  waitFor(done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`timeout; received so far: ${JSON.stringify(this.buffer.slice(-300))}`));
      }, timeoutMs);
      const check = (): void => {
        if (done(this.buffer)) {
          clearTimeout(timer);
          this.waiter = null;
          resolve(this.buffer);
        } else if (this.closed) {
          clearTimeout(timer);
          this.waiter = null;
          reject(new Error(`channel closed; received: ${JSON.stringify(this.buffer.slice(-300))}`));
        }
      };
      this.waiter = check;
      check();
    });
  }

  /** The raw bytes a command produced: echo, CRLF output and the next prompt. */
  async raw(command: string, timeoutMs?: number): Promise<string> {
    this.buffer = "";
    this.channel.write(`${command}\r`);
    const text = await this.waitFor((received) => received.endsWith(`\r\n${this.prompt}`), timeoutMs);
    this.buffer = "";
    return text;
  }

  /** Output of one command, echo and prompt removed, "\n" line ends. */
  async run(command: string, timeoutMs?: number): Promise<string> {
    const text = await this.raw(command, timeoutMs);
    const lines = text.slice(0, -this.prompt.length).split("\r\n");
    if (lines[0] !== command)
      throw new Error(`expected echo of ${JSON.stringify(command)}, got ${JSON.stringify(lines[0])}`);
    return lines.slice(1, -1).join("\n");
  }

  /** A command that asks `Enter callbridge secret`; returns what was shown, which must not contain the secret. */
  async runWithSecret(command: string, secret: string): Promise<string> {
    this.buffer = "";
    this.channel.write(`${command}\r`);
    await this.waitFor((text) => text.endsWith("Enter callbridge secret\r\n"));
    this.channel.write(`${secret}\r`);
    const text = await this.waitFor((received) => received.endsWith(`\r\n${this.prompt}`));
    this.buffer = "";
    return text;
  }

  /** Sends bytes without waiting. */
  send(data: string): void {
    this.channel.write(data);
  }

  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => this.client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
  }

  close(): void {
    this.client.end();
  }
}

export async function withMmp<T>(target: MmpTarget, body: (mmp: MmpClient) => Promise<T>): Promise<T> {
  const mmp = await MmpClient.connect(target);
  try {
    return await body(mmp);
  } finally {
    mmp.close();
  }
}
