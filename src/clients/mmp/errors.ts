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

/**
 * The node could not be reached at all (refused, timed out, no route): it is down or gone, as opposed to a node
 * that answered but refused us (password, host key), which is a configuration problem.
 */
export class NodeDownError extends MmpError {
  constructor(node: string, step: string, detail: string, hint: string) {
    super(node, step, detail, hint);
    this.name = "NodeDownError";
  }
}

const DOWN_CODES = new Set(["ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ECONNRESET"]);

/** True for a connection error that means the node is down or gone. */
export function isDownError(err: Error & { code?: string; level?: string }): boolean {
  return DOWN_CODES.has(err.code ?? "") || /Timed out while waiting for handshake/.test(err.message);
}

/**
 * Runs `fn`, or returns `fallback` when the node is down. For reads and deletes of one node's files: a refresh must
 * not fail because one node is down, and a node that is gone (removed from the stack while dead) has nothing left
 * to delete; the cluster reports it as not reset.
 */
export async function unlessNodeDown<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NodeDownError) return fallback;
    throw err;
  }
}
