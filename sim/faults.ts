/** Faults a test can inject into one node. Changing refuseConnections closes or reopens the SSH and API ports. */
export class Faults {
  private refusing = false;
  /** Extra delay before every MMP command and API request. */
  latencyMs = 0;
  /** Every SSH connection is dropped right after it has run this many commands. */
  dropAfterCommands: number | null = null;
  /** A matching command hangs (no output, no prompt) until this fault is cleared or the connection closes. */
  stallCommand: string | RegExp | null = null;

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
    const pattern = this.stallCommand;
    if (pattern === null) return false;
    return typeof pattern === "string" ? command.trim() === pattern.trim() : pattern.test(command);
  }
}
