import { verifyChain } from "../pki/chain";
import { inspectFile } from "../pki/inspect";
import { isPkiFile, readPemContents } from "../pki/pem-contents";
import type { CommandContext, CommandHandler } from "./command-context";
import { pkiCsr } from "./pki-csr";

const USAGE = [
  "Usage:",
  "pki list",
  "pki csr <key/cert basename> CN:<value> [subjectAltName:<names>] [O:] [OU:] [L:] [ST:] [C:]",
  "pki inspect <filename>",
  "pki match <key file> <cert file>",
  "pki verify <cert file> [<ca bundle>]",
].join("\n");

function readOrFail({ node, io }: CommandContext, name: string): Buffer | null {
  const data = node.store.files.read(name);
  if (!data) io.failure(`File ${name} not found`);
  return data;
}

const pkiList: CommandHandler = ({ node, io }) => {
  const files = node.store.files;
  io.print("User supplied certificates and keys:");
  const names = files.names().filter((name) => isPkiFile(name, files.read(name) ?? Buffer.alloc(0)));
  if (names.length > 0) io.print(names.join("\n"));
};

const pkiInspect: CommandHandler = (context) => {
  const [name] = context.args;
  if (!name) return context.io.error(USAGE);
  const data = readOrFail(context, name);
  if (!data) return;
  const text = inspectFile(name, data);
  if (text) context.io.print(text);
  else context.io.failure(`${name} is not a certificate, key or certificate signing request`);
};

const pkiMatch: CommandHandler = (context) => {
  const [keyName, certName] = context.args;
  if (!keyName || !certName) return context.io.error(USAGE);
  const keyData = readOrFail(context, keyName);
  const certData = keyData && readOrFail(context, certName);
  if (!keyData || !certData) return;
  const key = readPemContents(keyData).privateKey;
  const certificate = readPemContents(certData).certificates[0];
  if (!key) return context.io.failure(`${keyName} does not contain a private key`);
  if (!certificate) return context.io.failure(`${certName} does not contain a certificate`);
  if (certificate.checkPrivateKey(key)) context.io.print("SUCCESS: Key and certificate pair match");
  else context.io.failure("Key and certificate pair do not match");
};

const pkiVerify: CommandHandler = (context) => {
  const [certName, bundleName] = context.args;
  if (!certName) return context.io.error(USAGE);
  const certData = readOrFail(context, certName);
  const bundleData = bundleName ? readOrFail(context, bundleName) : null;
  if (!certData || (bundleName && !bundleData)) return;
  const [leaf, ...intermediates] = readPemContents(certData).certificates;
  if (!leaf) return context.io.failure(`${certName} does not contain a certificate`);
  const anchors = bundleData ? readPemContents(bundleData).certificates : null;
  const result = verifyChain(leaf, intermediates, anchors);
  context.io.print(result.chain.map((certificate) => `  ${certificate.subject.split("\n").join(", ")}`).join("\n"));
  if (result.ok)
    context.io.print(`SUCCESS: Certificate ${certName} verified${bundleName ? ` against ${bundleName}` : ""}`);
  else context.io.failure(`Certificate ${certName} not verified: ${result.reason}`);
};

const SUBCOMMANDS: Record<string, CommandHandler> = {
  list: pkiList,
  csr: pkiCsr,
  inspect: pkiInspect,
  match: pkiMatch,
  verify: pkiVerify,
};

export const pkiCommand: CommandHandler = (context) => {
  const [sub, ...rest] = context.args;
  const handler = sub ? SUBCOMMANDS[sub] : undefined;
  if (!handler) return context.io.error(USAGE);
  return handler({ ...context, args: rest });
};
