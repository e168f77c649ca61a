/**
 * A dynamic provider has no connection to the engine's log: what it prints on stdout, the CLI shows live, line by
 * line, under the stack (and again under Diagnostics). The engine's progress lines carry no secrets.
 */
export function printProgress(line: string): void {
  console.log(line);
}
