import { randomInt } from "node:crypto";
import type { CommandHandler, MmpNode } from "./command-context";
import { orNone } from "./format";

const ALPHANUMERICS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** The format of the real secrets: 16 random alphanumerics and the literal suffix "Ab1". */
export function generateCallbridgeSecret(): string {
  return `${Array.from({ length: 16 }, () => ALPHANUMERICS[randomInt(ALPHANUMERICS.length)]).join("")}Ab1`;
}

const USAGE = [
  "Usage:",
  "xmpp callbridge add <component name>",
  "xmpp callbridge add-secret <component name>",
  "xmpp callbridge del <component name>",
  "xmpp callbridge list",
].join("\n");

/**
 * One call bridge entry. "aligned" is the TechNote's command block byte for byte (`Callbridge : cb1`,
 * `Domain     : tptac9.com`, `Secret     : ...`); "compact" is its prose form (`Callbridge: cb1`).
 */
function entry(node: MmpNode, name: string, secret: string): string {
  const domain = orNone(node.store.xmpp.domain);
  return node.behaviour.callbridgeListLayout === "compact"
    ? [`Callbridge: ${name}`, `Domain: ${domain}`, `Secret: ${secret}`].join("\n")
    : [`Callbridge : ${name}`, `Domain     : ${domain}`, `Secret     : ${secret}`].join("\n");
}

/** The line before each entry of `xmpp callbridge list`: `***` in the German edition, `*****` in the OCR. */
const separator = (node: MmpNode): string => (node.behaviour.callbridgeListLayout === "compact" ? "*****" : "***");

const validName = (name: string | undefined): name is string => !!name && /^[A-Za-z0-9_-]+$/.test(name);

const add: CommandHandler = ({ node, args, io }) => {
  const [name] = args;
  if (!validName(name)) return io.error(USAGE);
  const callbridges = node.store.xmpp.callbridges;
  if (callbridges.has(name)) return io.failure(`Callbridge ${name} already exists`);
  const secret = generateCallbridgeSecret();
  node.redactor.add(secret);
  callbridges.set(name, secret);
  io.print(entry(node, name, secret));
};

/** Adds (or replaces) a call bridge with a secret typed at the `Enter callbridge secret` prompt, without echo. */
const addSecret: CommandHandler = async ({ node, args, io }) => {
  const [name] = args;
  if (!validName(name)) return io.error(USAGE);
  const secret = (await io.readSecret("Enter callbridge secret")) ?? "";
  if (secret.trim() === "") return io.failure("No secret entered");
  node.redactor.add(secret.trim());
  node.store.xmpp.callbridges.set(name, secret.trim());
};

const del: CommandHandler = ({ node, args, io }) => {
  const [name] = args;
  if (!validName(name)) return io.error(USAGE);
  if (!node.store.xmpp.callbridges.delete(name)) io.failure(`Callbridge ${name} not found`);
};

const list: CommandHandler = ({ node, io }) => {
  for (const [name, secret] of node.store.xmpp.callbridges)
    io.print(`${separator(node)}\n${entry(node, name, secret)}`);
};

const SUBCOMMANDS: Record<string, CommandHandler> = { add, "add-secret": addSecret, del, list };

export const xmppCallbridge: CommandHandler = (context) => {
  const [sub, ...rest] = context.args;
  const handler = sub ? SUBCOMMANDS[sub] : undefined;
  if (!handler) return context.io.error(USAGE);
  return handler({ ...context, args: rest });
};
