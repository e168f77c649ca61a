import { describe, expect, it } from "vitest";
import { decideHostKey, sshFingerprint } from "../src/clients/mmp/host-key";
import { cleanOutput, failureLine, redact } from "../src/core/mmp-output";
import { removalProblems } from "../src/resources/cluster/xmpp-cluster.provider";

describe("MMP output", () => {
  it("strips the echoed command, CRs and ANSI codes", () => {
    expect(cleanOutput("xmpp enable\r\n\x1b[0mSUCCESS: XMPP server enabled\r\n", "xmpp enable")).toBe(
      "SUCCESS: XMPP server enabled",
    );
  });

  it("finds FAILURE lines and unknown commands", () => {
    expect(failureLine("SUCCESS: Domain configured\nFAILURE: Key and certificate pair do not match")).toBe(
      "FAILURE: Key and certificate pair do not match",
    );
    expect(failureLine("Unknown command: xmpp")).toBe("Unknown command: xmpp");
    expect(failureLine("SUCCESS: XMPP server enabled")).toBeUndefined();
  });

  it("redacts every secret, longest first", () => {
    expect(redact("a kvgP1SRzWVabhiPVAb1 b kvgP1", ["kvgP1", "kvgP1SRzWVabhiPVAb1"])).toBe("a <redacted> b <redacted>");
  });
});

describe("host key pinning", () => {
  it("computes OpenSSH SHA256 fingerprints", () => {
    expect(sshFingerprint(Buffer.from("abc"))).toBe("SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0");
  });

  it("refuses a mismatch and an unpinned key unless trust-on-first-use is asked for", () => {
    expect(decideHostKey("SHA256:a", "SHA256:a", false)).toEqual({ accept: true });
    expect(decideHostKey("SHA256:b", "SHA256:a", true)).toMatchObject({
      accept: false,
      reason: expect.stringMatching(/mismatch/),
    });
    expect(decideHostKey("SHA256:b", undefined, false)).toMatchObject({
      accept: false,
      hint: expect.stringContaining('hostKeyFingerprint: "SHA256:b"'),
    });
    expect(decideHostKey("SHA256:b", undefined, true)).toEqual({ accept: true });
  });
});

describe("node removal guard", () => {
  const node = (name: string, xmppAddress: string) => ({ name, xmppAddress }) as never;
  const olds = {
    domain: "tptac9.com",
    leader: "10.0.0.1:5222",
    nodes: [node("cb1", "10.0.0.1"), node("cb2", "10.0.0.2"), node("cb3", "10.0.0.3"), node("cb4", "10.0.0.4")],
  };
  const news = (names: string[], confirm = false, domain = "tptac9.com") =>
    ({
      domain,
      confirmNodeRemoval: confirm,
      nodes: olds.nodes.filter((n: { name: string }) => names.includes(n.name)),
    }) as never;

  it("allows removing one follower", () => {
    expect(removalProblems(olds, news(["cb1", "cb2", "cb3"]))).toEqual([]);
  });

  it("needs confirmation to remove two nodes, the leader, or change the domain", () => {
    expect(removalProblems(olds, news(["cb1", "cb2"]))[0]).toMatch(/removes 2 nodes \(cb3, cb4\) at once/);
    expect(removalProblems(olds, news(["cb2", "cb3", "cb4"]))).toEqual([
      "this change removes cb1, the current XMPP leader; set confirmNodeRemoval: true to proceed",
    ]);
    expect(removalProblems(olds, news(["cb1", "cb2", "cb3", "cb4"], false, "example.com"))[0]).toMatch(
      /rebuilds the cluster/,
    );
    expect(removalProblems(olds, news(["cb2"], true))).toEqual([]);
  });
});
