import type { ServerChannel } from "ssh2";
import type { CommandHost, ConnectionControl } from "./command-host";

/** One MMP command on an exec channel: output, exit status 0 (or 1 on FAILURE), close. */
export function runExec(
  channel: ServerChannel,
  command: string,
  host: CommandHost,
  control: ConnectionControl,
  crlf: boolean,
): void {
  let input = "";
  let inputEnded = false;
  let closed = false;
  let waiting: ((line: string | null) => void) | null = null;
  const deliver = (): void => {
    const newline = input.search(/\r?\n|\r/);
    if (!waiting || newline < 0) return;
    const line = input.slice(0, newline);
    input = input.slice(newline).replace(/^(\r\n|\r|\n)/, "");
    const resolve = waiting;
    waiting = null;
    resolve(line);
  };
  channel.on("data", (chunk: Buffer) => {
    input += chunk.toString("utf8");
    deliver();
  });
  const finishInput = (): void => {
    inputEnded = true;
    if (waiting) waiting(input === "" ? null : input);
    waiting = null;
  };
  channel.on("end", finishInput);
  channel.on("close", () => {
    closed = true;
    finishInput();
  });
  void host
    .run(command, {
      write: (text) => {
        if (!closed) channel.write(crlf ? text.replace(/\r?\n/g, "\r\n") : text);
      },
      readSecret: () =>
        new Promise((resolve) => {
          if (inputEnded) return resolve(input === "" ? null : input);
          waiting = resolve;
          deliver();
        }),
      closed: () => closed,
    })
    .then((outcome) => {
      if (outcome.dropped) return control.drop();
      if (outcome.ran) control.commandFinished();
      if (channel.destroyed) return;
      channel.exit(outcome.failed ? 1 : 0);
      channel.end();
    });
}
