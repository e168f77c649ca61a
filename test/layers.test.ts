import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "scripts", "check-layers.ts");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

function checkLayers(root: string): { status: number; output: string } {
  try {
    const output = execFileSync(TSX, [SCRIPT, root], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { status: 0, output };
  } catch (err) {
    const e = err as { status: number; stderr: string };
    return { status: e.status, output: e.stderr };
  }
}

describe("the layer rule (npm run check)", () => {
  let copy: string | undefined;
  afterEach(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
    copy = undefined;
  });
  const copyOfSrc = (): string => {
    copy = mkdtempSync(path.join(tmpdir(), "layers-"));
    cpSync(path.join(ROOT, "src"), path.join(copy, "src"), { recursive: true });
    return copy;
  };

  it("passes on this tree", () => {
    expect(checkLayers(ROOT)).toEqual({ status: 0, output: "layers: every import in src/ points down\n" });
  });

  it("fails on an import that points up, naming the file, both layers and the import", () => {
    const root = copyOfSrc();
    appendFileSync(path.join(root, "src/core/plan.ts"), '\nimport "../engine/apply";\n');
    expect(checkLayers(root)).toEqual({
      status: 1,
      output:
        'src/core/plan.ts: core imports "../engine/apply" from engine, a layer above it\n' +
        "\n1 import(s) break the layer rule (see ARCHITECTURE.md)\n",
    });
  });

  it("fails when a layer below resources imports Pulumi", () => {
    const root = copyOfSrc();
    appendFileSync(path.join(root, "src/engine/apply.ts"), '\nimport type * as p from "@pulumi/pulumi";\n');
    expect(checkLayers(root).output).toContain('src/engine/apply.ts: engine may not import "@pulumi/pulumi"');
    expect(checkLayers(root).status).toBe(1);
  });
});
