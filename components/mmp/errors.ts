/** An MMP step failed. The message names the node, the (redacted) command, the output and what to do next. */
export class MmpError extends Error {
  constructor(
    readonly node: string,
    readonly step: string,
    readonly detail: string,
    readonly hint: string,
  ) {
    super(`[${node}] ${step}: ${detail}${hint ? `\n  next: ${hint}` : ""}`);
    this.name = "MmpError";
  }
}
