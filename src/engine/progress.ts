import type { Phase } from "../core/plan";
import { renderStep, type Step } from "../core/steps";

/** Where the engine reports what it does, one line at a time (the provider prints them; the CLI shows them live). */
export type Progress = (line: string) => void;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Numbers each node's steps across a plan's phases: `[cb2] 7/11 xmpp cluster join 10.106.81.30 (0.4 s)`. */
export class StepProgress {
  private readonly totals = new Map<string, number>();
  private readonly done = new Map<string, number>();

  constructor(
    phases: Phase[],
    private readonly report: Progress,
  ) {
    for (const step of phases.flatMap((p) => p.units.flatMap((u) => u.steps))) {
      this.totals.set(step.node, (this.totals.get(step.node) ?? 0) + 1);
    }
  }

  /** Runs one step and reports it with its time, also when it fails or finds itself already done. */
  async step(step: Step, run: () => Promise<boolean>): Promise<void> {
    const n = (this.done.get(step.node) ?? 0) + 1;
    this.done.set(step.node, n);
    const label = `[${step.node}] ${n}/${this.totals.get(step.node)} ${renderStep(step)}`;
    const started = Date.now();
    let ran: boolean;
    try {
      ran = await run();
    } catch (err) {
      this.report(`${label} FAILED after ${seconds(Date.now() - started)}`);
      throw err;
    }
    this.report(`${label} ${ran ? `(${seconds(Date.now() - started)})` : "(already done, not run)"}`);
  }

  /** The wait after a node is (re)activated, until it reports a leader. */
  async settle(node: string, wait: () => Promise<void>): Promise<void> {
    const started = Date.now();
    await wait();
    this.report(`[${node}] in the cluster after ${seconds(Date.now() - started)}`);
  }
}

/**
 * `[cb1] read: 5 commands (0.3 s)`: the facts gathered from one node; `read: 2 commands, 2 remembered (0.1 s)` when
 * some were taken from this operation's earlier read.
 */
export function readLine(node: string, commands: number, ms: number, remembered = 0): string {
  const reused = remembered > 0 ? `, ${remembered} remembered` : "";
  return `[${node}] read: ${commands} command${commands === 1 ? "" : "s"}${reused} (${seconds(ms)})`;
}
