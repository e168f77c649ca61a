// Writes test/MUTATION.md from Stryker's JSON report (.tmp/mutation-report.json): the score per area and per file,
// and every mutant that survived or ran under no test. The section "Why the survivors are kept" is written by hand
// and kept as it is between runs.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const REPORT = path.join(ROOT, ".tmp", "mutation-report.json");
const OUT = path.join(ROOT, "test", "MUTATION.md");
const KEPT_HEADING = "## Why the survivors are kept";

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

/** The planner is the plan and its steps, the executor runs them (src/engine/apply.ts); the rest of src/core is "core". */
const area = (file: string) => {
  if (/src\/core\/(plan|steps)\.ts$/.test(file)) return "planner";
  return file.endsWith("src/engine/apply.ts") ? "executor" : "core";
};
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

interface Tally {
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
}
const empty = (): Tally => ({ killed: 0, survived: 0, noCoverage: 0, timeout: 0 });
const score = (t: Tally) => {
  const valid = t.killed + t.timeout + t.survived + t.noCoverage;
  return valid === 0 ? 100 : (100 * (t.killed + t.timeout)) / valid;
};
const add = (t: Tally, status: string) => {
  if (status === "Killed") t.killed++;
  else if (status === "Timeout") t.timeout++;
  else if (status === "Survived") t.survived++;
  else if (status === "NoCoverage") t.noCoverage++;
};
const row = (name: string, t: Tally) =>
  `| ${name} | ${t.killed} | ${t.timeout} | ${t.survived} | ${t.noCoverage} | ${score(t).toFixed(1)} % |`;

function main(): void {
  const report = JSON.parse(readFileSync(REPORT, "utf8")) as Report;
  const files = Object.keys(report.files)
    .map((f) => path.relative(ROOT, path.resolve(ROOT, f)))
    .sort();
  const byFile = new Map<string, Tally>();
  const byArea = new Map<string, Tally>([
    ["core", empty()],
    ["planner", empty()],
    ["executor", empty()],
  ]);
  const total = empty();
  const undetected: string[] = [];
  for (const file of files) {
    const entry = report.files[file] ?? report.files[path.join(ROOT, file)];
    const t = empty();
    const lines = entry.source.split("\n");
    for (const m of entry.mutants) {
      add(t, m.status);
      add(byArea.get(area(file)) as Tally, m.status);
      add(total, m.status);
      if (UNDETECTED.has(m.status)) {
        const { line } = m.location.start;
        const original = (lines[line - 1] ?? "").trim().slice(0, 70).replaceAll("|", "\\|");
        const replacement = (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 50).replaceAll("|", "\\|");
        undetected.push(`| ${file}:${line} | ${m.mutatorName} | ${m.status} | \`${original}\` | \`${replacement}\` |`);
      }
    }
    byFile.set(file, t);
  }
  const kept = (() => {
    try {
      const text = readFileSync(OUT, "utf8");
      const at = text.indexOf(KEPT_HEADING);
      return at >= 0 ? text.slice(at).trimEnd() : `${KEPT_HEADING}\n\n(not yet written)`;
    } catch {
      return `${KEPT_HEADING}\n\n(not yet written)`;
    }
  })();
  const header = "| | killed | timed out | survived | no coverage | score |\n|---|---:|---:|---:|---:|---:|";
  const text = [
    "# Mutation score",
    "",
    "`npm run mutate` runs Stryker (vitest runner, `stryker.config.json`) over `src/core` and the executor",
    "`src/engine/apply.ts` against the fast tests (`vitest.mutate.config.mts`: the pure core and planner tests, and",
    "the executor's over scripted in-memory sessions; no engine, no simulator). It is incremental: a rerun",
    "tests only mutants whose code or tests changed. This file is written by `scripts/mutation-report.ts` from its",
    "report; only the last section is written by hand.",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)}. A mutant counts as detected when a test failed or timed out;`,
    "score = detected / (detected + survived + no coverage).",
    "",
    "## By area (target: at least 85 % in each)",
    "",
    header,
    ...[...byArea].map(([name, t]) => row(name, t)),
    row("**all**", total),
    "",
    "## By file",
    "",
    header,
    ...files.map((f) => row(`\`${f}\``, byFile.get(f) as Tally)),
    "",
    "## Undetected mutants",
    "",
    "| where | mutator | status | original line | replacement |",
    "|---|---|---|---|---|",
    ...undetected,
    "",
    kept,
    "",
  ].join("\n");
  writeFileSync(OUT, text);
  const areas = [...byArea].map(([name, t]) => `${name} ${score(t).toFixed(1)} %`).join(", ");
  console.log(`wrote ${path.relative(ROOT, OUT)}: ${areas}, ${undetected.length} undetected`);
  if ([...byArea.values()].some((t) => score(t) < 85)) process.exitCode = 1;
}

main();
