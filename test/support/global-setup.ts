import { execFileSync } from "node:child_process";
import * as path from "node:path";

/** Dynamic providers load the compiled package (dist/), so every test run compiles the current src/ first. */
export default function setup(): void {
  execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", "build.sh")], { stdio: "inherit" });
}
