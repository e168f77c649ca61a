import type { FactKey } from "./facts";
import type { ClusterPlan } from "./plan";
import type { Op } from "./steps";

/** What the node printed that decides whether, and how, a step of this kind runs. */
function dependsOn(op: Op["op"]): FactKey[] {
  switch (op) {
    case "addBridge":
    case "addSecret":
    case "delBridge":
      return ["callBridges"];
    default:
      return ["xmpp", "cluster"];
  }
}

/**
 * The remembered facts a plan must not act on without reading them again: per node, those its own steps depend on;
 * the Call Bridge list of each node a secret is copied from; and the founder's XMPP and cluster state when a node
 * joins it. `version` is never among them: a node changes version only through a restart, which ends the connection
 * that remembered it.
 */
export function factsToReread(plan: ClusterPlan, recalled: Record<string, FactKey[]>): Record<string, FactKey[]> {
  const needed = new Map<string, Set<FactKey>>();
  const need = (node: string, keys: FactKey[]) => {
    const set = needed.get(node) ?? new Set<FactKey>();
    for (const key of keys) set.add(key);
    needed.set(node, set);
  };
  const steps = plan.phases.flatMap((p) => p.units.flatMap((u) => u.steps));
  for (const step of steps) {
    need(step.node, dependsOn(step.op));
    if (step.op === "addSecret" && plan.secretSources[step.bridge]) {
      need(plan.secretSources[step.bridge], ["callBridges"]);
    }
    if (step.op === "join") need(plan.founder, ["xmpp", "cluster"]);
  }
  const out: Record<string, FactKey[]> = {};
  for (const [node, keys] of needed) {
    const stale = (recalled[node] ?? []).filter((key) => keys.has(key));
    if (stale.length > 0) out[node] = stale;
  }
  return out;
}
