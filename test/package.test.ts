// The npm package as a user gets it: `npm pack`, installed into a Pulumi program of its own outside this
// repository (examples/separate-program), type-checked against the packed types, then preview, up and destroy
// through the real engine against three simulated nodes.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { SIM_PASSWORD } from "./support/cluster-stack";
import { dispose, engineOrSkipReason, REPO_ROOT, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`package tests skipped: ${engine.skip}`);

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe.skipIf("skip" in engine)("the packed npm package in a separate Pulumi program", () => {
  let dir: string;
  let tarball: string;
  let files: string[];
  let program: string;
  let sim: SimCluster;
  let stack: Stack;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "cms-xmpp-package-"));
    // dist/ is current: the test run built it (test/support/global-setup.ts).
    const packed = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], REPO_ROOT));
    tarball = path.join(dir, packed[0].filename);
    files = packed[0].files.map((f: { path: string }) => f.path);

    program = path.join(dir, "program");
    cpSync(path.join(REPO_ROOT, "examples", "separate-program"), program, { recursive: true });
    const pkg = JSON.parse(readFileSync(path.join(program, "package.json"), "utf8"));
    pkg.dependencies["cms-xmpp-resiliency"] = `file:${tarball}`;
    writeFileSync(path.join(program, "package.json"), JSON.stringify(pkg, null, 2));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], program);

    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: ["cb1", "cb2", "cb3"].map((name, i) => ({
        name,
        host: `${prefix}.${i + 1}`,
        users: [{ username: "admin", password: SIM_PASSWORD }],
      })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
    });
    const cluster = {
      domain: "tptac9.com",
      nodes: sim.nodes.map((n) => ({
        name: n.name,
        address: n.host,
        sshPort: n.sshPort,
        fqdn: `${n.name}.tptac9.com`,
        hostKeyFingerprint: n.hostKeyFingerprint,
      })),
      callBridges: sim.nodes.map((n) => ({ name: n.name })),
      mmp: { timeoutSeconds: 20 },
      verification: { timeoutSeconds: 30 },
    };
    stack = await testStack({
      workDir: program,
      config: {
        "cms-lab:cluster": { value: JSON.stringify(cluster) },
        "cms-lab:mmpPassword": { value: SIM_PASSWORD, secret: true },
      },
    });
  }, 600_000);

  afterAll(async () => {
    try {
      await dispose(stack);
    } finally {
      await sim?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("packs the compiled JavaScript and types, and no TypeScript sources", () => {
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
    expect(files).toContain("dist/resources/cluster/xmpp-cluster.provider.js");
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => /^(src|test|sim|components)\//.test(f))).toEqual([]);
  });

  it('gives XmppResilientCluster from require("cms-xmpp-resiliency") and loads no ts-node', () => {
    const probe = `const m = require("cms-xmpp-resiliency"); console.log(typeof m.XmppResilientCluster, typeof m.parseClusterConfig, Object.keys(require.cache).some((k) => k.includes("ts-node")))`;
    expect(run("node", ["-e", probe], program).trim()).toBe("function function false");
  });

  it("type-checks the program against the packed types, and rejects a misspelled arg", () => {
    const tsc = path.join(REPO_ROOT, "node_modules", ".bin", "tsc");
    expect(run(tsc, ["-p", "."], program)).toBe("");
    const bad = readFileSync(path.join(program, "index.ts"), "utf8").replace(
      'source: "onNodeCsr"',
      'source: "onNodeCrs"',
    );
    writeFileSync(path.join(program, "bad.ts"), bad);
    let output = "";
    try {
      run(tsc, ["--noEmit", "--strict", "--skipLibCheck", "bad.ts"], program);
    } catch (err) {
      output = String((err as { stdout: string }).stdout);
    } finally {
      rmSync(path.join(program, "bad.ts"));
    }
    expect(output).toContain("Type '\"onNodeCrs\"' is not assignable");
  });

  it("previews, ups and destroys through the engine", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary?.create).toBeGreaterThanOrEqual(10);
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(sim.nodes.map((n) => `${n.host}:5222`)).toContain(up.outputs.leader.value);
    expect(up.outputs.findings.value).toEqual([]);
    const again = await stack.preview();
    expect(Object.keys(again.changeSummary ?? {})).toEqual(["same"]);
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(destroy.summary.resourceChanges?.delete).toBe(up.summary.resourceChanges?.create);
  }, 300_000);
});
