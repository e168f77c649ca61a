import { createCa, issueKeyAndCertificate, type KeyAndCertificate, type SimCluster, type SimNode } from "../../sim";
import { MmpClient } from "./mmp-client";
import { writeRemote } from "./sftp-files";

export const DOMAIN = "tptac9.com";

/** Steps 1-4 shortcut: one key + certificate for all three XMPP nodes (as in the TechNote's lab) and the CA. */
export async function uploadSharedCertificate(
  nodes: SimNode[],
  ca = createCa("Lab Root CA"),
): Promise<KeyAndCertificate> {
  const shared = issueKeyAndCertificate(
    { CN: DOMAIN },
    { ca, subjectAltNames: nodes.map((node) => `${node.name}.${DOMAIN}`) },
  );
  for (const node of nodes) {
    const mmp = await MmpClient.connect(node);
    const sftp = await mmp.sftp();
    await writeRemote(sftp, "abhiall.key", shared.keyPem);
    await writeRemote(sftp, "abhiall.cer", shared.certPem);
    await writeRemote(sftp, "certall.cer", ca.certPem);
    mmp.close();
  }
  return ca;
}

/** Steps 3-4 on one node: domain, listen, certs, cluster trust. */
export async function configureXmpp(mmp: MmpClient): Promise<void> {
  for (const command of [
    `xmpp domain ${DOMAIN}`,
    "xmpp listen a",
    "xmpp certs abhiall.key abhiall.cer certall.cer",
    "xmpp cluster trust abhiall.cer",
  ]) {
    const output = await mmp.run(command);
    if (output !== "") throw new Error(`${command}: ${output}`);
  }
}

/** Parses `xmpp callbridge list`. */
export function parseCallbridgeList(output: string): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const block of output.split("***\n").filter((part) => part.trim() !== "")) {
    const name = /Callbridge : (\S+)/.exec(block)?.[1];
    const secret = /Secret {5}: (\S+)/.exec(block)?.[1];
    if (name && secret) secrets.set(name, secret);
  }
  return secrets;
}

export interface BuiltCluster {
  secrets: Map<string, string>;
  /** Every command and its output, per node, in order. */
  log: { node: string; command: string; output: string }[];
}

/** Steps 3 and 5-8 of the TechNote on three nodes; cb1 initializes, cb2 and cb3 join it. */
export async function buildXmppCluster(cluster: SimCluster): Promise<BuiltCluster> {
  const [first, ...joiners] = cluster.nodes;
  const log: BuiltCluster["log"] = [];
  const run = async (mmp: MmpClient, node: SimNode, command: string): Promise<string> => {
    const output = await mmp.run(command, 10_000);
    log.push({ node: node.name, command, output });
    return output;
  };
  const cb1 = await MmpClient.connect(first);
  await configureXmpp(cb1);
  for (const name of ["cb1", "cb2", "cb3"]) await run(cb1, first, `xmpp callbridge add ${name}`);
  const secrets = parseCallbridgeList(await run(cb1, first, "xmpp callbridge list"));
  for (const command of ["xmpp disable", "xmpp cluster enable", "xmpp cluster initialize", "xmpp enable"]) {
    await run(cb1, first, command);
  }
  cb1.close();
  for (const node of joiners) {
    const mmp = await MmpClient.connect(node);
    await configureXmpp(mmp);
    for (const [name, secret] of secrets) {
      await mmp.runWithSecret(`xmpp callbridge add-secret ${name}`, secret);
      log.push({ node: node.name, command: `xmpp callbridge add-secret ${name}`, output: "" });
    }
    for (const command of ["xmpp disable", "xmpp cluster enable", "xmpp enable", `xmpp cluster join ${first.host}`]) {
      await run(mmp, node, command);
    }
    mmp.close();
  }
  return { secrets, log };
}
