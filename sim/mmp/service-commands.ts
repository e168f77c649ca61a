import type { CommandHandler, MmpNode } from "./command-context";
import { keyValueLines } from "./format";

/** S5's key column: `Last command             : ...` (the key padded to 24 characters). */
const DATABASE_KEY_WIDTH = 24;
/** S4's key column of the `streamer` block (`SIP certificate file    : ...`). */
const SERVICE_KEY_WIDTH = 23;

const DATABASE_USAGE = ["Usage:", "database cluster status"].join("\n");
const CALLBRIDGE_USAGE = ["Usage:", "callbridge"].join("\n");

const databaseLine = (key: string, value: string): string => `${key.padEnd(DATABASE_KEY_WIDTH)} : ${value}`;

/** `database cluster status`, read-only. The layout is `behaviour.databaseClusterStatusLayout`. */
export function databaseClusterStatusBlock(node: MmpNode): string {
  const enabled = node.store.databaseClusterEnabled;
  const lastCommand = enabled ? "'database cluster initialize' (Success)" : "none";
  if (node.behaviour.databaseClusterStatusLayout === "other") {
    return keyValueLines([
      ["Cluster state", enabled ? "enabled" : "disabled"],
      ["Last command", lastCommand],
    ]);
  }
  return [
    databaseLine("Status", enabled ? "Enabled" : "Disabled"),
    "Nodes:",
    ...(enabled ? [`    ${node.host} (me) : Connected Master`] : []),
    databaseLine("Interface", enabled ? "a" : "none"),
    databaseLine("Last command", lastCommand),
  ].join("\n");
}

/** `database cluster status`; every other `database` command line is a usage error. */
export const databaseCommand: CommandHandler = ({ node, args, io }) => {
  if (args.length !== 2 || args[0] !== "cluster" || args[1] !== "status") return io.error(DATABASE_USAGE);
  io.print(databaseClusterStatusBlock(node));
};

/** The bare `callbridge` command, read-only. The layout is `behaviour.callbridgeStatusLayout`. */
export function callbridgeStatusBlock(node: MmpNode): string {
  const configured = node.store.callBridgeConfigured;
  const set = (value: string): string => (configured ? value : "none");
  if (node.behaviour.callbridgeStatusLayout === "other") {
    return keyValueLines([
      ["Interfaces", set("a")],
      ["Key", set("callbridge.key")],
      ["Certificate", set("callbridge.cer")],
    ]);
  }
  return keyValueLines(
    [
      ["Listening interfaces", set("a")],
      ["Preferred interface", "none"],
      ["Key file", set("callbridge.key")],
      ["Certificate file", set("callbridge.cer")],
      ["Address", "none"],
      ["CA Bundle file", "none"],
      ["Trust bundle", "none"],
    ],
    SERVICE_KEY_WIDTH,
  );
}

/** `callbridge` without arguments; the configuration subcommands (`callbridge listen`, ...) are not simulated. */
export const callbridgeCommand: CommandHandler = ({ node, args, io }) => {
  if (args.length > 0) return io.error(CALLBRIDGE_USAGE);
  io.print(callbridgeStatusBlock(node));
};
