import { type CmsApiTarget, getXmppConnectionStatus } from "../clients/cms-api/api-client";
import type { MmpTarget } from "../clients/mmp/session";
import type { RecordSet } from "../core/dns/records";
import type { NodeFacts } from "../core/facts";
import {
  callBridgeApiFinding,
  dnsFinding,
  type ExpectedCluster,
  type Finding,
  unreachableNodeFinding,
  verifyCallBridgeStatus,
  verifyClusterFacts,
} from "../core/verify";
import { type Connect, NodeSessions } from "./sessions";
import { verifyXmppDns } from "./verify-dns";

export interface VerifyRequest {
  expected: ExpectedCluster;
  targets: MmpTarget[];
  bridges: CmsApiTarget[];
  timeoutMs: number;
  intervalMs?: number;
  /** Resolve the cluster's SRV/A records through this server and probe every target (TechNote scenario 1). */
  dns?: { domain: string; server: { host: string; port: number }; expected: RecordSet[] };
  /** Called with the findings of every look (1, 2, ...), before deciding whether to wait. */
  onLook?: (findings: Finding[], look: number) => void;
  connect?: Connect;
  /** Read one node at a time (the cluster's `oneNodeAtATime`). */
  oneNodeAtATime?: boolean;
  /** The first look may take facts this operation read at most this long ago on the same connections (NodeSessions.facts). */
  reuseFactsWithinMs?: number;
  /** Stops the wait early: the outcome is then the last look's, as after a timeout. */
  signal?: AbortSignal;
}

export interface VerifyOutcome {
  /** The findings of the last look; empty when healthy. */
  findings: Finding[];
  /** True when lasting findings ended the wait before the timeout; false when healthy or after the timeout. */
  failedFast: boolean;
  looks: number;
  elapsedMs: number;
}

export interface Look {
  facts: Record<string, NodeFacts>;
  findings: Finding[];
}

/** One look over open sessions: the reachable nodes' facts and every finding about them and the Call Bridges. */
export async function lookOnce(sessions: NodeSessions, req: VerifyRequest, first = false): Promise<Look> {
  const reuse = first && req.reuseFactsWithinMs !== undefined ? { withinMs: req.reuseFactsWithinMs } : undefined;
  const gathered = await sessions.facts(
    req.expected.nodes.map((n) => n.name),
    reuse,
  );
  const facts: Record<string, NodeFacts> = {};
  const findings: Finding[] = [];
  for (const [node, g] of Object.entries(gathered)) {
    if (g.reachable) facts[node] = g.facts;
    else findings.push(unreachableNodeFinding(node, g.error));
  }
  findings.push(...verifyClusterFacts(req.expected, facts));
  for (const bridge of req.bridges) {
    try {
      const finding = verifyCallBridgeStatus(bridge.bridge, await getXmppConnectionStatus(bridge));
      if (finding) findings.push(finding);
    } catch (err) {
      findings.push(callBridgeApiFinding(bridge.bridge, err as Error));
    }
  }
  if (req.dns) {
    const dns = await verifyXmppDns(req.dns);
    findings.push(...dns.problems.map(dnsFinding));
  }
  return { facts, findings };
}

const key = (f: Finding) => `${f.scenario}\n${f.subject}\n${f.problem}`;

/**
 * Polls until every check passes, a lasting finding is confirmed, or the timeout ends. Transient findings (an
 * election, a node joining, a Call Bridge reconnecting) are waited for; lasting ones end the wait at once.
 */
export async function verifyClusterOutcome(req: VerifyRequest): Promise<VerifyOutcome> {
  const started = Date.now();
  const sessions = await NodeSessions.open(req.targets, undefined, req.connect, req.oneNodeAtATime === true);
  try {
    const deadline = started + req.timeoutMs;
    let previous = new Set<string>();
    for (let look = 1; ; look++) {
      const { findings } = await lookOnce(sessions, req, look === 1);
      req.onLook?.(findings, look);
      const done = (failedFast: boolean): VerifyOutcome => ({
        findings,
        failedFast,
        looks: look,
        elapsedMs: Date.now() - started,
      });
      if (findings.length === 0) return done(false);
      const lasting = new Set(findings.filter((f) => !f.transient).map(key));
      // A lasting finding must show on two consecutive looks, one interval apart, before it ends the wait: one look
      // can catch a change mid-flight (a membership change still travelling with the keepalives, a Call Bridge
      // reporting its previous round just after a PUT, a secret being replaced node by node), and one more interval
      // costs little next to the whole timeout.
      if ([...lasting].some((k) => previous.has(k))) return done(true);
      if (Date.now() >= deadline || req.signal?.aborted) return done(false);
      previous = lasting;
      await new Promise((r) => setTimeout(r, req.intervalMs ?? 1000));
    }
  } finally {
    sessions.close();
  }
}

/** verifyClusterOutcome's findings: empty when healthy. */
