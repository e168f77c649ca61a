/** Accumulates channel output and resolves waits by matching the whole buffer, never a single chunk. */
export class ExpectBuffer {
  private text = "";
  private lastDataAt = Date.now();
  private closedReason: string | undefined;
  private wake: (() => void) | undefined;

  push(chunk: string): void {
    this.text += chunk;
    this.lastDataAt = Date.now();
    this.wake?.();
  }

  close(reason: string): void {
    this.closedReason = reason;
    this.wake?.();
  }

  get closed(): string | undefined {
    return this.closedReason;
  }

  /** Drops everything received so far. */
  reset(): void {
    this.text = "";
  }

  tail(chars = 400): string {
    return this.text.slice(-chars);
  }

  quietFor(): number {
    return Date.now() - this.lastDataAt;
  }

  /**
   * Waits until one of `patterns` matches the end of the buffer. Returns the index of the pattern and the
   * text before the match, consuming through the match. `stalled` is polled on a tick to detect a device
   * that waits for input we did not expect.
   */
  async waitFor(
    patterns: RegExp[],
    timeoutMs: number,
    stalled: () => string | undefined,
  ): Promise<{ index: number; before: string; match: RegExpMatchArray }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const [index, pattern] of patterns.entries()) {
        const match = this.text.match(pattern);
        if (match && match.index !== undefined) {
          const before = this.text.slice(0, match.index);
          this.text = this.text.slice(match.index + match[0].length);
          return { index, before, match };
        }
      }
      if (this.closedReason) throw new Error(this.closedReason);
      const stall = stalled();
      if (stall) throw new Error(stall);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
