// Team state in PostgreSQL: the repo's program on a postgres:// backend (a real PostgreSQL from Debian's packages on
// loopback) against simulated nodes. Two admins, each with their own workspace, run `pulumi up` on the same stack at
// the same time: the second is refused by the backend's lock and sends no command to any node.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ConcurrentUpdateError, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { withMmpSession } from "../src/clients/mmp/session";
import { parseCallBridgeList } from "../src/core/parsers/callbridge-list";
import { clusterStackConfig, SIM_API_PASSWORD, SIM_PASSWORD, SIM_USERS } from "./support/cluster-stack";
import { dispose, type Engine, engineOrSkipReason, releaseWorkspace, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";
import { type PostgresServer, postgresSkipReason, startPostgres } from "./support/postgres";
import { leakedSecrets } from "./support/secrets";

const execFileAsync = promisify(execFile);
const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`team-state tests skipped: ${engine.skip}`);
const pgSkip = postgresSkipReason();
vi.setConfig({ testTimeout: 120_000 });

/** What this config (offNode certificates, 3 nodes and bridges) makes from nothing; as in cycles.test.ts. */
const RESOURCES = 31;
const PROJECT = "cms-xmpp-resiliency";

describe.skipIf("skip" in engine || pgSkip !== undefined)("team state in PostgreSQL", () => {
  let pg: PostgresServer;
  let sim: SimCluster;
  /**
   * Two admins' workspaces on the same backend URL and stack, each `up` its own CLI process. They share the project
   * dir, as a team shares the stack config (and its passphrase salt) in git.
   */
  let first: Stack;
  let second: Stack;
  let freshHome: string;
  const output: string[] = [];
  const onOutput = (s: string) => output.push(s);
  const commands = () => Object.fromEntries(sim.nodes.map((n) => [n.name, n.transcript.map((e) => e.command)]));
  const clear = () => {
    for (const n of sim.nodes) n.clearTranscript();
  };
  /** The backend's rows as `[key, decoded blob]`: the postgres bucket keeps each blob base64-encoded in JSON. */
  const rows = async (keyLike = "%") =>
    (await pg.query(`SELECT key, data->>'data' FROM pulumi_state WHERE key LIKE '${keyLike}' ORDER BY key`)).map(
      ([key, data]): [string, string] => [key, Buffer.from(data, "base64").toString("utf8")],
    );
  const stackKey = () => `pulumi/.pulumi/stacks/${PROJECT}/${first.name}.json`;
  const locks = () => rows(`pulumi/.pulumi/locks/organization/${PROJECT}/${first.name}/%`);

  beforeAll(async () => {
    pg = startPostgres();
    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: [1, 2, 3].map((i) => ({ name: `cb${i}`, host: `${prefix}.${i}`, ...SIM_USERS })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    first = await testStack({
      workDir: ".",
      config: clusterStackConfig(sim),
      backendUrl: pg.url,
      backendContents: async () => [
        ["pg_dump", pg.dump()],
        ...(await rows()).map(([key, text]): [string, string] => [`pulumi_state ${key}`, text]),
      ],
    });
    second = await testStack({ workDir: ".", stackName: first.name, backendUrl: pg.url });
    freshHome = mkdtempSync(path.join(tmpdir(), "pulumi-home-"));
  }, 120_000);

  afterAll(async () => {
    try {
      await dispose(first);
    } finally {
      releaseWorkspace(second);
      rmSync(freshHome ?? "", { recursive: true, force: true });
      await sim?.stop();
      pg?.stop();
    }
  });

  it("converges the cluster with its state in PostgreSQL", async () => {
    const up = await first.up({ onOutput, onError: onOutput });
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges).toEqual({ create: RESOURCES });
    expect(up.outputs.verificationFindings.value).toEqual([]);
    const [[, checkpointJson]] = await rows(stackKey());
    const checkpoint = JSON.parse(checkpointJson);
    expect(checkpoint.checkpoint.latest.resources).toHaveLength(RESOURCES + 2); // + the default tls and dynamic providers
  });

  it("refuses a second `up` on the same stack while the first runs; the second sends no MMP command", async () => {
    clear();
    let firstDone = false;
    const firstUp = first.up({ onOutput, onError: onOutput }).finally(() => {
      firstDone = true;
    });
    let lock: [string, string] | undefined;
    while (!lock && !firstDone) {
      [lock] = await locks();
      if (!lock) await new Promise((r) => setTimeout(r, 50));
    }
    expect(lock, "the first up's lock, seen while it runs").toBeDefined();
    const [lockKey, lockJson] = lock as [string, string];
    const secondUp = await second.up({ onOutput, onError: onOutput }).then(
      () => new Error("the second up succeeded"),
      (e: unknown) => e,
    );
    expect(firstDone, "the second up was refused while the first still ran").toBe(false);
    const firstResult = await firstUp;
    expect(firstResult.summary.resourceChanges).toEqual({ same: RESOURCES });

    expect(secondUp).toBeInstanceOf(ConcurrentUpdateError);
    // The Automation API keeps the CLI's own exit and output on the process error it wraps.
    type CliError = { exitCode: number; stdout: string; stderr: string };
    const cli = (secondUp as unknown as { commandResult: { err: CliError } }).commandResult.err;
    output.push(cli.stdout, cli.stderr);
    expect(cli.exitCode).toBe(1);
    expect(cli.stdout).toBe("");
    const held = JSON.parse(lockJson) as { pid: number; username: string; hostname: string; timestamp: string };
    expect(held).toMatchObject({ username: userInfo().username, hostname: hostname() });
    // The backend names the lock by its URL, the user and password masked.
    const lockUrl = `postgres://****:****@127.0.0.1:${pg.port}/${lockKey}?sslmode=disable`;
    expect(cli.stderr).toBe(
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete " +
        "the lock file with `pulumi cancel`.\n" +
        `  ${lockUrl}: created by ${held.username}@${held.hostname} (pid ${held.pid}) at ${held.timestamp.replace(/\.\d+/, "")}`,
    );
    // Every node ran what one `up` of a converged cluster runs, once: the facts for the cluster's check (the
    // verification's one look takes them as read). None of the second's commands.
    const noOp = ["version", "xmpp", "xmpp callbridge list", "xmpp cluster status"];
    expect(commands()).toEqual({ cb1: noOp, cb2: noOp, cb3: noOp });
    expect(await locks(), "no lock left").toEqual([]);
  });

  it("a fresh `pulumi login postgres://…` (password in PGPASSWORD) sees the stack", async () => {
    const pulumi = path.join((engine as Engine).pulumiRoot, "bin", "pulumi");
    const env = {
      ...process.env,
      PULUMI_HOME: freshHome,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PGPASSWORD: pg.password,
    };
    const run = (args: string[]) => execFileAsync(pulumi, args, { cwd: freshHome, env });
    const login = await run(["login", pg.urlWithoutPassword]);
    expect(login.stdout).toBe(`Logged in to ${hostname()} as ${userInfo().username} (${pg.urlWithoutPassword})\n`);
    const ls = JSON.parse((await run(["stack", "ls", "--all", "--json", "--non-interactive"])).stdout) as {
      name: string;
      resourceCount: number;
    }[];
    expect(ls.map((s) => [s.name, s.resourceCount])).toEqual([
      [`organization/${PROJECT}/${first.name}`, RESOURCES + 2],
    ]);
  });

  it("leaves no secret in plaintext in the database dump, the engine output or the fresh login", async () => {
    const node = sim.node("cb1");
    const bridgeSecrets = parseCallBridgeList(
      await withMmpSession(
        {
          node: node.name,
          host: node.host,
          port: node.sshPort,
          username: "admin",
          password: SIM_PASSWORD,
          hostKeyFingerprint: node.hostKeyFingerprint,
        },
        (s) => s.run("xmpp callbridge list", { sensitiveOutput: true }),
      ),
    ).map((e) => e.secret as string);
    expect(bridgeSecrets).toHaveLength(3);
    const dump = pg.dump();
    const decoded = await rows();
    // The checkpoint holds the Call Bridge secrets as Pulumi secrets, encrypted: the search looks at real content.
    expect(decoded.find(([key]) => key === stackKey())?.[1]).toContain(
      '"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270"',
    );
    const found = await leakedSecrets({
      stack: first,
      output,
      secrets: [...bridgeSecrets, SIM_PASSWORD, SIM_API_PASSWORD, pg.password],
      backend: [["pg_dump", dump], ...decoded.map(([key, text]): [string, string] => [`pulumi_state ${key}`, text])],
      dirs: [freshHome],
    });
    expect(found).toEqual([]);
  });

  it("the second admin destroys the stack once the lock is free", async () => {
    const destroy = await second.destroy({ onOutput, onError: onOutput });
    expect(destroy.summary.resourceChanges).toEqual({ delete: RESOURCES });
    for (const n of sim.nodes) expect(n.state().cluster.member, `${n.name} after destroy`).toBe(false);
  });
});
