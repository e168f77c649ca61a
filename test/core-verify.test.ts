import { describe, expect, it } from "vitest";
import { verifyCallBridgeStatus, verifyClusterFacts } from "../components/core/verify";
import { convergedLab, LAB, SECRETS } from "./support/facts";

const expected = { nodes: LAB, callBridges: ["cb1", "cb2", "cb3"] };

describe("cluster verification", () => {
  it("passes a converged cluster", () => {
    expect(verifyClusterFacts(expected, convergedLab())).toEqual([]);
  });

  it("names duplicate peers as CSCvi67717", () => {
    const facts = convergedLab();
    facts.cb1.cluster.peers.push({ address: "10.106.81.31", port: 5222, leader: false });
    facts.cb1.cluster.duplicates = ["10.106.81.31:5222"];
    const [f] = verifyClusterFacts(expected, facts);
    expect(f.scenario).toBe("duplicate peers");
    expect(f.subject).toBe("cb1");
    expect(f.next).toMatch(/^CSCvi67717/);
  });

  it("reports secrets that differ between nodes as the authentication scenario", () => {
    const facts = convergedLab();
    facts.cb1.callBridges[0].secret = SECRETS.cb3;
    const findings = verifyClusterFacts(expected, facts);
    expect(findings.map((f) => [f.scenario, f.subject])).toEqual([["authentication", "cb1"]]);
    expect(findings[0].problem).toBe("the secret is not the same on every XMPP node (groups: cb1 | cb2, cb3)");
    expect(JSON.stringify(findings)).not.toContain(SECRETS.cb3);
  });

  it("reports disagreement on the leader and a missing member", () => {
    const facts = convergedLab();
    facts.cb2.cluster.leader = "10.106.81.31:5222";
    facts.cb3.cluster = { state: undefined, peers: [], leader: undefined, duplicates: [] };
    const findings = verifyClusterFacts(expected, facts);
    expect(findings.map((f) => `${f.scenario} ${f.subject}`)).toEqual(["membership cb3", "quorum cluster"]);
  });

  it("maps Call Bridge statuses to the seeds' scenarios", () => {
    expect(verifyCallBridgeStatus("cb1", "connected")).toBeUndefined();
    expect(verifyCallBridgeStatus("cb1", undefined)).toBeUndefined();
    expect(verifyCallBridgeStatus("cb1", "authentication failure")?.scenario).toBe("authentication");
    expect(verifyCallBridgeStatus("cb1", "dns error")?.scenario).toBe("dns");
    expect(verifyCallBridgeStatus("cb1", "disconnected")?.problem).toBe('is not connected to XMPP: "disconnected"');
  });
});

describe("Call Bridge status from the CMS API", () => {
  it("reads a nested status element, a flat one, or nothing", async () => {
    const { xmppStatusFromXml } = await import("../components/callbridge/api-client");
    expect(
      xmppStatusFromXml(
        "<status><xmppConnection><status>authentication failure</status><server>127.0.0.1:5223</server></xmppConnection></status>",
      ),
    ).toBe("authentication failure");
    expect(xmppStatusFromXml("<status><xmppStatus>connected</xmppStatus></status>")).toBe("connected");
    expect(xmppStatusFromXml("<status><uptimeSeconds>5</uptimeSeconds></status>")).toBeUndefined();
  });
});
