import { SimNode } from "./node";
import { resolveTimings, type SimClusterOptions } from "./options";

export interface SimCluster {
  nodes: SimNode[];
  node(name: string): SimNode;
  stop(): Promise<void>;
}

/** Starts every node (in parallel) with shared timings. */
export async function startSimCluster(options: SimClusterOptions): Promise<SimCluster> {
  const timings = resolveTimings(options);
  const nodes = options.nodes.map((nodeOptions) => new SimNode(nodeOptions, timings));
  for (const node of nodes) node.faults.latencyMs = options.latencyMs ?? 0;
  const cluster: SimCluster = {
    nodes,
    node(name) {
      const found = nodes.find((node) => node.name === name);
      if (!found) throw new Error(`no simulated node named ${name}`);
      return found;
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
  try {
    await Promise.all(nodes.map((node) => node.start()));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
