import type { CommandOutcome, CommandSink } from "../mmp/command-runner";

/** What an SSH session needs from its node to run MMP commands. */
export interface CommandHost {
  readonly name: string;
  run(line: string, sink: CommandSink): Promise<CommandOutcome>;
}

/** Counts commands per SSH connection, for the dropAfterCommands fault; cuts it for dropAtCommand. */
export interface ConnectionControl {
  commandFinished(): void;
  drop(): void;
}
