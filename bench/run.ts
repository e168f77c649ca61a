/**
 * npm run bench [-- --quick]: the product measured through the real engine against the simulator, written to
 * bench/RESULTS.md with a plot (bench/ratio.svg). Every ratio compares numbers measured in this one run.
 *
 * 1. Where the time of a no-op preview goes (the engine's own log).
 * 2. A converged 3-node stack: no-op `up` and `preview` against an empty TypeScript program, alternated; drift found.
 * 3. Cold converges for N × M with 100 ms per MMP command, next to the critical-path bound; a forced-serial run.
 */

import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { withMmpSession } from "../src/clients/mmp/session";
import { planCluster } from "../src/core/plan";
import { SIM_PASSWORD } from "../test/support/cluster-stack";
import { engineVersion } from "../test/support/engine";
import { blankFacts } from "../test/support/facts";
import { criticalPath } from "./critical-path";
import { coldPhases, milestones } from "./engine-log";
import {
  cliPreview,
  cliUp,
  counted,
  dynamicStack,
  emptyStack,
  forget,
  previewWithLog,
  siteStack,
  startSite,
  upWithLog,
} from "./engine-runs";
import { ratioPlot } from "./plot";
import { type Counts, type Report, writeResults } from "./results";

const quick = process.argv.includes("--quick");
const LATENCY_MS = 100;
const NS = quick ? [3] : [3, 5, 7];
const MS = quick ? [3] : [3, 12, 24];
const SERIAL_N = quick ? 3 : 5;
// The no-op `up` ratio sits near its 1.5× line and one round can be off by a tenth: the median of 9 holds still.
const ROUNDS = quick ? 3 : 9;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (line: string) => process.stdout.write(`bench: ${line}\n`);

async function noOp(): Promise<Report["noOp"]> {
  const sim = await startSite(3, 0);
  const stack = await siteStack(sim, 3);
  const empty = await emptyStack();
  const dynamic = await dynamicStack();
  try {
    await stack.up();
    await empty.up();
    await dynamic.up();
    const runs = {
      emptyUp: [] as number[],
      dynamicUp: [] as number[],
      up: [] as number[],
      emptyPreview: [] as number[],
      dynamicPreview: [] as number[],
      preview: [] as number[],
    };
    let last: { up: Counts; preview: Counts } | undefined;
    for (let r = 0; r < ROUNDS; r++) {
      runs.emptyUp.push((await cliUp(empty)).ms);
      runs.dynamicUp.push((await cliUp(dynamic)).ms);
      const up = await counted(sim, () => cliUp(stack));
      const changes = (await stack.info())?.resourceChanges ?? {};
      if (Object.keys(changes).some((k) => k !== "same"))
        throw new Error(`the no-op up changed: ${JSON.stringify(changes)}`);
      runs.up.push(up.value.ms);
      runs.emptyPreview.push((await cliPreview(empty)).ms);
      runs.dynamicPreview.push((await cliPreview(dynamic)).ms);
      const preview = await counted(sim, () => cliPreview(stack));
      runs.preview.push(preview.value.ms);
      last = {
        up: { connections: up.connections, commands: up.commands },
        preview: { connections: preview.connections, commands: preview.commands },
      };
      log(`no-op round ${r + 1}/${ROUNDS}: up ${up.value.ms.toFixed(0)} ms, preview ${preview.value.ms.toFixed(0)} ms`);
    }
    const ours = await previewWithLog(stack);
    const base = await previewWithLog(empty);
    // Drift made by hand on one node: the no-op's single read must see it, and the next up repair it.
    const node = sim.nodes[1];
    await withMmpSession(
      {
        node: node.name,
        host: node.host,
        port: node.sshPort,
        username: "admin",
        password: SIM_PASSWORD,
        hostKeyFingerprint: node.hostKeyFingerprint,
        timeoutMs: 10_000,
      },
      (s) => s.run("xmpp disable"),
    );
    const drift = await stack.preview();
    const repair = await counted(sim, () => cliUp(stack));
    const after = await stack.preview();
    return {
      medians: {
        emptyUp: median(runs.emptyUp),
        dynamicUp: median(runs.dynamicUp),
        up: median(runs.up),
        emptyPreview: median(runs.emptyPreview),
        dynamicPreview: median(runs.dynamicPreview),
        preview: median(runs.preview),
      },
      runs,
      up: last?.up ?? { connections: [], commands: [] },
      preview: last?.preview ?? { connections: [], commands: [] },
      profile: {
        ours: { wallMs: ours.wallMs, ...milestones(ours.log) },
        empty: { wallMs: base.wallMs, ...milestones(base.log) },
      },
      drift: {
        found: (drift.changeSummary.update ?? 0) > 0,
        repairMs: repair.value.ms,
        repairSent: repair.sent,
        repaired: (after.changeSummary.update ?? 0) === 0 && (after.changeSummary.create ?? 0) === 0,
      },
    };
  } finally {
    await sim.stop();
    await forget(stack, ".");
    await forget(empty, "bench/empty-program");
    await forget(dynamic, "bench/dynamic-program");
  }
}

/**
 * One cold `up`. Forced serial (`oneNodeAtATime`, with the engine's `--parallel 1`): one resource at a time, and in
 * the cluster's one node at a time, as an admin following the TechNote by hand would work.
 */
async function cold(n: number, m: number, oneNodeAtATime: boolean) {
  const sim = await startSite(n, LATENCY_MS);
  const stack = await siteStack(sim, m, oneNodeAtATime ? { oneNodeAtATime: true } : {});
  try {
    const run = await counted(sim, () => cliUp(stack, oneNodeAtATime ? ["--parallel", "1"] : []));
    const outputs = await stack.outputs();
    const findings = (outputs.verificationFindings?.value ?? []) as string[];
    const leader = String(outputs.leader?.value ?? "");
    const peers = sim.nodes.map((x) => x.state().cluster.peers.length);
    return {
      ms: run.value.ms,
      connections: run.connections,
      commands: run.commands,
      green: findings.length === 0 && leader !== "" && peers.every((p) => p === n),
    };
  } finally {
    await sim.stop();
    await forget(stack, ".");
  }
}

/** One cold converge of N = 3, M = 3 through the CLI with the engine's log, for where its time goes. */
async function coldProfile(): Promise<Report["coldProfile"]> {
  const sim = await startSite(3, LATENCY_MS);
  const stack = await siteStack(sim, 3);
  try {
    const run = await upWithLog(stack);
    return { n: 3, m: 3, wallMs: run.wallMs, phases: coldPhases(run.log), bound: bound(3, 3) };
  } finally {
    await sim.stop();
    await forget(stack, ".");
  }
}

function bound(n: number, m: number) {
  const names = Array.from({ length: n }, (_, i) => `cb${i + 1}`);
  const intent = {
    domain: "tptac9.com",
    initializer: "cb1",
    callBridges: Array.from({ length: m }, (_, i) => (i < n ? names[i] : `cbx${i + 1}`)),
    nodes: names.map((name, i) => ({
      name,
      xmppAddress: `127.0.0.${i + 1}`,
      listen: ["a"],
      certs: { keyFile: "k", certFile: "c", bundleFile: "b" },
      trustBundle: "t",
    })),
  };
  return criticalPath(planCluster(intent, Object.fromEntries(names.map((x) => [x, blankFacts(x)]))), LATENCY_MS);
}

async function main() {
  const started = Date.now();
  log(`${quick ? "quick" : "full"} run: N ∈ {${NS}}, M ∈ {${MS}}, ${LATENCY_MS} ms per MMP command`);
  const noop = await noOp();
  const cells: Report["cells"] = [];
  for (const n of NS) {
    for (const m of MS) {
      const parallel = await cold(n, m, false);
      const serial = n === SERIAL_N ? await cold(n, m, true) : undefined;
      const b = bound(n, m);
      cells.push({ n, m, parallel, serial, bound: b });
      log(
        `N=${n} M=${m}: ${(parallel.ms / 1000).toFixed(1)} s, bound ${(b.boundMs / 1000).toFixed(1)} s` +
          (serial ? `, one node at a time ${(serial.ms / 1000).toFixed(1)} s` : ""),
      );
    }
  }
  const profile = await coldProfile();
  const report: Report = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    node: process.version,
    engine: engineVersion(),
    quick,
    latencyMs: LATENCY_MS,
    serialN: SERIAL_N,
    noOp: noop,
    coldProfile: profile,
    cells,
    durationS: (Date.now() - started) / 1000,
  };
  writeFileSync(
    join(__dirname, "ratio.svg"),
    ratioPlot(
      cells.map((c) => ({ n: c.n, m: c.m, ratio: c.parallel.ms / c.bound.boundMs })),
      "cold converge / critical-path bound",
    ),
  );
  const text = writeResults(report);
  writeFileSync(join(__dirname, "RESULTS.md"), text);
  process.stdout.write(text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
