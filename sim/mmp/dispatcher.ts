import type { CommandHandler, CommandIo, MmpNode } from "./command-context";
import { pkiCommand } from "./pki-commands";
import { callbridgeCommand, databaseCommand } from "./service-commands";
import { tokenize } from "./tokenize";
import { userCommand, versionCommand } from "./user-commands";
import { xmppCommand } from "./xmpp-commands";

const COMMANDS: Record<string, CommandHandler> = {
  callbridge: callbridgeCommand,
  database: databaseCommand,
  pki: pkiCommand,
  xmpp: xmppCommand,
  user: userCommand,
  version: versionCommand,
};

/** The XMPP server was removed in CMS 3.0: there, every xmpp command is unknown. */
const hasXmpp = (version: string): boolean => Number.parseInt(version, 10) < 3;

export async function dispatch(node: MmpNode, line: string, io: CommandIo): Promise<void> {
  const [name, ...args] = tokenize(line);
  if (name === undefined) return;
  const handler = name === "xmpp" && !hasXmpp(node.version) ? undefined : COMMANDS[name];
  if (!handler) return io.error(`Unknown command: ${name}`);
  await handler({ node, args, io });
}
