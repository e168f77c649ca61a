/** Faults a test can inject into one node. Changing refuseConnections closes or reopens the SSH and API ports. */
export class Faults {
  private refusing = false;
  /** Extra delay before every MMP command and API request. */
  latencyMs = 0;
  /** Every SSH connection is dropped right after it has run this many commands. */
  dropAfterCommands: number | null = null;
  /** A matching command hangs (no output, no prompt) until this fault is cleared or the connection closes. */
  stallCommand: string | RegExp | null = null;
  /**
   * The SSH connection is cut (TCP destroyed) at a matching command: before it runs, or after it took effect but
   * before any of its output or the next prompt is sent.
   */
  dropAtCommand: { command: string | RegExp; when: "before" | "after" } | null = null;
  /** How far the node's clock is off (ms, negative: behind), as the API's HTTP Date header shows it. */
  clockSkewMs = 0;
  /** The API answers the Call Bridge's XMPP settings PUT with 500 and changes nothing. */
  apiPutFails = false;

  constructor(private readonly onRefuseChange: (refuse: boolean) => void) {}

  get refuseConnections(): boolean {
    return this.refusing;
  }

  set refuseConnections(refuse: boolean) {
    if (refuse === this.refusing) return;
    this.refusing = refuse;
    this.onRefuseChange(refuse);
  }

  stalls(command: string): boolean {
    return matches(this.stallCommand, command);
  }

  /** When the connection is to be cut at this command, or null. */
  dropsAt(command: string): "before" | "after" | null {
    const drop = this.dropAtCommand;
    return drop !== null && matches(drop.command, command) ? drop.when : null;
  }
}

function matches(pattern: string | RegExp | null, command: string): boolean {
  if (pattern === null) return false;
  return typeof pattern === "string" ? command.trim() === pattern.trim() : pattern.test(command);
}
