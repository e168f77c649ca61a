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

/** The empty program and one dynamic resource that does nothing: what any dynamic provider costs. */
export function dynamicStack(): Promise<Stack> {
  return testStack({ workDir: "bench/dynamic-program" });
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

/**
 * One `pulumi` command on the stack as an admin runs it, and its wall time. Not the Automation API's `up`, which
 * runs `pulumi stack output` and `pulumi stack history` after it: ≈ 1 s that would sit on both sides of a ratio.
 */
export async function cli(stack: Stack, command: string[]): Promise<{ ms: number; stderr: string }> {
  const engine = engineOrSkipReason();
  if ("skip" in engine) throw new Error(engine.skip);
  const env = { ...process.env, ...engine.env, ...stack.workspace.envVars };
  const run = await timed(() =>
    execFileAsync(
      path.join(engine.pulumiRoot, "bin", "pulumi"),
      [...command, "--stack", stack.name, "--non-interactive"],
      {
        cwd: stack.workspace.workDir,
        env,
        maxBuffer: 512 << 20,
      },
    ),
  );
  return { ms: run.ms, stderr: run.value.stderr };
}

/** `pulumi up --yes --skip-preview`, with `extra` arguments. */
export const cliUp = (stack: Stack, extra: string[] = []) => cli(stack, ["up", "--yes", "--skip-preview", ...extra]);

export const cliPreview = (stack: Stack) => cli(stack, ["preview"]);

const WITH_LOG = ["--logtostderr", "-v=7"];

/** `pulumi preview` with the engine's own log (`-v=7`), for the timestamps of what it did. */
export async function previewWithLog(stack: Stack): Promise<{ wallMs: number; log: string }> {
  const run = await cli(stack, ["preview", ...WITH_LOG]);
  return { wallMs: run.ms, log: run.stderr };
}

/** `pulumi up` (no preview) with the engine's own log (`-v=7`). */
export async function upWithLog(stack: Stack): Promise<{ wallMs: number; log: string }> {
  const run = await cliUp(stack, WITH_LOG);
  return { wallMs: run.ms, log: run.stderr };
}
