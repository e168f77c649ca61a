import type { Faults } from "../faults";
import type { Transcript } from "../transcript";
import type { CommandIo, MmpNode } from "./command-context";
import { dispatch } from "./dispatcher";

export interface CommandSink {
  /** Writes output text (with "\n" line ends; the terminal layer converts them). */
  write(text: string): void;
  /** Reads one line without echo (the prompt has already been written). */
  readSecret(): Promise<string | null>;
  /** True once the connection is gone (a stalled command then gives up). */
  closed(): boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface CommandOutcome {
  /** False when the connection closed while the command was stalled. */
  ran: boolean;
  failed: boolean;
  /** True when the dropAtCommand fault cut the connection at this command. */
  dropped?: boolean;
}

/** Runs one MMP command line: fault injection, dispatch, output, transcript. */
export async function runCommand(
  node: MmpNode,
  faults: Faults,
  transcript: Transcript,
  line: string,
  sink: CommandSink,
): Promise<CommandOutcome> {
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  while (faults.stalls(line)) {
    if (sink.closed()) return { ran: false, failed: true };
    await sleep(20);
  }
  const drop = faults.dropsAt(line);
  if (drop === "before") return { ran: false, failed: true, dropped: true };
  const lines: string[] = [];
  let failed = false;
  const emit = (text: string): void => {
    lines.push(text);
    if (drop === null) sink.write(`${text}\n`);
  };
  const io: CommandIo = {
    print: emit,
    failure: (message) => {
      failed = true;
      emit(`FAILURE: ${message}`);
    },
    error: (text) => {
      failed = true;
      emit(text);
    },
    readSecret: async (prompt) => {
      // The prompt is sent even when the connection is cut after this command: the secret has to arrive first.
      lines.push(prompt);
      sink.write(`${prompt}\n`);
      return sink.readSecret();
    },
  };
  try {
    await dispatch(node, line, io);
  } catch (error) {
    io.failure(`internal error: ${(error as Error).message}`);
  }
  if (line.trim() !== "") transcript.record(line.trim(), failed ? "error" : "ok", lines.join("\n"));
  return { ran: true, failed, dropped: drop !== null };
}
