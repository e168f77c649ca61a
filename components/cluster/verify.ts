import { type CmsApiTarget, getXmppConnectionStatus } from "../callbridge/api-client";
import type { RecordSet } from "../core/dns/records";
import type { NodeFacts } from "../core/facts";
import { type ExpectedCluster, type Finding, verifyCallBridgeStatus, verifyClusterFacts } from "../core/verify";
import { verifyXmppDns } from "../dns/verify";
import type { MmpTarget } from "../mmp/session";
import { NodeSessions } from "./sessions";

export interface VerifyRequest {
  expected: ExpectedCluster;
  targets: MmpTarget[];
  bridges: CmsApiTarget[];
  timeoutMs: number;
  intervalMs?: number;
  /** Resolve the cluster's SRV/A records through this server and probe every target (seed scenario 1). */
  dns?: { domain: string; server: { host: string; port: number }; expected: RecordSet[] };
}

async function findingsOnce(sessions: NodeSessions, req: VerifyRequest): Promise<Finding[]> {
  const gathered = await sessions.facts(req.expected.nodes.map((n) => n.name));
  const facts: Record<string, NodeFacts> = {};
  const findings: Finding[] = [];
  for (const [node, g] of Object.entries(gathered)) {
    if (g.reachable) facts[node] = g.facts;
    else
      findings.push({
        scenario: "quorum",
        subject: node,
        problem: `is unreachable: ${g.error}`,
        next: "bring the node back",
      });
  }
  findings.push(...verifyClusterFacts(req.expected, facts));
  for (const bridge of req.bridges) {
    try {
      const finding = verifyCallBridgeStatus(bridge.bridge, await getXmppConnectionStatus(bridge));
      if (finding) findings.push(finding);
    } catch (err) {
      findings.push({
        scenario: "dns",
        subject: bridge.bridge,
        problem: (err as Error).message,
        next: "check the API",
      });
    }
  }
  if (req.dns) {
    const dns = await verifyXmppDns(req.dns);
    for (const p of dns.problems) {
      findings.push({
        scenario: "dns",
        subject: p.record,
        problem: p.message,
        next: "seed scenario 1: fix the record (or the node behind it) so every Call Bridge can resolve and reach a node",
      });
    }
  }
  return findings;
}

/** Polls until every check passes or the timeout ends; returns the last findings (empty when healthy). */
export async function verifyCluster(req: VerifyRequest): Promise<Finding[]> {
  const sessions = await NodeSessions.open(req.targets);
  try {
    const deadline = Date.now() + req.timeoutMs;
    for (;;) {
      const findings = await findingsOnce(sessions, req);
      if (findings.length === 0 || Date.now() >= deadline) return findings;
      await new Promise((r) => setTimeout(r, req.intervalMs ?? 1000));
    }
  } finally {
    sessions.close();
  }
}
