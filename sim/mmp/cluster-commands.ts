import { parseHostPort } from "../net/loopback";
import type { CommandContext, CommandHandler } from "./command-context";
import { clusterStatusBlock } from "./xmpp-status";

const XMPP_CLIENT_PORT = 5222;

const USAGE = [
  "Usage:",
  "xmpp cluster status",
  "xmpp cluster enable",
  "xmpp cluster disable",
  "xmpp cluster initialize",
  "xmpp cluster join <cluster>",
  "xmpp cluster remove <peer>",
  "xmpp cluster trust <crt-bundle>",
].join("\n");

function refuseWhileEnabled({ node, io }: CommandContext): boolean {
  if (!node.behaviour.clusterChangesRequireXmppDisabled || !node.store.xmpp.enabled) return false;
  io.failure("XMPP server must be disabled first (xmpp disable)");
  return true;
}

const enable: CommandHandler = (context) => {
  if (refuseWhileEnabled(context)) return;
  context.node.store.xmpp.cluster.enabled = true;
};

/** Leaves the cluster cleanly (the others drop this peer), then turns clustering off. */
const disable: CommandHandler = async ({ node, io }) => {
  const warning = await node.xmpp.cluster.leave();
  if (warning) io.failure(warning);
  node.store.xmpp.cluster.enabled = false;
  io.print("SUCCESS: XMPP cluster disabled");
};

const initialize: CommandHandler = ({ node, io }) => {
  const cluster = node.store.xmpp.cluster;
  if (!cluster.enabled) return io.failure("XMPP cluster not enabled (xmpp cluster enable)");
  if (node.store.xmpp.enabled) return io.failure("XMPP server must be disabled before initializing a cluster");
  if (cluster.membership) return io.failure("This node is already part of an XMPP cluster");
  node.xmpp.cluster.initialize();
  io.print("SUCCESS: XMPP cluster initialized");
};

const join: CommandHandler = async ({ node, args, io }) => {
  const target = args.length === 1 ? parseHostPort(args[0], XMPP_CLIENT_PORT) : null;
  if (!target) return io.error(USAGE);
  const cluster = node.store.xmpp.cluster;
  if (!cluster.enabled) return io.failure("XMPP cluster not enabled (xmpp cluster enable)");
  if (!cluster.trustBundle) return io.failure("No cluster trust bundle configured (xmpp cluster trust)");
  if (!node.xmpp.running) return io.failure("XMPP server not running (xmpp enable)");
  if (cluster.membership) return io.failure("This node is already part of an XMPP cluster");
  const host = await node.resolveHost(target.host);
  if (!host) return io.failure(`Unable to resolve ${target.host}`);
  const outcome = await node.xmpp.cluster.join({ host, port: target.port });
  if (!outcome.ok) return io.failure(outcome.reason);
  io.print(`SUCCESS: Joined XMPP cluster at ${host}:${target.port}`);
};

const remove: CommandHandler = async ({ node, args, io }) => {
  if (args.length !== 1) return io.error(USAGE);
  const outcome = await node.xmpp.cluster.remove(args[0]);
  if (!outcome.ok) return io.failure(outcome.reason);
  io.print(`SUCCESS: ${outcome.detail}`);
};

const trust: CommandHandler = ({ node, args, io }) => {
  const [bundle] = args;
  if (!bundle || args.length > 1) return io.error(USAGE);
  if (!node.store.files.has(bundle)) return io.failure(`Trust bundle file ${bundle} not found`);
  node.store.xmpp.cluster.trustBundle = bundle;
};

const status: CommandHandler = ({ node, io }) => io.print(clusterStatusBlock(node));

const SUBCOMMANDS: Record<string, CommandHandler> = { status, enable, disable, initialize, join, remove, trust };

export const xmppCluster: CommandHandler = (context) => {
  const [sub, ...rest] = context.args;
  const handler = sub ? SUBCOMMANDS[sub] : undefined;
  if (!handler) return context.io.error(USAGE);
  return handler({ ...context, args: rest });
};
