import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import { type SimCluster, startSimCluster } from "../sim";
import { clusterStackConfig, SIM_USERS } from "../test/support/cluster-stack";
import { backendDir, engineOrSkipReason, REPO_ROOT, testStack } from "../test/support/engine";
import { randomLoopbackPrefix } from "../test/support/loopback";

const execFileAsync = promisify(execFile);

/** N simulated CMS 2.x nodes on a fresh loopback /24, each MMP command and API request delayed by `latencyMs`. */
export function startSite(nodes: number, latencyMs: number): Promise<SimCluster> {
  const prefix = randomLoopbackPrefix();
  return startSimCluster({
    nodes: Array.from({ length: nodes }, (_, i) => ({ name: `cb${i + 1}`, host: `${prefix}.${i + 1}`, ...SIM_USERS })),
    keepaliveMs: 50,
    electionTimeoutMs: 200,
    bridgeRetryMs: 200,
    latencyMs,
  });
}

/**
 * M Call Bridges: one on each simulated node (with its API), up to M; the rest are managed on the XMPP side only
 * (`xmpp callbridge add`/`add-secret`), which is where M costs MMP commands.
 */
function callBridges(sim: SimCluster, m: number) {
  return Array.from({ length: m }, (_, i) => {
    const n = sim.nodes[i];
    return n
      ? { name: n.name, apiUrl: `https://${n.host}:${n.apiPort}`, serverAddress: `${n.host}:5223` }
      : { name: `cbx${i + 1}` };
  });
}

/** A stack of the repository's own program (`.`) on the site. */
export function siteStack(sim: SimCluster, m: number, cluster: Record<string, unknown> = {}): Promise<Stack> {
  return testStack({ workDir: ".", config: clusterStackConfig(sim, { callBridges: callBridges(sim, m), ...cluster }) });
}

export function emptyStack(): Promise<Stack> {
  return testStack({ workDir: "bench/empty-program" });
}

/** Forgets a stack without destroying anything (the site it managed is stopped anyway). */
export async function forget(stack: Stack, workDir: string): Promise<void> {
  await stack.workspace.removeStack(stack.name, { force: true });
  rmSync(path.dirname(backendDir(stack)), { recursive: true, force: true });
  const configDir = workDir === "." ? "stacks" : workDir;
  rmSync(path.join(REPO_ROOT, configDir, `Pulumi.${stack.name}.yaml`), { force: true });
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** SSH connections and MMP commands each node saw while `fn` ran. */
export async function counted<T>(sim: SimCluster, fn: () => Promise<T>) {
  for (const n of sim.nodes) n.clearTranscript();
  const before = sim.nodes.map((n) => n.sshConnections);
  const value = await fn();
  const sent = sim.nodes.map((n) => n.transcript.map((e) => e.command).filter((c) => !c.startsWith("API ")));
  return {
    value,
    connections: sim.nodes.map((n, i) => n.sshConnections - before[i]),
    commands: sent.map((c) => c.length),
    sent,
  };
}

/** `pulumi preview` with the engine's own log (`-v=7`), for the timestamps of what it did. */
export function previewWithLog(stack: Stack, workDir: string): Promise<{ wallMs: number; log: string }> {
  return runWithLog(stack, workDir, ["preview"]);
}

/** `pulumi up` (no preview) with the engine's own log (`-v=7`). */
export function upWithLog(stack: Stack, workDir: string): Promise<{ wallMs: number; log: string }> {
  return runWithLog(stack, workDir, ["up", "--yes", "--skip-preview"]);
}

async function runWithLog(stack: Stack, workDir: string, command: string[]): Promise<{ wallMs: number; log: string }> {
  const engine = engineOrSkipReason();
  if ("skip" in engine) throw new Error(engine.skip);
  const env = { ...process.env, ...engine.env, ...stack.workspace.envVars };
  const start = process.hrtime.bigint();
  const { stderr } = await execFileAsync(
    path.join(engine.pulumiRoot, "bin", "pulumi"),
    [...command, "--stack", stack.name, "--non-interactive", "--logtostderr", "-v=7"],
    { cwd: path.resolve(REPO_ROOT, workDir), env, maxBuffer: 512 << 20 },
  );
  return { wallMs: Number(process.hrtime.bigint() - start) / 1e6, log: stderr };
}
