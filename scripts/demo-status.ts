// The demo's status table, as an admin would check the site after `up`: each node's state and whether it leads,
// each Call Bridge's XMPP connection (CMS API), certificate expiry and the DNS records. Reads the stack's outputs
// (`pulumi stack output`) and its config; changes nothing.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { getXmppConnectionStatus } from "../src/clients/cms-api/api-client";
import { readStackTargets } from "./stack-targets";

interface Outputs {
  leader?: string;
  nodes?: Record<string, { clusterState?: string; xmppEnabled?: boolean }>;
  certificateExpiry?: { node: string; notAfter: string; daysLeft: number }[];
  dnsRecords?: string[];
}

function stackOutputs(stack: string): Promise<Outputs> {
  const args = ["stack", "output", "--json", "--stack", stack, "--non-interactive"];
  return new Promise((resolve, reject) => {
    execFile("pulumi", args, { cwd: path.resolve(__dirname, "..") }, (err, stdout, stderr) =>
      err ? reject(new Error(`pulumi stack output failed: ${stderr.trim()}`)) : resolve(JSON.parse(stdout) as Outputs),
    );
  });
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { stack: { type: "string", default: "dev" } } });
  const stack = values.stack as string;
  const [outputs, { config, bridges }] = await Promise.all([stackOutputs(stack), readStackTargets(stack)]);
  const expiry = new Map((outputs.certificateExpiry ?? []).map((e) => [e.node, e]));
  const status = new Map(
    await Promise.all(
      bridges.map(async (b): Promise<[string, string]> => {
        try {
          return [b.bridge, (await getXmppConnectionStatus(b)) ?? "(not reported)"];
        } catch (err) {
          return [b.bridge, `unreachable: ${(err as Error).message.split("\n")[0]}`];
        }
      }),
    ),
  );
  const rows = [["node", "address", "state", "leader", "call bridge", "xmpp connection", "certificate until"]];
  for (const node of config.cluster.nodes) {
    const state = outputs.nodes?.[node.name];
    const address = node.xmppAddress ?? node.address;
    const cert = expiry.get(node.name);
    rows.push([
      node.name,
      address,
      state?.clusterState ?? "(unknown)",
      outputs.leader === `${address}:5222` ? "yes" : "",
      config.cluster.callBridges.some((b) => b.name === node.name) ? node.name : "",
      status.get(node.name) ?? "",
      cert ? `${cert.notAfter.slice(0, 10)} (${cert.daysLeft} days)` : "",
    ]);
  }
  for (const b of config.cluster.callBridges.filter((b) => !config.cluster.nodes.some((n) => n.name === b.name))) {
    rows.push(["", "", "", "", b.name, status.get(b.name) ?? "", ""]);
  }
  console.log(table(rows));
  console.log(`\nDNS records (${outputs.dnsRecords?.length ?? 0}):`);
  for (const line of outputs.dnsRecords ?? []) console.log(`  ${line}`);
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
