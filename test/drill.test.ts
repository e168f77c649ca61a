// `npm run drill` as a child process against a converged simulated 3-node cluster whose Call Bridges find the XMPP
// nodes through DNS SRV (the first leader preferred, so every bridge has to fail over). The stack config, with
// its encrypted passwords, is read by the drill through `pulumi config`, as on real nodes.
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimNode } from "../sim";
import { putXmppSettings } from "../src/clients/cms-api/api-client";
import { applyCluster } from "../src/engine/apply";
import { DnsResponder } from "./sim-support/dns-responder";
import { clusterStackConfig, SIM_API_PASSWORD, SIM_PASSWORD, SIM_USERS } from "./support/cluster-stack";
import { dispose, engineOrSkipReason, REPO_ROOT, testStack } from "./support/engine";
import { findSecrets } from "./support/secrets";
import { mutating, type SimLab, startSimLab } from "./support/sim-lab";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`drill tests skipped: ${engine.skip}`);

interface Run {
  code: number | null;
  stdout: string[];
  stderr: string;
}

describe.skipIf("skip" in engine)("failover drill (npm run drill) against three simulated nodes", () => {
  let dns: DnsResponder;
  let lab: SimLab;
  let stack: Stack;
  let secrets: string[];
  const names = ["cb1", "cb2", "cb3"];

  const node = (name: string): SimNode => lab.sim.node(name);
  const leader = () => names.filter((n) => node(n).state().cluster.state === "LEADER");
  const bridgesConnected = (on: string[]) => on.every((n) => node(n).callBridge().status() === "connected");
  const until = async (what: string, ok: () => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const clear = () => {
    for (const n of lab.sim.nodes) n.clearTranscript();
  };

  /** Runs the drill; `onLine` sees each stdout line as it comes and may signal the child. */
  function drill(args: string[], onLine: (line: string, child: ChildProcess) => void = () => {}): Promise<Run> {
    const bin = path.join((engine as { pulumiRoot: string }).pulumiRoot, "bin");
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/drill.ts", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...stack.workspace.envVars, PATH: `${bin}:${process.env.PATH}` },
    });
    const stdout: string[] = [];
    let partial = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        stdout.push(line);
        onLine(line, child);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  }

  /** Times normalized: `+1.2 s` at a timeline line's start becomes `+T`, any other `1.2 s` becomes `T`. */
  const shapes = (lines: string[]) =>
    lines.map((l) => l.replace(/^ *\+\d+\.\d s {2}/, "+T  ").replace(/\d+\.\d s\b/g, "T"));

  const noSecrets = (run: Run) =>
    expect(
      findSecrets(
        [
          ["drill stdout", run.stdout.join("\n")],
          ["drill stderr", run.stderr],
        ],
        secrets,
      ),
    ).toEqual([]);

  beforeAll(async () => {
    dns = new DnsResponder();
    await dns.start();
    // Slower elections than the default, so that only the drill moves the leader, also on a loaded machine.
    lab = await startSimLab(
      3,
      {},
      {
        ...SIM_USERS,
        dnsServer: { host: dns.host, port: dns.port },
        bridgeRetryMs: 100,
        keepaliveMs: 100,
        electionTimeoutMs: 1000,
      },
    );
    dns.srv.set(
      `_xmpp-component._tcp.${lab.domain}`,
      lab.sim.nodes.map((n, i) => ({
        priority: i === 0 ? 0 : 10,
        weight: 10,
        port: 5223,
        target: `${n.name}.${lab.domain}`,
      })),
    );
    for (const n of lab.sim.nodes) dns.a.set(`${n.name}.${lab.domain}`, [n.host]);
    const applied = await applyCluster({
      intent: lab.intent,
      targets: lab.targets,
      leavers: [],
      settleTimeoutMs: 10_000,
    });
    for (const n of lab.sim.nodes) {
      const api = {
        bridge: n.name,
        url: `https://${n.host}:${n.apiPort}`,
        username: "admin",
        password: SIM_API_PASSWORD,
        caCertPem: n.apiCertPem,
        insecureSkipVerify: false,
        timeoutMs: 5000,
      };
      await putXmppSettings(
        api,
        { uniqueName: n.name, domain: lab.domain, serverAddress: "" },
        applied.secrets[n.name],
      );
    }
    secrets = [SIM_PASSWORD, SIM_API_PASSWORD, ...Object.values(applied.secrets)];
    const callBridges = lab.sim.nodes.map((n) => ({ name: n.name, apiUrl: `https://${n.host}:${n.apiPort}` }));
    stack = await testStack({ workDir: ".", config: clusterStackConfig(lab.sim, { callBridges }) });
    await until("every Call Bridge connected to cb1", () =>
      names.every((n) => node(n).callBridge().connectedTo() === `${lab.sim.nodes[0].host}:5223`),
    );
    expect(leader()).toEqual(["cb1"]);
  }, 60_000);

  afterAll(async () => {
    await dispose(stack);
    await lab?.sim.stop();
    dns?.stop();
  });

  it("refuses a stack other than dev without --yes, before contacting any node", async () => {
    clear();
    const run = await drill(["--stack", stack.name]);
    expect(run.code).toBe(2);
    expect(run.stdout).toEqual([]);
    expect(run.stderr).toBe(
      `the drill disables the leader's XMPP server on stack ${stack.name}: add --yes to run it (only the dev stack runs without)\n`,
    );
    for (const n of names) expect(node(n).transcript).toEqual([]);
  });

  it("disables the leader, times the new leader and the Call Bridges' failover, enables it again", async () => {
    clear();
    const run = await drill(["--stack", stack.name, "--yes"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const [next] = leader();
    expect(["cb2", "cb3"]).toContain(next);
    expect(shapes(run.stdout)).toEqual([
      `failover drill on stack ${stack.name}: nodes cb1, cb2, cb3; Call Bridges watched over the CMS API: cb1, cb2, cb3`,
      "healthy: cb1 leads cb1, cb2, cb3; without it 2 of 3 nodes stay up, and a new leader needs 2",
      "+T  cb1 disabled (xmpp disable)",
      `+T  new leader ${next}, agreed by cb2, cb3`,
      "+T  every Call Bridge reports connected: cb1, cb2, cb3",
      "+T  cb1 enabled again (xmpp enable)",
      `+T  cluster whole again: ${next} leads cb1, cb2, cb3, every Call Bridge connected`,
      "timeline: new leader after T, every Call Bridge connected after T, cluster whole after T",
    ]);
    expect(mutating(lab.sim, "cb1")).toEqual(["xmpp disable", "xmpp enable"]);
    for (const n of ["cb2", "cb3"]) expect(mutating(lab.sim, n)).toEqual([]);
    const cb1 = node("cb1").state();
    expect([cb1.xmpp.enabled, cb1.xmpp.running, cb1.cluster.state]).toEqual([true, true, "FOLLOWER"]);
    // Every bridge had been on cb1 and failed over to another node, where it stays.
    for (const n of names) expect(node(n).callBridge().connectedTo()).not.toBe(`${lab.sim.nodes[0].host}:5223`);
    expect(bridgesConnected(names)).toBe(true);
    noSecrets(run);
  }, 40_000);

  it("on Ctrl-C after the disable, enables the old leader again and waits for the cluster (exit 130)", async () => {
    await until("one leader", () => leader().length === 1);
    clear();
    const [old] = leader();
    const run = await drill(["--stack", stack.name, "--yes"], (line, child) => {
      if (line.endsWith(`${old} disabled (xmpp disable)`)) child.kill("SIGINT");
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toBe(`interrupted: ${old} was enabled again\n`);
    const [now] = leader();
    expect(shapes(run.stdout)).toEqual([
      `failover drill on stack ${stack.name}: nodes cb1, cb2, cb3; Call Bridges watched over the CMS API: cb1, cb2, cb3`,
      `healthy: ${old} leads cb1, cb2, cb3; without it 2 of 3 nodes stay up, and a new leader needs 2`,
      `+T  ${old} disabled (xmpp disable)`,
      "Ctrl-C: stopping the drill; a disabled leader is enabled again first (Ctrl-C again: exit after that)",
      `interrupted: enabling ${old} again before exiting`,
      `+T  ${old} enabled again (xmpp enable)`,
      `+T  cluster whole again: ${now} leads cb1, cb2, cb3, every Call Bridge connected`,
    ]);
    expect(mutating(lab.sim, old)).toEqual(["xmpp disable", "xmpp enable"]);
    for (const n of names.filter((n) => n !== old)) expect(mutating(lab.sim, n)).toEqual([]);
    expect(node(old).state().xmpp.enabled).toBe(true);
    noSecrets(run);
  }, 40_000);

  it("on a second Ctrl-C still enables the old leader before exiting, without waiting for the cluster", async () => {
    await until("one leader", () => leader().length === 1);
    clear();
    const [old] = leader();
    // `xmpp enable` hangs until the test lets it go, so the second Ctrl-C lands while it runs.
    for (const n of lab.sim.nodes) n.faults.stallCommand = "xmpp enable";
    let exited = false;
    const running = drill(["--stack", stack.name, "--yes"], (line, child) => {
      if (line.endsWith(`${old} disabled (xmpp disable)`)) child.kill("SIGINT");
      if (line.startsWith("interrupted: enabling")) child.kill("SIGINT");
      if (line.startsWith("Ctrl-C again")) {
        setTimeout(() => {
          exited = child.exitCode !== null;
          for (const n of lab.sim.nodes) n.faults.stallCommand = null;
        }, 500);
      }
    });
    const run = await running;
    expect(exited).toBe(false);
    expect(run.code).toBe(130);
    expect(run.stderr).toBe(`interrupted: ${old} was enabled again\n`);
    expect(shapes(run.stdout)).toEqual([
      `failover drill on stack ${stack.name}: nodes cb1, cb2, cb3; Call Bridges watched over the CMS API: cb1, cb2, cb3`,
      `healthy: ${old} leads cb1, cb2, cb3; without it 2 of 3 nodes stay up, and a new leader needs 2`,
      `+T  ${old} disabled (xmpp disable)`,
      "Ctrl-C: stopping the drill; a disabled leader is enabled again first (Ctrl-C again: exit after that)",
      `interrupted: enabling ${old} again before exiting`,
      "Ctrl-C again: exiting once the leader is enabled again",
      `+T  ${old} enabled again (xmpp enable)`,
      `not waiting for the cluster: ${old} is enabled again; check it with \`xmpp cluster status\``,
    ]);
    expect(mutating(lab.sim, old)).toEqual(["xmpp disable", "xmpp enable"]);
    expect(node(old).state().xmpp.enabled).toBe(true);
    await until("the cluster whole again", () => leader().length === 1 && bridgesConnected(names));
    noSecrets(run);
  }, 40_000);

  it("refuses when a node is already down: no majority to spare, nothing changed (exit 2)", async () => {
    await until("one leader, every bridge connected", () => leader().length === 1 && bridgesConnected(names));
    const [lead] = leader();
    const down = names.find((n) => n !== lead) as string;
    const up = names.filter((n) => n !== down);
    await node(down).stop();
    await until("the other bridges connected", () => bridgesConnected(up));
    clear();
    const run = await drill(["--stack", stack.name, "--yes"]);
    expect(run.code).toBe(2);
    const d = node(down);
    expect(run.stdout).toEqual([
      `failover drill on stack ${stack.name}: nodes cb1, cb2, cb3; Call Bridges watched over the CMS API: cb1, cb2, cb3`,
    ]);
    expect(run.stderr).toBe(
      [
        "failover drill refused: the cluster must be healthy, with a majority to spare, before its leader is disabled; nothing was changed",
        `- no majority to spare: 2 of 3 nodes are LEADER or FOLLOWER (${up.join(", ")}); without the leader ${lead} 1 would be left, and electing a new leader needs 2`,
        `- [quorum] ${down} is unreachable: connect ${d.host}:${d.sshPort}: connect ECONNREFUSED ${d.host}:${d.sshPort}`,
        "    next: bring the node back (or fix its MMP address and credentials), then `pulumi up`",
        `- [call bridge] ${down} status could not be read: GET /api/v1/system/status: connect ECONNREFUSED ${d.host}:${d.apiPort}`,
        "    next: check the Call Bridge apiUrl and that the Web Admin/API is listening",
        "next: repair the cluster (bring the node back, or pulumi up), then run the drill again",
        "",
      ].join("\n"),
    );
    for (const n of up) expect(mutating(lab.sim, n)).toEqual([]);
    expect(leader()).toEqual([lead]);
    noSecrets(run);
  }, 40_000);
});
