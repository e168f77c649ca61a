/**
 * Shared helper for every test that runs the real Pulumi engine (CLI + language host + providers) through the
 * Automation API. The engine is the one `npm run engine` recorded in `.pulumi-home/engine.json`; this module never
 * builds it.
 *
 * ```ts
 * import { afterAll, beforeAll, describe, expect, it } from "vitest";
 * import type { Stack } from "@pulumi/pulumi/automation";
 * import { dispose, engineOrSkipReason, testStack } from "./support/engine";
 *
 * const engine = engineOrSkipReason(); // throws instead when CI is set and the engine is missing
 * if ("skip" in engine) console.warn(`my tests skipped: ${engine.skip}`);
 *
 * describe.skipIf("skip" in engine)("my component", () => {
 *   let stack: Stack;
 *   beforeAll(async () => {
 *     stack = await testStack({ workDir: "test/fixtures/my-program", config: { "my:zone": { value: "example.test" } } });
 *   });
 *   afterAll(async () => dispose(stack));
 *   it("creates", async () => {
 *     const up = await stack.up();
 *     expect(up.summary.resourceChanges?.create).toBe(3);
 *   });
 * });
 * ```
 *
 * - `testStack` runs a Pulumi program directory (a Pulumi.yaml + package.json with `"main": "index.ts"`) that lives
 *   inside this repo, so that `@pulumi/pulumi` and dynamic providers resolve from the repo's node_modules.
 *   Relative imports such as `../../../src/resources/x` work. Stack config files (`Pulumi.<stack>.yaml`) are written
 *   next to that program and removed by `dispose`.
 * - `inlineTestStack` runs a `program` function in the test process; its work dir is a fresh dir under `.tmp/`.
 * - Each stack gets its own `file://` backend under `.tmp/engine-tests/` (or the `backendUrl` given, e.g. a
 *   `postgres://` one) and the passphrase secrets provider (passphrase {@link TEST_PASSPHRASE}); `dispose` destroys
 *   the resources, removes the stack and the temp dirs.
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { type ConfigMap, LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

const execFileAsync = promisify(execFile);

/** Repository root (the directory holding package.json). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Passphrase of the passphrase secrets provider used by test stacks (dev/test only). */
export const TEST_PASSPHRASE = "cms-xmpp-dev";

export interface Engine {
  /** Directory whose bin/ holds pulumi and its plugins: pass to PulumiCommand.get({ root }). */
  pulumiRoot: string;
  /** Environment for the CLI: PULUMI_HOME, offline switches and the test passphrase. */
  env: Record<string, string>;
  /** Version of the installed tls provider plugin, or null when `npm run engine` could not build it. */
  tlsVersion: string | null;
}

interface EngineRecord {
  bin: string;
  root: string;
  pulumiVersion: string;
  tlsVersion: string | null;
}

function isCi(): boolean {
  const ci = process.env.CI ?? "";
  return ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

function findEngine(): Engine | { skip: string } {
  const home = path.join(REPO_ROOT, ".pulumi-home");
  const recordFile = path.join(home, "engine.json");
  if (!existsSync(recordFile)) return { skip: `no Pulumi engine recorded (${recordFile}); run 'npm run engine'` };
  const rec = JSON.parse(readFileSync(recordFile, "utf8")) as EngineRecord;
  const sdkVersion = (
    JSON.parse(readFileSync(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  if (rec.pulumiVersion !== sdkVersion) {
    return { skip: `engine is pulumi ${rec.pulumiVersion} but @pulumi/pulumi is ${sdkVersion}; run 'npm run engine'` };
  }
  const pulumi = path.join(rec.root, "bin", "pulumi");
  try {
    accessSync(pulumi, constants.X_OK);
  } catch {
    return { skip: `${pulumi} is missing or not executable; run 'npm run engine'` };
  }
  if (rec.tlsVersion !== null) {
    const tlsDir = path.join(home, "plugins", `resource-tls-v${rec.tlsVersion}`);
    if (!existsSync(path.join(tlsDir, "pulumi-resource-tls")) || existsSync(`${tlsDir}.partial`)) {
      return { skip: `tls plugin ${rec.tlsVersion} is not installed in ${home}; run 'npm run engine'` };
    }
  }
  return {
    pulumiRoot: rec.root,
    tlsVersion: rec.tlsVersion,
    env: {
      PULUMI_HOME: home,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
      // ts-node without type-checking: much faster per engine run; `npm run check` type-checks everything.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    },
  };
}

/**
 * The recorded engine, or `{ skip: reason }` when there is none. With CI set (`.ci/run` sets CI=1) a missing
 * engine throws instead: CI must never skip engine tests.
 */
export function engineOrSkipReason(): Engine | { skip: string } {
  const found = findEngine();
  if ("skip" in found && isCi()) throw new Error(`CI is set but the Pulumi engine is unavailable: ${found.skip}`);
  return found;
}

function requireEngine(): Engine {
  const found = engineOrSkipReason();
  if ("skip" in found) throw new Error(found.skip);
  return found;
}

export type TestConfig = Record<string, { value: string; secret?: boolean }>;

interface StackExtras {
  tmpDir: string;
  envVars: Record<string, string>;
  /** Everything the engine printed for this stack: see {@link recordRuns}. */
  output: string[];
  /** Directories the stack writes files to, searched for secrets by {@link dispose}. */
  writesTo: string[];
  /** What a backend that is not `file://` holds, as `[where, text]`, for the secret search. */
  backendContents?: () => Promise<[string, string][]>;
}
const extras = new WeakMap<Stack, StackExtras>();

type RunOptions = { onOutput?: (out: string) => void; onError?: (err: string) => void };
const RUNS = ["up", "preview", "refresh", "destroy"] as const;

/**
 * Makes the stack's engine runs record what they print (stdout, stderr, and the error of a failed run) into
 * `output`, whatever callbacks the test passes, so that {@link dispose} can search all of it for secrets.
 */
function recordRuns(stack: Stack, output: string[]): void {
  for (const op of RUNS) {
    const run = stack[op].bind(stack) as (opts?: RunOptions) => Promise<unknown>;
    Object.assign(stack, {
      [op]: async (opts: RunOptions = {}) => {
        try {
          return await run({
            ...opts,
            onOutput: (out) => {
              output.push(out);
              opts.onOutput?.(out);
            },
            onError: (err) => {
              output.push(err);
              opts.onError?.(err);
            },
          });
        } catch (err) {
          output.push(String(err));
          throw err;
        }
      },
    });
  }
}

/** What the stack's engine runs printed so far (see {@link recordRuns}). */
export function recordedOutput(stack: Stack): string[] {
  return extras.get(stack)?.output ?? [];
}

/** What the stack's backend holds when it is not `file://` (testStack's `backendContents`); undefined otherwise. */
export async function backendContents(stack: Stack): Promise<[string, string][] | undefined> {
  return extras.get(stack)?.backendContents?.();
}

/** Directories the stack writes files to (zone-file output), given to testStack as `writesTo`. */
export function writtenDirs(stack: Stack): string[] {
  return extras.get(stack)?.writesTo ?? [];
}

function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

interface StackOptions {
  stackName?: string;
  config?: TestConfig;
  envVars?: Record<string, string>;
  /** The stack's backend; default: a fresh `file://` backend in the stack's temp dir. */
  backendUrl?: string;
  /** Directories the stack writes files to (e.g. zone-file output): searched for secrets by {@link dispose}. */
  writesTo?: string[];
  /** With a `backendUrl` that is not `file://`: what it holds, as `[where, text]`, for the secret search. */
  backendContents?: () => Promise<[string, string][]>;
}

async function prepare(opts: StackOptions) {
  const engine = requireEngine();
  const name = opts.stackName ?? uniqueName("test");
  const tmpDir = path.join(REPO_ROOT, ".tmp", "engine-tests", uniqueName(name));
  mkdirSync(tmpDir, { recursive: true });
  let backendUrl = opts.backendUrl;
  if (backendUrl === undefined) {
    const stateDir = path.join(tmpDir, "state");
    mkdirSync(stateDir);
    backendUrl = `file://${stateDir}`;
  }
  const env: Record<string, string> = { ...engine.env, PULUMI_BACKEND_URL: backendUrl, ...opts.envVars };
  const pulumiCommand = await PulumiCommand.get({ root: engine.pulumiRoot });
  return { engine, name, tmpDir, backendUrl, env, pulumiCommand };
}

async function finish(stack: Stack, tmpDir: string, env: Record<string, string>, opts: StackOptions) {
  const output: string[] = [];
  extras.set(stack, {
    tmpDir,
    envVars: env,
    output,
    writesTo: opts.writesTo ?? [],
    backendContents: opts.backendContents,
  });
  recordRuns(stack, output);
  if (opts.config && Object.keys(opts.config).length > 0) await stack.setAllConfig(opts.config as ConfigMap);
  return stack;
}

/**
 * Creates (or selects) a stack of the Pulumi program in `workDir` (absolute, or relative to the repo root) with a
 * fresh temporary backend. `stackName` defaults to a unique `test-…` name.
 */
export async function testStack(opts: StackOptions & { workDir: string }): Promise<Stack> {
  const p = await prepare(opts);
  const workDir = path.resolve(REPO_ROOT, opts.workDir);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: p.name, workDir },
    {
      workDir,
      envVars: p.env,
      pulumiHome: p.env.PULUMI_HOME,
      pulumiCommand: p.pulumiCommand,
      secretsProvider: "passphrase",
    },
  );
  return finish(stack, p.tmpDir, p.env, opts);
}

/**
 * Like {@link testStack} for an inline `program` run inside the test process. The work dir is a fresh directory
 * under `<repo>/.tmp/`, so dynamic providers find `@pulumi/pulumi` in the repo's node_modules.
 */
export async function inlineTestStack(
  opts: StackOptions & { program: PulumiFn; projectName?: string },
): Promise<Stack> {
  const p = await prepare(opts);
  const workDir = path.join(p.tmpDir, "program");
  mkdirSync(workDir, { recursive: true });
  const projectName = opts.projectName ?? "inline-test";
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName, stackName: p.name, program: opts.program },
    {
      workDir,
      envVars: p.env,
      pulumiHome: p.env.PULUMI_HOME,
      pulumiCommand: p.pulumiCommand,
      secretsProvider: "passphrase",
      projectSettings: { name: projectName, runtime: "nodejs", backend: { url: p.backendUrl } },
    },
  );
  return finish(stack, p.tmpDir, p.env, opts);
}

/**
 * Output of `pulumi stack export` (secrets stay encrypted; unlike `stack.exportStack()`, which passes
 * `--show-secrets`): grep it for plaintext that must not be there.
 */
export async function exportedStateText(stack: Stack): Promise<string> {
  const engine = requireEngine();
  const env = { ...process.env, ...engine.env, ...stack.workspace.envVars };
  const { stdout } = await execFileAsync(
    path.join(engine.pulumiRoot, "bin", "pulumi"),
    ["stack", "export", "--stack", stack.name, "--non-interactive"],
    { cwd: stack.workspace.workDir, env, maxBuffer: 256 << 20 },
  );
  return stdout;
}

/** Where the stack's `file://` backend keeps its state, history and backups. */
export function backendDir(stack: Stack): string {
  const url = stack.workspace.envVars.PULUMI_BACKEND_URL ?? "";
  if (!url.startsWith("file://")) throw new Error(`stack ${stack.name} has no file:// backend`);
  return url.slice("file://".length);
}

/** What `pulumi version` of the engine prints, e.g. "v3.248.0". */
export function engineVersion(): string {
  const engine = requireEngine();
  return execFileSync(path.join(engine.pulumiRoot, "bin", "pulumi"), ["version"], {
    env: { ...process.env, ...engine.env },
    encoding: "utf8",
  }).trim();
}

function stackConfigDir(workDir: string): string {
  try {
    const m = /^stackConfigDir:\s*["']?([^"'\s#]+)/m.exec(readFileSync(path.join(workDir, "Pulumi.yaml"), "utf8"));
    return m ? m[1] : ".";
  } catch {
    return ".";
  }
}

/**
 * Destroys the stack's resources, then fails if any secret the stack used is found in plaintext anywhere (see
 * `stackLeaks` in secrets.ts), and finally removes the stack (and its Pulumi.<stack>.yaml) and its temporary backend.
 */
export async function dispose(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  const x = extras.get(stack);
  try {
    // secrets.ts builds on this module, hence the late import.
    const { secretsOfStack, stackLeaks } = await import("./secrets");
    const secrets = await secretsOfStack(stack);
    await stack.destroy();
    const leaks = await stackLeaks(stack, secrets);
    if (leaks.length > 0) throw new Error(`secrets found in plaintext:\n${leaks.join("\n")}`);
  } finally {
    try {
      await stack.workspace.removeStack(stack.name, { force: true });
    } finally {
      // removeStack deletes Pulumi.<stack>.yaml; make sure of it (also under the project's stackConfigDir).
      const workDir = stack.workspace.workDir;
      for (const dir of [workDir, path.join(workDir, stackConfigDir(workDir))]) {
        for (const ext of ["yaml", "yml"]) rmSync(path.join(dir, `Pulumi.${stack.name}.${ext}`), { force: true });
      }
      if (x) rmSync(x.tmpDir, { recursive: true, force: true });
    }
  }
}

/**
 * Removes only the temp dirs of a second handle on a stack (another workspace on a shared backend), leaving the
 * stack to the handle that {@link dispose}s it.
 */
export function releaseWorkspace(stack: Stack | undefined): void {
  const x = stack && extras.get(stack);
  if (x) rmSync(x.tmpDir, { recursive: true, force: true });
}
