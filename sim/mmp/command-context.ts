import type { NodeState } from "../node-state";
import type { SimBehaviour, SimUser } from "../options";
import type { Redactor } from "../transcript";
import type { XmppServer } from "../xmpp/xmpp-server";

/** What MMP commands may touch on their node. */
export interface MmpNode {
  readonly name: string;
  /** The node's IP address. */
  readonly host: string;
  readonly version: string;
  readonly behaviour: SimBehaviour;
  readonly store: NodeState;
  readonly redactor: Redactor;
  readonly xmpp: XmppServer;
  readonly users: SimUser[];
  loggedInUsers(): Set<string>;
  /** Start or stop the XMPP server to match the configuration; rejects when a port cannot be bound. */
  applyXmppRunning(): Promise<void>;
  /** `xmpp reset`: stop XMPP and wipe the local configuration (peers are not told). */
  resetXmpp(): Promise<void>;
  /** A or literal address lookup through the node's DNS server; loopback only. */
  resolveHost(name: string): Promise<string | null>;
}

export interface CommandIo {
  /** Prints one or more lines. */
  print(text: string): void;
  /** Prints "FAILURE: <message>" and marks the command as failed. */
  failure(message: string): void;
  /** Prints an error line (unknown command, usage) and marks the command as failed. */
  error(line: string): void;
  /** Shows `prompt` and reads one line without echo; null when the session ends first. */
  readSecret(prompt: string): Promise<string | null>;
}

export interface CommandContext {
  node: MmpNode;
  /** The words after the command name(s) that selected the handler. */
  args: string[];
  io: CommandIo;
}

export type CommandHandler = (context: CommandContext) => void | Promise<void>;
