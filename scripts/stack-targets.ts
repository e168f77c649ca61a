// A stack's nodes and Call Bridges as scripts reach them, read from the stack config as the program reads it:
// `pulumi config` (secrets decrypted by the stack's own secrets provider, in memory only), the stack config schema,
// and the providers' one mapping from a configured node or Call Bridge to its target.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { CmsApiTarget } from "../src/clients/cms-api/api-client";
import type { MmpTarget } from "../src/clients/mmp/session";
import { parseStackConfig, type StackConfig } from "../src/core/stack-config";
import { bridgeApiInputs, cmsApiTarget } from "../src/resources/dynamic/api-target";
import { mmpTarget, mmpTargetInput } from "../src/resources/dynamic/mmp-target";
import { setProviderConfig } from "../src/resources/dynamic/provider-config";

const ROOT = path.resolve(__dirname, "..");
const PROJECT = /^name:\s*(\S+)/m.exec(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"))?.[1] as string;

export interface StackTargets {
  config: StackConfig;
  targets: MmpTarget[];
  bridges: CmsApiTarget[];
}

type ConfigValues = Record<string, { value?: string; objectValue?: unknown }>;

function pulumiConfig(stack: string): Promise<ConfigValues> {
  const args = ["config", "--json", "--show-secrets", "--stack", stack, "--non-interactive"];
  return new Promise((resolve, reject) => {
    execFile("pulumi", args, { cwd: ROOT, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve(JSON.parse(stdout) as ConfigValues);
      const detail = (err as NodeJS.ErrnoException).code === "ENOENT" ? "pulumi is not on PATH" : stderr.trim();
      reject(
        new Error(
          `reading the config of stack ${stack} (pulumi config --show-secrets) failed: ${detail}\n  next: npm run engine && source scripts/pulumi-env.sh, set PULUMI_CONFIG_PASSPHRASE(_FILE) for the stack, and check that the stack exists (pulumi stack ls)`,
        ),
      );
    });
  });
}

export async function readStackTargets(stack: string): Promise<StackTargets> {
  const values = await pulumiConfig(stack);
  const text = (key: string) => values[`${PROJECT}:${key}`]?.value;
  const raw = text("cluster");
  if (!raw) throw new Error(`stack ${stack} has no config "cluster": copy stacks/Pulumi.lab.yaml as a start`);
  const config = parseStackConfig(JSON.parse(raw), text("tsigSecret"));
  setProviderConfig({ get: (key) => values[key]?.value });
  const cluster = config.cluster;
  return {
    config,
    targets: cluster.nodes.map((n) => mmpTarget(mmpTargetInput(cluster, n, `${PROJECT}:mmpPassword`))),
    bridges: bridgeApiInputs(cluster, `${PROJECT}:apiPassword`).map((b) => cmsApiTarget(b, 15_000)),
  };
}
