// Pulumi's entry for this repository's stack program (src/program); its exports are the stack outputs. It runs the
// compiled program in dist/ (npm run build), as the dynamic providers do: compiling src/ with ts-node on every
// preview cost seconds. It stays at the project root because Pulumi runs the program and its dynamic providers in the
// entry's directory, and stacks made before the src/ layout name their providers by paths relative to the root.
"use strict";
const { readdirSync, statSync } = require("node:fs");
const path = require("node:path");

/** The newest modification time of the TypeScript under `dir`, in ms. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

const stamp = path.join(__dirname, "dist", ".built");
let built = 0;
try {
  built = statSync(stamp).mtimeMs;
} catch {}
if (built < newestSource(path.join(__dirname, "src"))) {
  // A stale dist/ would run old providers against the nodes: refuse before anything is read.
  throw new Error(
    built === 0
      ? "the program is not built (dist/ is missing): run `npm run build`, then run pulumi again"
      : "src/ changed after the last build: run `npm run build`, then run pulumi again",
  );
}
// A function, so that the dynamic-provider process is asked for before the program loads: loading and building the
// program keeps this process busy for ≈ 0.5 s, and the request goes out only when the event loop next turns.
module.exports = async () => {
  require("./dist/resources/dynamic/start-providers").startDynamicProviders();
  await new Promise((resolve) => setImmediate(resolve));
  return require("./dist/program");
};
