import { type CmsApiTarget, getXmppConnectionStatus } from "../clients/cms-api/api-client";
import { type MmpTarget, withMmpSession } from "../clients/mmp/session";
import { type ClusterConfig, xmppAddressOf } from "../core/config";
import type { NodeFacts } from "../core/facts";
import {
  agreedLeader,
  bridgesPinnedTo,
  type DrillTimes,
  liveNodes,
  noMajorityToSpare,
  spareAfterLosing,
  timelineLine,
} from "../core/failover-drill";
import { type ClusterStatus, parseClusterStatus } from "../core/parsers/cluster-status";
import {
  callBridgeConnected,
  type ExpectedCluster,
  type Finding,
  formatFindings,
  verifyClusterFacts,
} from "../core/verify";
import { NodeSessions } from "./sessions";
import { lookOnce, type VerifyRequest, verifyClusterOutcome } from "./verify-cluster";

export interface DrillRequest {
  cluster: ClusterConfig;
  targets: MmpTarget[];
  bridges: CmsApiTarget[];
  /** For each wait: the new leader, the Call Bridges, `xmpp enable`, the cluster whole again. */
  timeoutMs: number;
  intervalMs: number;
  print: (line: string) => void;
  /** First Ctrl-C: stop watching, enable the node again, wait for the cluster. */
  interrupt: AbortSignal;
  /** Second Ctrl-C: still enable the node again, then stop waiting for the cluster. */
  hurry: AbortSignal;
}

/** The cluster was not fit for the drill; nothing was changed. */
export class DrillRefused extends Error {
  name = "DrillRefused";
}

/** Ctrl-C ended the drill; a disabled node was enabled again first. */
export class DrillInterrupted extends Error {
  name = "DrillInterrupted";
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done);
  });

const firstLine = (err: unknown) => String((err as Error).message ?? err).split("\n")[0];

function expectedOf(cluster: ClusterConfig): ExpectedCluster {
  return {
    nodes: cluster.nodes.map((n) => ({ name: n.name, xmppAddress: xmppAddressOf(n) })),
    callBridges: cluster.callBridges.map((b) => b.name),
  };
}

/**
 * Disables the leader's XMPP server, times the election of a new leader and the Call Bridges' reconnection, then
 * enables it again and waits for the whole cluster. Refuses unless the cluster is healthy with a majority to spare.
 * Once `xmpp disable` was sent, `xmpp enable` follows whatever happens (an error, a timeout, Ctrl-C).
 */
export async function runFailoverDrill(req: DrillRequest): Promise<DrillTimes> {
  const verify: VerifyRequest = {
    expected: expectedOf(req.cluster),
    targets: req.targets,
    bridges: req.bridges,
    timeoutMs: req.timeoutMs,
    intervalMs: req.intervalMs,
  };
  const sessions = await NodeSessions.open(req.targets);
  try {
    const leader = await preflight(req, sessions, verify);
    if (req.interrupt.aborted) throw new DrillInterrupted("interrupted before any change: nothing was changed");
    const pinned = bridgesPinnedTo(req.cluster, leader);
    for (const bridge of pinned) {
      req.print(
        `${bridge}'s Call Bridge is pinned to ${leader} (serverAddress): it cannot fail over, and reconnects after xmpp enable`,
      );
    }
    const watched = req.bridges.filter((b) => !pinned.includes(b.bridge));
    const times: DrillTimes = {};
    const started = Date.now();
    const since = () => Date.now() - started;
    let failure: unknown;
    let sent = false;
    try {
      sent = true;
      await sessions.get(leader).run("xmpp disable");
      req.print(timelineLine(since(), `${leader} disabled (xmpp disable)`));
      await watchFailover(req, sessions, leader, watched, started, times);
    } catch (err) {
      failure = err;
    }
    if (sent) {
      if (req.interrupt.aborted) req.print(`interrupted: enabling ${leader} again before exiting`);
      try {
        await enableAgain(req, sessions, leader);
        req.print(timelineLine(since(), `${leader} enabled again (xmpp enable)`));
        await waitWhole(req, sessions, verify, leader, since, times);
      } catch (err) {
        // The first failure is what went wrong; the restore's says what is left to do.
        throw failure ? new Error(`${(failure as Error).message}\n${(err as Error).message}`) : err;
      }
    }
    if (failure) throw failure;
    if (req.interrupt.aborted) throw new DrillInterrupted(`interrupted: ${leader} was enabled again`);
    return times;
  } finally {
    sessions.close();
  }
}

/** One look: healthy (verify-cluster's checks) and a majority left without the leader. Returns the leader. */
async function preflight(req: DrillRequest, sessions: NodeSessions, verify: VerifyRequest): Promise<string> {
  const look = await lookOnce(sessions, verify);
  const findings = withoutEchoesOfUnreachable(look.findings, verify.expected, look.facts, sessions.unreachable);
  const statuses = Object.fromEntries(Object.entries(look.facts).map(([node, f]) => [node, f.cluster]));
  const leader = agreedLeader(req.cluster, statuses);
  const spare = spareAfterLosing(req.cluster, liveNodes(req.cluster, statuses), leader ?? "");
  const shortfall = noMajorityToSpare(req.cluster, spare, leader);
  if (shortfall || findings.length > 0 || !leader) {
    const lines = [
      "failover drill refused: the cluster must be healthy, with a majority to spare, before its leader is disabled; nothing was changed",
      ...(shortfall ? [`- ${shortfall}`] : []),
      ...(findings.length > 0 ? [formatFindings(findings)] : []),
      "next: repair the cluster (bring the node back, or pulumi up), then run the drill again",
    ];
    throw new DrillRefused(lines.join("\n"));
  }
  const total = req.cluster.nodes.length;
  req.print(
    `healthy: ${leader} leads ${req.cluster.nodes.map((n) => n.name).join(", ")}; without it ${spare.left} of ${total} nodes stay up, and a new leader needs ${spare.needed}`,
  );
  return leader;
}

/**
 * An unreachable node also shows as "not a member" and as missing every Call Bridge secret; the drill names it once,
 * as unreachable, and compares the secrets of the nodes it reached.
 */
function withoutEchoesOfUnreachable(
  findings: Finding[],
  expected: ExpectedCluster,
  facts: Record<string, NodeFacts>,
  unreachable: Map<string, string>,
): Finding[] {
  if (unreachable.size === 0) return findings;
  const reached = { ...expected, nodes: expected.nodes.filter((n) => !unreachable.has(n.name)) };
  const secrets = verifyClusterFacts(reached, facts).filter((f) => f.scenario === "authentication");
  const kept = findings.filter(
    (f) => f.scenario !== "authentication" && !(f.scenario === "membership" && unreachable.has(f.subject)),
  );
  return [...kept, ...secrets];
}

async function clusterStatus(sessions: NodeSessions, node: string): Promise<ClusterStatus | undefined> {
  try {
    return parseClusterStatus(await sessions.get(node).run("xmpp cluster status", { readOnly: true }));
  } catch {
    return undefined;
  }
}

async function bridgeStatus(bridge: CmsApiTarget): Promise<string> {
  try {
    return (await getXmppConnectionStatus(bridge)) ?? "no XMPP status in /api/v1/system/status";
  } catch (err) {
    return `API not answering: ${firstLine(err)}`;
  }
}

/**
 * Polls the other nodes (`xmpp cluster status`) until they agree on a new leader, then the Call Bridges that can fail
 * over until each reports connected. Bridges are counted from the look that found the new leader on, so a status
 * read before a bridge noticed the drop does not count.
 */
async function watchFailover(
  req: DrillRequest,
  sessions: NodeSessions,
  leader: string,
  watched: CmsApiTarget[],
  started: number,
  times: DrillTimes,
): Promise<void> {
  const others = req.cluster.nodes.map((n) => n.name).filter((n) => n !== leader);
  const deadline = started + req.timeoutMs;
  for (;;) {
    if (req.interrupt.aborted) return;
    const statuses: Record<string, ClusterStatus | undefined> = {};
    await Promise.all(others.map(async (n) => (statuses[n] = await clusterStatus(sessions, n))));
    let bridges: [string, string][] = [];
    if (times.newLeaderMs === undefined) {
      const next = agreedLeader(req.cluster, statuses);
      if (next && next !== leader) {
        times.newLeaderMs = Date.now() - started;
        req.print(timelineLine(times.newLeaderMs, `new leader ${next}, agreed by ${others.join(", ")}`));
      }
    }
    if (times.newLeaderMs !== undefined) {
      bridges = await Promise.all(
        watched.map(async (b): Promise<[string, string]> => [b.bridge, await bridgeStatus(b)]),
      );
      if (bridges.every(([, status]) => callBridgeConnected(status))) {
        if (watched.length > 0) {
          times.bridgesMs = Date.now() - started;
          const which =
            watched.length === req.bridges.length ? "every Call Bridge" : "every Call Bridge that can fail over";
          req.print(
            timelineLine(times.bridgesMs, `${which} reports connected: ${watched.map((b) => b.bridge).join(", ")}`),
          );
        }
        return;
      }
    }
    if (Date.now() >= deadline) {
      const seconds = Math.round(req.timeoutMs / 1000);
      const detail =
        times.newLeaderMs === undefined
          ? `no new leader within ${seconds} s after ${leader} was disabled: ${others.map((n) => `${n} ${statuses[n]?.state ?? "unreadable"}`).join(", ")}`
          : `Call Bridges not connected ${seconds} s after ${leader} was disabled: ${bridges
              .filter(([, status]) => !callBridgeConnected(status))
              .map(([bridge, status]) => `${bridge} "${status}"`)
              .join(", ")}`;
      throw new Error(
        `${detail}\n  next: check \`xmpp cluster status\` on the other nodes and each Call Bridge's XMPP settings (DNS SRV or serverAddress); ${leader} is enabled again`,
      );
    }
    await sleep(req.intervalMs, req.interrupt);
  }
}

/** `xmpp enable` on the node, over its session or, if that broke, over new ones, until it succeeds or time is up. */
async function enableAgain(req: DrillRequest, sessions: NodeSessions, node: string): Promise<void> {
  const target = req.targets.find((t) => t.node === node) as MmpTarget;
  const deadline = Date.now() + req.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt === 1) await sessions.get(node).run("xmpp enable");
      else await withMmpSession(target, (s) => s.run("xmpp enable"));
      return;
    } catch (err) {
      if (Date.now() >= deadline) {
        throw new Error(
          `[${node}] xmpp enable: ${firstLine(err)}\n  next: ${node}'s XMPP server is still DISABLED: log in to its MMP (ssh ${target.username}@${target.host} -p ${target.port}) and run \`xmpp enable\``,
        );
      }
      req.print(`[${node}] xmpp enable failed (${firstLine(err)}); trying again`);
      await sleep(1000);
    }
  }
}

/** Waits until verification passes on the whole cluster (every member, one leader, every Call Bridge connected). */
async function waitWhole(
  req: DrillRequest,
  sessions: NodeSessions,
  verify: VerifyRequest,
  oldLeader: string,
  since: () => number,
  times: DrillTimes,
): Promise<void> {
  if (req.hurry.aborted) return skipped(req, oldLeader);
  const outcome = await verifyClusterOutcome({ ...verify, signal: req.hurry });
  if (req.hurry.aborted && outcome.findings.length > 0) return skipped(req, oldLeader);
  if (outcome.findings.length > 0) {
    throw new Error(
      `${oldLeader} is enabled again, but the cluster is not whole after ${Math.round(req.timeoutMs / 1000)} s:\n${formatFindings(outcome.findings)}`,
    );
  }
  times.wholeMs = since();
  const names = req.cluster.nodes.map((n) => n.name);
  const statuses = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await clusterStatus(sessions, n)])));
  const leader = agreedLeader(req.cluster, statuses) ?? "?";
  const bridges = req.bridges.length > 0 ? ", every Call Bridge connected" : "";
  req.print(timelineLine(times.wholeMs, `cluster whole again: ${leader} leads ${names.join(", ")}${bridges}`));
}

function skipped(req: DrillRequest, oldLeader: string): void {
  req.print(`not waiting for the cluster: ${oldLeader} is enabled again; check it with \`xmpp cluster status\``);
}
