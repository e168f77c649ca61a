import { readPemContents } from "../pki/pem-contents";
import type { CommandContext, CommandHandler } from "./command-context";

export const xmppDomain: CommandHandler = ({ node, args, io }) => {
  const [domain] = args;
  if (!domain || args.length > 1) return io.error("Usage: xmpp domain <domain name>");
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(domain)) {
    return io.failure(`Invalid domain name '${domain}'`);
  }
  node.store.xmpp.domain = domain;
};

export const xmppListen: CommandHandler = ({ node, args, io }) => {
  const interfaces = args.flatMap((word) => word.split(",")).filter((word) => word !== "");
  if (interfaces.length === 0) return io.error("Usage: xmpp listen <interface whitelist>");
  const invalid = interfaces.filter((name) => !/^[a-d]$/.test(name));
  if (invalid.length > 0) return io.failure(`Invalid interface ${invalid.join(", ")}: expected a, b, c or d`);
  node.store.xmpp.listen = [...new Set(interfaces)];
};

function checkFile(context: CommandContext, name: string, want: "key" | "certificate"): boolean {
  const data = context.node.store.files.read(name);
  if (!data) {
    context.io.failure(`${want === "key" ? "Key" : "Certificate"} file ${name} not found`);
    return false;
  }
  const contents = readPemContents(data);
  const ok = want === "key" ? contents.privateKey !== null : contents.certificates.length > 0;
  if (!ok) context.io.failure(`${name} does not contain a ${want === "key" ? "private key" : "certificate"}`);
  return ok;
}

export const xmppCerts: CommandHandler = (context) => {
  const [keyFile, certFile, bundleFile] = context.args;
  if (!keyFile || !certFile || context.args.length > 3) {
    return context.io.error("Usage: xmpp certs <key-file> <crt-file> [<crt-bundle>]");
  }
  if (!checkFile(context, keyFile, "key") || !checkFile(context, certFile, "certificate")) return;
  if (bundleFile && !checkFile(context, bundleFile, "certificate")) return;
  Object.assign(context.node.store.xmpp, { keyFile, certFile, bundleFile: bundleFile ?? null });
};

/** One SUCCESS/FAILURE line per check, then the verdict (the pattern of `streamer enable`). */
export const xmppEnable: CommandHandler = async ({ node, io }) => {
  const xmpp = node.store.xmpp;
  const failures: string[] = [];
  if (!xmpp.domain) failures.push("XMPP domain not configured");
  if (xmpp.listen.length === 0) failures.push("No listening interfaces configured");
  if (!xmpp.keyFile || !xmpp.certFile) {
    failures.push("No certificates configured");
  } else {
    const keyData = node.store.files.read(xmpp.keyFile);
    const certData = node.store.files.read(xmpp.certFile);
    if (!keyData) failures.push(`Key file ${xmpp.keyFile} not found`);
    if (!certData) failures.push(`Certificate file ${xmpp.certFile} not found`);
    if (keyData && certData) {
      const key = readPemContents(keyData).privateKey;
      const certificate = readPemContents(certData).certificates[0];
      if (key && certificate?.checkPrivateKey(key)) io.print("SUCCESS: Key and certificate pair match");
      else failures.push("Key and certificate pair do not match");
    }
  }
  for (const failure of failures) io.failure(failure);
  if (failures.length > 0) return io.failure("XMPP configuration not complete");
  xmpp.enabled = true;
  try {
    await node.applyXmppRunning();
  } catch (error) {
    xmpp.enabled = false;
    return io.failure(`Unable to start XMPP server: ${(error as Error).message}`);
  }
  io.print("SUCCESS: XMPP server enabled");
};

export const xmppDisable: CommandHandler = async ({ node }) => {
  node.store.xmpp.enabled = false;
  await node.applyXmppRunning();
};

/** Wipes the local XMPP configuration. Cluster peers are not told (CSCvi67717). */
export const xmppReset: CommandHandler = async ({ node }) => {
  await node.resetXmpp();
};
