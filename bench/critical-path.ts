import { FACT_COMMANDS } from "../src/core/facts";
import type { ClusterPlan, Unit } from "../src/core/plan";
import { PREFLIGHT_COMMANDS } from "../src/core/preflight";

/**
 * The least time a cold converge can take when every MMP command and API request costs `latencyMs`, given the plan
 * and the safety policy. Commands on one node run one after another; nodes run in parallel where the policy lets
 * them. Anything the engine itself costs (program, providers, certificates) is left out on purpose.
 */
export interface CriticalPath {
  /** Per node, all nodes at once: the facts, then the prerequisites before the first change. */
  readsBefore: number;
  /** Per phase: the longest unit of a parallel phase, or the sum of a serial phase's units. */
  phases: { name: string; mode: string; commands: number }[];
  /** The founder's `xmpp callbridge list` after it added the Call Bridges (their secrets for the joiners). */
  secretRead: number;
  /** The facts read again after the change. */
  readsAfter: number;
  /** The Call Bridge PUT (all bridges at once), then the verification's API read. */
  apiRoundTrips: number;
  commands: number;
  boundMs: number;
}

/** A unit's commands: its steps, the status read `join` does first, and at least one status read when it settles. */
export function unitCommands(unit: Unit): number {
  const joins = unit.steps.filter((s) => s.op === "join").length;
  return unit.steps.length + joins + (unit.settle ? 1 : 0);
}

export function criticalPath(plan: ClusterPlan, latencyMs: number): CriticalPath {
  const readsBefore = Object.keys(FACT_COMMANDS).length + Object.keys(PREFLIGHT_COMMANDS).length;
  const phases = plan.phases.map((p) => {
    const units = p.units.map(unitCommands);
    const commands = p.mode === "parallel" ? Math.max(0, ...units) : units.reduce((a, b) => a + b, 0);
    return { name: p.name, mode: p.mode, commands };
  });
  const addsBridges = plan.phases.some((p) => p.units.some((u) => u.steps.some((s) => s.op === "addBridge")));
  const secretRead = addsBridges ? 1 : 0;
  const readsAfter = Object.keys(FACT_COMMANDS).length;
  const apiRoundTrips = 2;
  const commands = readsBefore + phases.reduce((a, p) => a + p.commands, 0) + secretRead + readsAfter + apiRoundTrips;
  return { readsBefore, phases, secretRead, readsAfter, apiRoundTrips, commands, boundMs: commands * latencyMs };
}
