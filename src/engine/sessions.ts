import { NodeDownError } from "../clients/mmp/errors";
import { type MmpSession, type MmpTarget, openMmpSession } from "../clients/mmp/session";
import type { FactKey, GatheredFacts } from "../core/facts";
import { type Progress, readLine } from "./progress";
import { type FactReuse, readFacts } from "./read-facts";

const downReason = (err: NodeDownError) => `${err.step}: ${err.detail}`;

/** How the engine gets a node's MMP session: its own connection, or a lease on one the provider process shares. */
export type Connect = (target: MmpTarget) => Promise<MmpSession>;

/** Runs `fn` on every item: all at once, or one after another (`oneAtATime`), with the results in item order. */
async function eachOf<I, T>(items: I[], oneAtATime: boolean, fn: (item: I, index: number) => Promise<T>) {
  if (!oneAtATime) return Promise.all(items.map(fn));
  const out: T[] = [];
  for (const [index, item] of items.entries()) out.push(await fn(item, index));
  return out;
}

/** One open MMP session per reachable node for the duration of one operation. */
export class NodeSessions {
  private constructor(
    readonly sessions: Map<string, MmpSession>,
    readonly unreachable: Map<string, string>,
    private readonly progress: Progress,
    /** Talk to one node at a time: connect, read and write on the next node only once the last is done. */
    private readonly oneAtATime: boolean,
  ) {}

  /**
   * Connects to every node, in parallel unless `oneAtATime`. A node that is down is recorded, not thrown, so callers
   * can decide; a node that answered but refused us (password, host key) is a configuration error and is thrown as it
   * is.
   */
  static async open(
    targets: MmpTarget[],
    progress: Progress = () => {},
    connect: Connect = openMmpSession,
    oneAtATime = false,
  ): Promise<NodeSessions> {
    const sessions = new Map<string, MmpSession>();
    const unreachable = new Map<string, string>();
    const refusals: { index: number; err: Error }[] = [];
    await eachOf(targets, oneAtATime, async (target, index) => {
      try {
        sessions.set(target.node, await connect(target));
      } catch (err) {
        if (err instanceof NodeDownError) unreachable.set(target.node, downReason(err));
        else refusals.push({ index, err: err as Error });
      }
    });
    for (const [node, reason] of unreachable) progress(`[${node}] unreachable: ${reason}`);
    const all = new NodeSessions(sessions, unreachable, progress, oneAtATime);
    if (refusals.length > 0) {
      all.close();
      throw refusals.sort((a, b) => a.index - b.index)[0].err;
    }
    return all;
  }

  get(node: string): MmpSession {
    const session = this.sessions.get(node);
    if (!session) throw new Error(this.unreachable.get(node) ?? `[${node}] no MMP session`);
    return session;
  }

  /**
   * Each node's facts. With `reuse`, what the connection remembers from earlier in the operation is taken as it is,
   * except each node's `reread` facts.
   */
  async facts(
    nodes: string[],
    reuse?: { withinMs: number; reread?: Record<string, FactKey[]> },
  ): Promise<Record<string, GatheredFacts>> {
    const out: Record<string, GatheredFacts> = {};
    await this.each(nodes, async (node) => {
      const session = this.sessions.get(node);
      if (!session) {
        out[node] = { reachable: false, error: this.unreachable.get(node) ?? "not connected" };
        return;
      }
      const started = Date.now();
      const before = session.commands.length;
      const nodeReuse: FactReuse | undefined = reuse && { withinMs: reuse.withinMs, reread: reuse.reread?.[node] };
      let read: Awaited<ReturnType<typeof readFacts>>;
      try {
        read = await readFacts(session, nodeReuse);
      } catch (err) {
        // A shared connection that went idle may find its node gone only now: as down as a refused connect.
        if (!(err instanceof NodeDownError)) throw err;
        this.unreachable.set(node, downReason(err));
        out[node] = { reachable: false, error: downReason(err) };
        return;
      }
      out[node] = { reachable: true, ...read };
      this.progress(readLine(node, session.commands.length - before, Date.now() - started, read.recalled.length));
    });
    return out;
  }

  /** Runs `fn` for each node: in parallel, or one node after another when this operation talks to one at a time. */
  each<T>(nodes: string[], fn: (node: string) => Promise<T>): Promise<T[]> {
    return eachOf(nodes, this.oneAtATime, fn);
  }

  /** Redacted commands each session ran, per node. */
  commands(): Record<string, string[]> {
    return Object.fromEntries([...this.sessions].map(([node, s]) => [node, [...s.commands]]));
  }

  close(): void {
    for (const session of this.sessions.values()) session.close();
  }
}
