import { createHash } from "node:crypto";
import { type MmpSession, type MmpTarget, openMmpSession, type RunOptions } from "./session";

interface Entry {
  key: string;
  session: Promise<MmpSession>;
  leases: number;
  /** Every use of the connection runs after the one before: one MMP shell answers one command at a time. */
  queue: Promise<unknown>;
  /** A use failed (timeout, dropped connection, FAILURE line): its leases keep it, no new lease gets it. */
  tainted: boolean;
  idle?: NodeJS.Timeout;
}

/**
 * One SSH connection per node, shared by every resource of one engine operation: they all run in the same
 * provider process. A lease is an MmpSession of its own (its own command list; `close` gives the connection back).
 * A connection on which anything failed, or that the node closed, is not leased again; an idle one closes after
 * `idleMs` (the provider process ends with the operation anyway).
 */
export class MmpSessionPool {
  private readonly entries = new Map<string, Entry>();
  /** Connections opened so far. */
  opened = 0;

  constructor(
    private readonly idleMs: number,
    private readonly open: (target: MmpTarget) => Promise<MmpSession> = openMmpSession,
  ) {}

  async lease(target: MmpTarget): Promise<MmpSession> {
    const { lease, reusedIdle } = await this.connection(target);
    if (!reusedIdle) return lease;
    // An idle connection whose node went away may not know it yet: if its first use finds it closed, nothing was
    // run on the node, and the lease moves to a fresh connection once.
    return new Lease(lease, () => this.connection(target).then((c) => c.lease));
  }

  private async connection(target: MmpTarget): Promise<{ lease: Connected; reusedIdle: boolean }> {
    const key = createHash("sha256").update(JSON.stringify(target)).digest("hex");
    let entry = this.entries.get(key);
    // A node that went away while its connection sat idle: let the close already on the wire arrive first.
    if (entry) await new Promise((resolve) => setImmediate(resolve));
    if (
      entry &&
      !entry.tainted &&
      !(await entry.session.then(
        (s) => s.alive,
        () => false,
      ))
    ) {
      this.taint(entry);
      entry = undefined;
    }
    const reusedIdle = entry !== undefined && !entry.tainted && entry.leases === 0;
    if (!entry || entry.tainted) {
      this.opened++;
      entry = { key, session: this.open(target), leases: 0, queue: Promise.resolve(), tainted: false };
      this.entries.set(key, entry);
    }
    const leased: Entry = entry;
    clearTimeout(leased.idle);
    leased.leases++;
    let session: MmpSession;
    try {
      session = await leased.session;
    } catch (err) {
      this.taint(leased);
      this.release(leased);
      throw err;
    }
    return {
      lease: new Connected(
        session,
        (fn) => this.serialized(leased, fn),
        () => this.release(leased),
      ),
      reusedIdle,
    };
  }

  private serialized<T>(entry: Entry, fn: (session: MmpSession) => Promise<T>): Promise<T> {
    const run = entry.queue.then(async () => {
      try {
        return await fn(await entry.session);
      } catch (err) {
        this.taint(entry);
        throw err;
      }
    });
    entry.queue = run.catch(() => undefined);
    return run;
  }

  private taint(entry: Entry): void {
    entry.tainted = true;
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
  }

  private release(entry: Entry): void {
    entry.leases--;
    if (entry.leases > 0) return;
    if (entry.tainted) {
      this.close(entry);
      return;
    }
    entry.idle = setTimeout(() => {
      this.taint(entry);
      this.close(entry);
    }, this.idleMs);
    entry.idle.unref();
  }

  private close(entry: Entry): void {
    clearTimeout(entry.idle);
    entry.session.then(
      (s) => s.close(),
      () => undefined,
    );
  }
}

/** A lease on a reused idle connection: see `lease`. */
class Lease implements MmpSession {
  private retried = false;

  constructor(
    private inner: Connected,
    private readonly reconnect: () => Promise<Connected>,
  ) {}

  get commands(): readonly string[] {
    return this.inner.commands;
  }

  get node(): string {
    return this.inner.node;
  }

  get hostKeyFingerprint(): string {
    return this.inner.hostKeyFingerprint;
  }

  get alive(): boolean {
    return this.inner.alive;
  }

  private async once<T>(fn: (session: MmpSession) => Promise<T>): Promise<T> {
    try {
      return await fn(this.inner);
    } catch (err) {
      if (this.retried || this.inner.alive) throw err;
      this.retried = true;
      this.inner.close();
      this.inner = await this.reconnect();
      return fn(this.inner);
    } finally {
      this.retried = true;
    }
  }

  run(command: string, options?: RunOptions): Promise<string> {
    return this.once((s) => s.run(command, options));
  }

  recall(command: string, maxAgeMs: number): string | undefined {
    return this.inner.recall(command, maxAgeMs);
  }

  upload(name: string, content: Buffer | string): Promise<void> {
    return this.once((s) => s.upload(name, content));
  }

  download(name: string): Promise<Buffer> {
    return this.once((s) => s.download(name));
  }

  remove(name: string): Promise<void> {
    return this.once((s) => s.remove(name));
  }

  list(): Promise<string[]> {
    return this.once((s) => s.list());
  }

  close(): void {
    this.inner.close();
  }
}

/** A lease on one connection. */
class Connected implements MmpSession {
  readonly commands: string[] = [];
  private released = false;

  constructor(
    private readonly session: MmpSession,
    private readonly serialized: <T>(fn: (session: MmpSession) => Promise<T>) => Promise<T>,
    private readonly onRelease: () => void,
  ) {}

  get node(): string {
    return this.session.node;
  }

  get hostKeyFingerprint(): string {
    return this.session.hostKeyFingerprint;
  }

  get alive(): boolean {
    return !this.released && this.session.alive;
  }

  private use<T>(fn: (session: MmpSession) => Promise<T>): Promise<T> {
    return this.serialized(async (session) => {
      const before = session.commands.length;
      try {
        return await fn(session);
      } finally {
        this.commands.push(...session.commands.slice(before));
      }
    });
  }

  run(command: string, options?: RunOptions): Promise<string> {
    return this.use((s) => s.run(command, options));
  }

  /** What any lease of this connection last read (the connection remembers it, across leases). */
  recall(command: string, maxAgeMs: number): string | undefined {
    return this.alive ? this.session.recall(command, maxAgeMs) : undefined;
  }

  upload(name: string, content: Buffer | string): Promise<void> {
    return this.use((s) => s.upload(name, content));
  }

  download(name: string): Promise<Buffer> {
    return this.use((s) => s.download(name));
  }

  remove(name: string): Promise<void> {
    return this.use((s) => s.remove(name));
  }

  list(): Promise<string[]> {
    return this.use((s) => s.list());
  }

  close(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}
