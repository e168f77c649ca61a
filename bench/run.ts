/**
 * npm run bench: measures the cluster apply against simulated nodes with per-command latency, and writes the
 * ratios to bench/results.md. Every number in one run comes from the same machine and the same simulator.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyCluster, type ClusterOperation } from "../src/engine/apply";
import { startSimLab } from "../test/support/sim-lab";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 40);
const NODES = Number(process.env.BENCH_NODES ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function converge(serializeActivation: boolean) {
  const lab = await startSimLab(NODES);
  try {
    for (const n of lab.sim.nodes) n.faults.latencyMs = LATENCY_MS;
    lab.intent.callBridges = lab.sim.nodes.map((n) => n.name);
    const op: ClusterOperation = {
      intent: lab.intent,
      targets: lab.targets,
      leavers: [],
      settleTimeoutMs: 30_000,
      serializeActivation,
    };
    const fresh = await timed(() => applyCluster(op));
    const converged = await timed(() => applyCluster(op));
    const peers = (await applyCluster(op)).facts;
    const duplicates = Object.values(peers).flatMap((f) => f.cluster.duplicates);
    const sizes = Object.values(peers).map((f) => new Set(f.cluster.peers.map((p) => p.address)).size);
    return { fresh, converged, healthy: duplicates.length === 0 && sizes.every((s) => s === NODES) };
  } finally {
    await lab.sim.stop();
  }
}

async function main() {
  const serial: Awaited<ReturnType<typeof converge>>[] = [];
  const parallel: Awaited<ReturnType<typeof converge>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    serial.push(await converge(true));
    parallel.push(await converge(false));
  }
  const s = median(serial.map((r) => r.fresh));
  const p = median(parallel.map((r) => r.fresh));
  const noop = median(serial.map((r) => r.converged));
  const lines = [
    "# Benchmark results",
    "",
    `Run: ${new Date().toISOString()}, Node ${process.version}, ${NODES} simulated nodes, ${LATENCY_MS} ms added per MMP command, median of ${ROUNDS} rounds.`,
    "",
    "| measurement | ms (median) |",
    "|---|---|",
    `| fresh cluster, activations (restart/join) one node at a time | ${s.toFixed(0)} |`,
    `| fresh cluster, activations in parallel | ${p.toFixed(0)} |`,
    `| second up on a converged cluster (facts only) | ${noop.toFixed(0)} |`,
    "",
    "| ratio | value |",
    "|---|---|",
    `| serialized / parallel activation | ${(s / p).toFixed(2)} |`,
    `| converged no-op / fresh converge | ${(noop / s).toFixed(2)} |`,
    "",
    `Parallel joins ended healthy (one peer per node, no duplicates) in ${parallel.filter((r) => r.healthy).length}/${ROUNDS} rounds; serialized in ${serial.filter((r) => r.healthy).length}/${ROUNDS}.`,
    "",
  ];
  const text = lines.join("\n");
  writeFileSync(join(__dirname, "results.md"), text);
  process.stdout.write(text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
