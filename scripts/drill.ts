// npm run drill -- --stack <name> [--yes]: the failover drill. Disables the leader's XMPP server, prints how long
// the cluster takes to elect a new leader and the Call Bridges to reconnect, then enables it again and waits until
// the cluster is whole. Exit codes: 0 done, 1 failed (the node is enabled again), 2 refused (nothing changed),
// 130 interrupted by Ctrl-C (the node is enabled again).
import { parseArgs } from "node:util";
import { drillSummary } from "../src/core/failover-drill";
import { DrillInterrupted, DrillRefused, runFailoverDrill } from "../src/engine/failover-drill";
import { readStackTargets } from "./stack-targets";

const INTERVAL_MS = 250;

class UsageError extends Error {}

function options() {
  let values: { stack?: string; yes?: boolean };
  try {
    ({ values } = parseArgs({ options: { stack: { type: "string" }, yes: { type: "boolean" } }, strict: true }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: npm run drill -- --stack <name> [--yes]`);
  }
  if (!values.stack) throw new UsageError("usage: npm run drill -- --stack <name> [--yes]");
  if (values.stack !== "dev" && !values.yes) {
    throw new UsageError(
      `the drill disables the leader's XMPP server on stack ${values.stack}: add --yes to run it (only the dev stack runs without)`,
    );
  }
  return { stack: values.stack };
}

async function main(): Promise<void> {
  const { stack } = options();
  const interrupt = new AbortController();
  const hurry = new AbortController();
  const onSignal = () => {
    if (!interrupt.signal.aborted) {
      console.log(
        "Ctrl-C: stopping the drill; a disabled leader is enabled again first (Ctrl-C again: exit after that)",
      );
      interrupt.abort();
    } else {
      console.log("Ctrl-C again: exiting once the leader is enabled again");
      hurry.abort();
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const { config, targets, bridges } = await readStackTargets(stack);
  const cluster = config.cluster;
  const watched = bridges.map((b) => b.bridge).join(", ") || "none (no apiUrl configured)";
  console.log(
    `failover drill on stack ${stack}: nodes ${cluster.nodes.map((n) => n.name).join(", ")}; Call Bridges watched over the CMS API: ${watched}`,
  );
  const times = await runFailoverDrill({
    cluster,
    targets,
    bridges,
    timeoutMs: cluster.verification.timeoutSeconds * 1000,
    intervalMs: INTERVAL_MS,
    print: (line) => console.log(line),
    interrupt: interrupt.signal,
    hurry: hurry.signal,
  });
  console.log(drillSummary(times, bridges.length > 0));
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.message);
    if (err instanceof UsageError || err instanceof DrillRefused) process.exit(2);
    process.exit(err instanceof DrillInterrupted ? 130 : 1);
  },
);
