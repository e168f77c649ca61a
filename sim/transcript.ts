export interface TranscriptEntry {
  at: string;
  command: string;
  result: "ok" | "error";
  output: string;
}

const MASK = "********";

/** Knows every secret a node has seen and masks it wherever it would be recorded. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | null | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let result = text.replace(/^(Secret\s*:\s*)\S+/gm, `$1${MASK}`);
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(MASK);
    }
    return result;
  }
}

export class Transcript {
  readonly entries: TranscriptEntry[] = [];

  constructor(
    private readonly redactor: Redactor,
    private readonly onEntry?: (entry: TranscriptEntry) => void,
  ) {}

  record(command: string, result: "ok" | "error", output: string): void {
    const entry: TranscriptEntry = {
      at: new Date().toISOString(),
      command: this.redactor.redact(command),
      result,
      output: this.redactor.redact(output),
    };
    this.entries.push(entry);
    this.onEntry?.(entry);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
