import { xmppCallbridge } from "./callbridge-commands";
import { xmppCluster } from "./cluster-commands";
import type { CommandHandler } from "./command-context";
import { xmppCerts, xmppDisable, xmppDomain, xmppEnable, xmppListen, xmppReset } from "./xmpp-config-commands";
import { xmppStatusBlock } from "./xmpp-status";

const USAGE = [
  "Usage:",
  "xmpp",
  "xmpp domain <domain name>",
  "xmpp listen <interface whitelist>",
  "xmpp certs <key-file> <crt-file> [<crt-bundle>]",
  "xmpp (enable|disable|reset)",
  "xmpp callbridge (add|add-secret|del|list) ...",
  "xmpp cluster (status|enable|disable|initialize|join|remove|trust) ...",
].join("\n");

const SUBCOMMANDS: Record<string, CommandHandler> = {
  domain: xmppDomain,
  listen: xmppListen,
  certs: xmppCerts,
  enable: xmppEnable,
  disable: xmppDisable,
  reset: xmppReset,
  callbridge: xmppCallbridge,
  cluster: xmppCluster,
};

export const xmppCommand: CommandHandler = (context) => {
  const [sub, ...rest] = context.args;
  if (sub === undefined) return context.io.print(xmppStatusBlock(context.node));
  const handler = SUBCOMMANDS[sub];
  if (!handler) return context.io.error(USAGE);
  return handler({ ...context, args: rest });
};
