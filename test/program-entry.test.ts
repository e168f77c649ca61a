// The root index.js runs the compiled program (dist/) and refuses a dist/ that is older than src/, so that no
// Pulumi run ever drives the nodes with code that is not what the repository says.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/engine";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the entry beside a src/ and a dist/ whose times are given in seconds since the epoch. */
function project(times: { src: number; built?: number }) {
  const dir = mkdtempSync(path.join(tmpdir(), "program-entry-"));
  dirs.push(dir);
  copyFileSync(path.join(REPO_ROOT, "index.js"), path.join(dir, "index.js"));
  mkdirSync(path.join(dir, "src", "program"), { recursive: true });
  mkdirSync(path.join(dir, "dist", "program"), { recursive: true });
  writeFileSync(path.join(dir, "src", "program", "index.ts"), "export {};\n");
  writeFileSync(path.join(dir, "src", "notes.md"), "not TypeScript\n");
  mkdirSync(path.join(dir, "dist", "resources", "dynamic"), { recursive: true });
  writeFileSync(
    path.join(dir, "dist", "resources", "dynamic", "start-providers.js"),
    "exports.calls = 0;\nexports.startDynamicProviders = () => { exports.calls++; };\n",
  );
  writeFileSync(
    path.join(dir, "dist", "program", "index.js"),
    "exports.loaded = 'dist';\nexports.providersStartedBefore = require('../resources/dynamic/start-providers').calls;\n",
  );
  utimesSync(path.join(dir, "src", "program", "index.ts"), times.src, times.src);
  // Only TypeScript counts: a newer non-.ts file under src/ does not make dist/ stale.
  utimesSync(path.join(dir, "src", "notes.md"), times.src + 500, times.src + 500);
  if (times.built !== undefined) {
    writeFileSync(path.join(dir, "dist", ".built"), "");
    utimesSync(path.join(dir, "dist", ".built"), times.built, times.built);
  }
  return () => createRequire(path.join(dir, "index.js"))("./index.js");
}

describe("the program entry (index.js)", () => {
  it("runs dist/program when the build is newer than every file of src/, after asking for the providers", async () => {
    const entry = project({ src: 1_000_000, built: 1_000_100 })();
    expect(typeof entry).toBe("function");
    expect(await entry()).toEqual({ loaded: "dist", providersStartedBefore: 1 });
  });

  it("refuses a dist/ older than src/, naming the fix", () => {
    expect(project({ src: 1_000_100, built: 1_000_000 })).toThrow(
      "src/ changed after the last build: run `npm run build`, then run pulumi again",
    );
  });

  it("refuses to run without a build", () => {
    expect(project({ src: 1_000_000 })).toThrow(
      "the program is not built (dist/ is missing): run `npm run build`, then run pulumi again",
    );
  });
});
