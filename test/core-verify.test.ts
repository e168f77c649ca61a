import { describe, expect, it } from "vitest";
import { CmsApiError } from "../src/clients/cms-api/api-client";
import {
  callBridgeApiFinding,
  callBridgeConnected,
  dnsFinding,
  type Finding,
  unreachableNodeFinding,
  verifyCallBridgeStatus,
  verifyClusterFacts,
} from "../src/core/verify";
import { convergedLab, LAB, SECRETS } from "./support/facts";

const expected = { nodes: LAB, callBridges: ["cb1", "cb2", "cb3"] };
/** scenario, subject, problem, transient: everything but the (long) next step. */
const brief = (findings: (Finding | undefined)[]) =>
  findings.map((f) => (f ? [f.scenario, f.subject, f.problem, f.transient] : undefined));

describe("cluster verification", () => {
  it("passes a converged cluster", () => {
    expect(verifyClusterFacts(expected, convergedLab())).toEqual([]);
  });

  it("names duplicate peers as CSCvi67717, TechNote scenario 3, lasting", () => {
    const facts = convergedLab();
    facts.cb1.cluster.peers.push({ address: "10.106.81.31", port: 5222, leader: false });
    facts.cb1.cluster.duplicates = ["10.106.81.31:5222"];
    const findings = verifyClusterFacts(expected, facts);
    expect(brief(findings)).toEqual([["duplicate peers", "cb1", "lists 10.106.81.31:5222 more than once", false]]);
    expect(findings[0].next).toMatch(/^CSCvi67717 \(TechNote scenario 3\): /);
  });

  it("reports secrets that differ between nodes as the authentication scenario, lasting", () => {
    const facts = convergedLab();
    facts.cb1.callBridges[0].secret = SECRETS.cb3;
    const findings = verifyClusterFacts(expected, facts);
    expect(brief(findings)).toEqual([
      ["authentication", "cb1", "the secret is not the same on every XMPP node (groups: cb1 | cb2, cb3)", false],
    ]);
    expect(findings[0].next).toContain("(TechNote scenario 2)");
    expect(JSON.stringify(findings)).not.toContain(SECRETS.cb3);
  });

  it("reports a secret missing on a node as the authentication scenario, lasting", () => {
    const facts = convergedLab();
    facts.cb3.callBridges = facts.cb3.callBridges.filter((b) => b.name !== "cb2");
    expect(brief(verifyClusterFacts(expected, facts))).toEqual([
      [
        "authentication",
        "cb2",
        "the secret is not the same on every XMPP node (groups: cb1, cb2 | missing on cb3)",
        false,
      ],
    ]);
  });

  it("waits for an election: no leader, a candidate, or nodes that disagree are transient", () => {
    const facts = convergedLab();
    facts.cb1.cluster.leader = undefined;
    facts.cb1.cluster.peers = facts.cb1.cluster.peers.map((p) => ({ ...p, leader: false }));
    facts.cb2.cluster.state = "CANDIDATE";
    facts.cb2.cluster.leader = undefined;
    facts.cb3.cluster.leader = "10.106.81.31:5222";
    expect(brief(verifyClusterFacts(expected, facts))).toEqual([
      ["quorum", "cb1", "sees no leader", true],
      ["quorum", "cb2", "sees no leader (state CANDIDATE: an election is in progress)", true],
    ]);
    facts.cb2.cluster.state = "FOLLOWER";
    facts.cb2.cluster.leader = "10.106.81.30:5222";
    expect(brief(verifyClusterFacts(expected, facts))).toEqual([
      ["quorum", "cb1", "sees no leader", true],
      ["quorum", "cluster", "nodes disagree on the leader: 10.106.81.30 vs 10.106.81.31", true],
    ]);
  });

  it("waits for a member whose XMPP server is starting (INACTIVE)", () => {
    const facts = convergedLab();
    facts.cb3.cluster.state = "INACTIVE";
    facts.cb3.cluster.leader = undefined;
    expect(brief(verifyClusterFacts(expected, facts))).toEqual([
      ["membership", "cb3", "is a member whose XMPP server is not running (state INACTIVE)", true],
    ]);
  });

  it("does not wait for a node that is not a member, or was not read", () => {
    const facts = convergedLab();
    facts.cb3.cluster = { state: "UNINITIALIZED", peers: [], leader: undefined, duplicates: [] };
    const { cb2: _, ...withoutCb2 } = facts;
    expect(brief(verifyClusterFacts({ ...expected, callBridges: [] }, withoutCb2))).toEqual([
      ["membership", "cb2", "is not a cluster member (state unknown)", false],
      ["membership", "cb3", "is not a cluster member (state UNINITIALIZED)", false],
    ]);
  });

  it("waits for a node still joining (missing from a peer list), not for an unexpected peer", () => {
    const facts = convergedLab();
    facts.cb1.cluster.peers = facts.cb1.cluster.peers.filter((p) => p.address !== "10.106.81.32");
    facts.cb2.cluster.peers.push({ address: "10.106.81.99", port: 5222, leader: false });
    expect(brief(verifyClusterFacts({ ...expected, callBridges: [] }, facts))).toEqual([
      ["membership", "cb1", "peer list is missing 10.106.81.32", true],
      ["membership", "cb2", "peer list has unexpected 10.106.81.99", false],
    ]);
  });

  it("an unexpected peer on a node without a leader may be a stale list: transient", () => {
    const facts = convergedLab();
    facts.cb2.cluster = { ...facts.cb2.cluster, state: "CANDIDATE", leader: undefined };
    facts.cb2.cluster.peers = [...facts.cb2.cluster.peers, { address: "10.106.81.99", port: 5222, leader: false }];
    expect(brief(verifyClusterFacts({ ...expected, callBridges: [] }, facts))).toEqual([
      ["quorum", "cb2", "sees no leader (state CANDIDATE: an election is in progress)", true],
      ["membership", "cb2", "peer list has unexpected 10.106.81.99", true],
    ]);
  });

  it("maps Call Bridge statuses to the TechNote's scenarios; only authentication and no settings are lasting", () => {
    expect(verifyCallBridgeStatus("cb1", "connected")).toBeUndefined();
    expect(verifyCallBridgeStatus("cb1", undefined)).toBeUndefined();
    expect(
      brief(
        [
          "authentication failure",
          "not configured",
          "dns error",
          "connecting",
          "connection failure",
          "disconnected",
        ].map((s) => verifyCallBridgeStatus("cb1", s)),
      ),
    ).toEqual([
      ["authentication", "cb1", 'reports "authentication failure"', false],
      ["call bridge", "cb1", 'has no XMPP server settings ("not configured")', false],
      ["dns", "cb1", 'reports "dns error"', true],
      ["dns", "cb1", 'is not connected to XMPP: "connecting"', true],
      ["dns", "cb1", 'is not connected to XMPP: "connection failure"', true],
      ["dns", "cb1", 'is not connected to XMPP: "disconnected"', true],
    ]);
    expect(verifyCallBridgeStatus("cb1", "dns error")?.next).toContain("(TechNote scenario 1)");
  });

  it("tells connected from not connected", () => {
    expect(
      ["connected", "Connected to 127.0.1.2:5223", "not connected", "disconnected", "failed", ""].map(
        callBridgeConnected,
      ),
    ).toEqual([true, true, false, false, false, false]);
    expect(callBridgeConnected(undefined)).toBe(false);
  });

  it("an API that refuses credentials or a certificate is lasting; one that does not answer is transient", () => {
    const refused = new CmsApiError("cb1", "GET /api/v1/system/status", "HTTP 401", "check api.username", 401);
    const cert = new CmsApiError("cb1", "GET /api/v1/system/status", "self-signed certificate", "set api.caCertPem");
    const timeout = new CmsApiError("cb1", "GET /api/v1/system/status", "timed out after 15000 ms", "check the apiUrl");
    expect([refused, cert, timeout].map((e) => callBridgeApiFinding("cb1", e))).toEqual([
      {
        scenario: "call bridge",
        subject: "cb1",
        problem: "status could not be read: GET /api/v1/system/status: HTTP 401",
        next: "check api.username",
        transient: false,
      },
      {
        scenario: "call bridge",
        subject: "cb1",
        problem: "status could not be read: GET /api/v1/system/status: self-signed certificate",
        next: "set api.caCertPem",
        transient: false,
      },
      {
        scenario: "call bridge",
        subject: "cb1",
        problem: "status could not be read: GET /api/v1/system/status: timed out after 15000 ms",
        next: "check the apiUrl",
        transient: true,
      },
    ]);
  });

  it("an unreachable node is lasting", () => {
    expect(brief([unreachableNodeFinding("cb2", "connect ECONNREFUSED")])).toEqual([
      ["quorum", "cb2", "is unreachable: connect ECONNREFUSED", false],
    ]);
  });

  it("a wrong or missing record is lasting (TechNote scenario 1); a port that does not answer is transient", () => {
    const srv = "_xmpp-component._tcp.tptac9.com";
    const findings = [
      dnsFinding({ record: srv, message: `No DNS A or AAAA records for ${srv}: the SRV record set is missing` }),
      dnsFinding({ record: "cb3.tptac9.com", message: "resolves to 10.0.0.9; the node's address is 10.106.81.32" }),
      dnsFinding({ record: srv, message: "10.106.81.32 port 5223 does not answer on TCP (is XMPP enabled there?)" }),
    ];
    expect(findings.map((f) => f.transient)).toEqual([false, false, true]);
    expect(findings.every((f) => f.scenario === "dns" && f.next.startsWith("TechNote scenario 1: "))).toBe(true);
  });
});

describe("Call Bridge status from the CMS API", () => {
  it("reads a nested status element, a flat one, or nothing", async () => {
    const { xmppStatusFromXml } = await import("../src/clients/cms-api/api-client");
    expect(
      xmppStatusFromXml(
        "<status><xmppConnection><status>authentication failure</status><server>127.0.0.1:5223</server></xmppConnection></status>",
      ),
    ).toBe("authentication failure");
    expect(xmppStatusFromXml("<status><xmppStatus>connected</xmppStatus></status>")).toBe("connected");
    expect(xmppStatusFromXml("<status><uptimeSeconds>5</uptimeSeconds></status>")).toBeUndefined();
  });
});

describe("the verification error", () => {
  it("says it failed at once, lasting findings first, then what may still be settling", async () => {
    const { verificationFailure } = await import("../src/resources/cluster/cluster-verification.provider");
    const findings = [
      verifyCallBridgeStatus("cb2", "connecting"),
      verifyCallBridgeStatus("cb3", "authentication failure"),
    ] as Finding[];
    expect(verificationFailure({ findings, failedFast: true, looks: 2, elapsedMs: 1260 }, 60).split("\n")).toEqual([
      "verification failed at once: these findings do not heal by waiting (seen on two looks in a row, 1.3 s into the 60 s timeout):",
      '- [authentication] cb3 reports "authentication failure"',
      "    next: the Call Bridge secret differs between XMPP nodes or the Call Bridge (TechNote scenario 2); `pulumi up` re-adds the secret on every node and the Call Bridge",
      "Also seen, and possibly still settling:",
      '- [dns] cb2 is not connected to XMPP: "connecting"',
      "    next: the Call Bridge cannot resolve _xmpp-component._tcp.<domain> to a reachable XMPP node (TechNote scenario 1); check the SRV and A records and port 5223",
      "The cluster state is saved; fix the cause and run `pulumi up` again.",
    ]);
    expect(verificationFailure({ findings, failedFast: false, looks: 60, elapsedMs: 60_100 }, 60).split("\n")).toEqual([
      "verification failed after the 60 s timeout:",
      '- [dns] cb2 is not connected to XMPP: "connecting"',
      "    next: the Call Bridge cannot resolve _xmpp-component._tcp.<domain> to a reachable XMPP node (TechNote scenario 1); check the SRV and A records and port 5223",
      '- [authentication] cb3 reports "authentication failure"',
      "    next: the Call Bridge secret differs between XMPP nodes or the Call Bridge (TechNote scenario 2); `pulumi up` re-adds the secret on every node and the Call Bridge",
      "The cluster state is saved; fix the cause and run `pulumi up` again.",
    ]);
  });
});
