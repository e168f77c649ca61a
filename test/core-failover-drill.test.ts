import { describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../src/core/config";
import {
  agreedLeader,
  bridgesPinnedTo,
  drillSummary,
  liveNodes,
  noMajorityToSpare,
  spareAfterLosing,
  timelineLine,
} from "../src/core/failover-drill";
import { parseClusterStatus } from "../src/core/parsers/cluster-status";

const cluster = clusterConfigSchema.parse({
  domain: "tptac9.com",
  nodes: [1, 2, 3].map((i) => ({ name: `cb${i}`, address: `10.0.0.${i}`, fqdn: `cb${i}.tptac9.com` })),
  callBridges: [
    { name: "cb1", apiUrl: "https://10.0.0.1:445", serverAddress: "cb1.tptac9.com:5223" },
    { name: "cb2", apiUrl: "https://10.0.0.2:445", serverAddress: "10.0.0.1" },
    { name: "cb3", apiUrl: "https://10.0.0.3:445" },
    { name: "cb4", serverAddress: "10.0.0.1:5223" },
  ],
});

const status = (state: string, leader?: string) =>
  parseClusterStatus(
    `State: ${state}\nList of peers\n${[1, 2, 3].map((i) => `10.0.0.${i}:5222${leader === `10.0.0.${i}` ? " (Leader)" : ""}`).join("\n")}\n`,
  );

describe("failover drill, pure parts", () => {
  it("agrees on a leader only when every node is LEADER/FOLLOWER and names the same one", () => {
    const agreed = { cb1: status("LEADER", "10.0.0.1"), cb2: status("FOLLOWER", "10.0.0.1") };
    expect(agreedLeader(cluster, agreed)).toBe("cb1");
    expect(agreedLeader(cluster, { ...agreed, cb3: status("CANDIDATE") })).toBeUndefined();
    expect(agreedLeader(cluster, { ...agreed, cb3: status("LEADER", "10.0.0.3") })).toBeUndefined();
    expect(agreedLeader(cluster, { ...agreed, cb3: undefined })).toBeUndefined();
  });

  it("needs a strict majority of all nodes left without the leader", () => {
    const statuses = { cb3: status("FOLLOWER", "10.0.0.1"), cb1: status("LEADER", "10.0.0.1"), cb2: undefined };
    const live = liveNodes(cluster, statuses);
    expect(live).toEqual(["cb1", "cb3"]);
    expect(noMajorityToSpare(cluster, spareAfterLosing(cluster, live, "cb1"), "cb1")).toBe(
      "no majority to spare: 2 of 3 nodes are LEADER or FOLLOWER (cb1, cb3); without the leader cb1 1 would be left, and electing a new leader needs 2",
    );
    const all = ["cb1", "cb2", "cb3"];
    expect(noMajorityToSpare(cluster, spareAfterLosing(cluster, all, "cb1"), "cb1")).toBeUndefined();
    expect(noMajorityToSpare(cluster, spareAfterLosing(cluster, [], ""), undefined)).toBe(
      "no agreed leader to disable: 0 of 3 nodes are LEADER or FOLLOWER (none)",
    );
  });

  it("names the Call Bridges with an API pinned to the node by address or FQDN", () => {
    expect(bridgesPinnedTo(cluster, "cb1")).toEqual(["cb1", "cb2"]);
    expect(bridgesPinnedTo(cluster, "cb2")).toEqual([]);
  });

  it("formats the timeline and its summary", () => {
    expect(timelineLine(0, "cb1 disabled (xmpp disable)")).toBe("   +0.0 s  cb1 disabled (xmpp disable)");
    expect(timelineLine(12_345, "x")).toBe("  +12.3 s  x");
    expect(drillSummary({ newLeaderMs: 1200, bridgesMs: 2500, wholeMs: 4000 }, true)).toBe(
      "timeline: new leader after 1.2 s, every Call Bridge connected after 2.5 s, cluster whole after 4.0 s",
    );
    expect(drillSummary({ newLeaderMs: 1200, wholeMs: 4000 }, false)).toBe(
      "timeline: new leader after 1.2 s, cluster whole after 4.0 s",
    );
  });
});
