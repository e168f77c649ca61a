/**
 * Upgrade tests: a stack created by an older commit of this program, then taken over by the current tree.
 *
 * - {@link materialiseTree} extracts a commit into `<repo>/.tmp/upgrade-…/` (so that `@pulumi/pulumi` and ts-node
 *   resolve from the repo's node_modules, which is also symlinked into it, as the old dynamic providers load their
 *   implementations through ts-node from the program dir by relative path).
 * - {@link moveStack} selects the same stack, in the same `file://` backend, from another program dir, carrying the
 *   stack's config file (with its passphrase salt and encrypted secrets) over, as `git pull` does for an admin.
 * - {@link removeUpgradeStack} cleans up what neither `dispose` nor the engine knows about.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT } from "./engine";

export interface Tree {
  /** Absolute path of the extracted program. */
  dir: string;
  remove(): void;
}

/** `git archive <commit>` of this repository, extracted under `.tmp/`, with the repo's node_modules linked in. */
export function materialiseTree(commit: string): Tree {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  try {
    git("cat-file", "-e", `${commit}^{commit}`);
  } catch {
    // A shallow clone (CI) lacks it: that is a failure to set up, never a reason to skip.
    throw new Error(`commit ${commit} is not in this clone (fetch the full history: git fetch --unshallow)`);
  }
  const dir = path.join(
    REPO_ROOT,
    ".tmp",
    `upgrade-${commit}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`,
  );
  mkdirSync(dir, { recursive: true });
  execFileSync("sh", ["-c", 'git archive --format=tar "$1" | tar -x -C "$2"', "sh", commit, dir], { cwd: REPO_ROOT });
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function stackConfigDir(workDir: string): string {
  const m = /^stackConfigDir:\s*["']?([^"'\s#]+)/m.exec(readFileSync(path.join(workDir, "Pulumi.yaml"), "utf8"));
  return path.join(workDir, m ? m[1] : ".");
}

/** Where `pulumi` keeps the config of `stackName` for the program in `workDir`. */
export function stackConfigFile(workDir: string, stackName: string): string {
  return path.join(stackConfigDir(workDir), `Pulumi.${stackName}.yaml`);
}

/**
 * The same stack (same backend, same passphrase, same config file) run from the program in `workDir`. The old
 * workspace is left as it was (its config file included), so it can still be disposed of.
 */
export async function moveStack(stack: Stack, workDir: string): Promise<Stack> {
  const from = stack.workspace as LocalWorkspace;
  const source = stackConfigFile(from.workDir, stack.name);
  const target = stackConfigFile(workDir, stack.name);
  if (!existsSync(source)) throw new Error(`no stack config at ${source}`);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(source, target);
  return LocalWorkspace.selectStack(
    { stackName: stack.name, workDir },
    {
      workDir,
      envVars: { ...from.envVars },
      pulumiHome: from.pulumiHome,
      pulumiCommand: from.pulumiCommand,
      secretsProvider: "passphrase",
    },
  );
}

/**
 * Removes the stack from its backend (after the caller destroyed it), its config file in every program dir given,
 * and the temporary `file://` backend that `testStack` made for it.
 */
export async function removeUpgradeStack(stack: Stack, workDirs: string[]): Promise<void> {
  const ws = stack.workspace as LocalWorkspace;
  try {
    await ws.removeStack(stack.name, { force: true });
  } finally {
    for (const dir of workDirs) rmSync(stackConfigFile(dir, stack.name), { force: true });
    const backend = ws.envVars.PULUMI_BACKEND_URL ?? "";
    const stateDir = backend.startsWith("file://") ? backend.slice("file://".length) : "";
    const tmpDir = path.dirname(stateDir);
    // Only ever the per-stack dir under .tmp/engine-tests/ that testStack created.
    if (stateDir && path.dirname(tmpDir) === path.join(REPO_ROOT, ".tmp", "engine-tests")) {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
}
