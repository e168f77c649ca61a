import { CLI_USAGE, parseCliArgs } from "./cli-args";
import { startSimCluster } from "./cluster";
import type { SimNode } from "./node";

function table(nodes: SimNode[]): string {
  const rows = [
    ["NAME", "ADDRESS", "SSH", "API", "XMPP", "HOST KEY"],
    ...nodes.map((node) => [
      node.name,
      node.host,
      String(node.sshPort),
      String(node.apiPort),
      node.xmpp.selfAddr.split(":")[1] ?? "",
      node.hostKeyFingerprint,
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

async function main(): Promise<void> {
  let config: ReturnType<typeof parseCliArgs>;
  try {
    config = parseCliArgs(process.argv.slice(2).filter((arg) => arg !== "--"));
  } catch (error) {
    const message = (error as Error).message;
    process.stderr.write(message === CLI_USAGE ? message : `${message}\n\n${CLI_USAGE}`);
    process.exit(message === CLI_USAGE ? 0 : 2);
  }
  if (config.log) {
    for (const node of config.cluster.nodes) {
      node.onTranscript = (entry) =>
        process.stdout.write(`${entry.at} ${node.name}> ${entry.command} [${entry.result}]\n`);
    }
  }
  const cluster = await startSimCluster(config.cluster);
  const user = config.cluster.nodes[0].users?.[0]?.username ?? "admin";
  process.stdout.write(`Simulated CMS ${cluster.nodes[0].version} nodes (user ${user}):\n${table(cluster.nodes)}\n\n`);
  const first = cluster.nodes[0];
  process.stdout.write(
    `Try: ssh -p ${first.sshPort} ${user}@${first.host}   sftp -P ${first.sshPort} ${user}@${first.host}\n`,
  );
  process.stdout.write("Ctrl-C stops the simulator.\n");
  const shutdown = (): void => {
    void cluster.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

void main();
