import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, type SimNode, startSimCluster } from "../sim";
import { eventually, loopbackSubnet, threeNodes } from "./sim-support/loopback-net";
import { MmpClient, withMmp } from "./sim-support/mmp-client";
import { buildXmppCluster, configureXmpp, uploadSharedCertificate } from "./sim-support/xmpp-procedure";

const ELECTION_MS = 200;

const status = (node: SimNode): Promise<string> => withMmp(node, (mmp) => mmp.run("xmpp cluster status"));
const peerLines = (text: string): string[] => {
  const lines = text.split("\n");
  return lines.slice(
    lines.indexOf("List of peers") + 1,
    lines.findIndex((line) => line.startsWith("Last state change")),
  );
};

/** Keepalives, strict-majority election, clean leave, and defect CSCvi67717. */
describe("XMPP cluster membership and leader election", () => {
  const subnet = loopbackSubnet();
  const addr = (n: number) => `${subnet}.${n}:5222`;
  let cluster: SimCluster;
  const leader = () => cluster.nodes.find((node) => node.state().cluster.state === "LEADER");

  beforeAll(async () => {
    cluster = await startSimCluster({ nodes: threeNodes(subnet), keepaliveMs: 50, electionTimeoutMs: ELECTION_MS });
    await uploadSharedCertificate(cluster.nodes);
    await buildXmppCluster(cluster);
    await eventually(() => cluster.nodes.every((node) => node.state().cluster.leader !== null));
  });
  afterAll(() => cluster?.stop());

  it("elects a new leader within a bounded time when the leader stops", async () => {
    const old = leader() as SimNode;
    const stoppedAt = Date.now();
    await old.stop();
    const successor = await eventually(() =>
      cluster.nodes.find((node) => node !== old && node.state().cluster.state === "LEADER"),
    );
    expect(Date.now() - stoppedAt).toBeLessThan(10 * ELECTION_MS);
    const text = await status(successor);
    expect(text.startsWith("State: LEADER\nList of peers\n")).toBe(true);
    expect(peerLines(text)).toContain(`${successor.host}:5222 (Leader)`);
    expect(peerLines(text)).toContain(`${old.host}:5222`);
    await old.start();
    await eventually(() => old.state().cluster.state === "FOLLOWER");
    expect(peerLines(await status(old))).toContain(`${successor.host}:5222 (Leader)`);
  });

  it("has no leader without a majority, and recovers when a majority is back", async () => {
    const [survivor, ...others] = cluster.nodes;
    await Promise.all(others.map((node) => node.stop()));
    await eventually(() => survivor.state().cluster.state === "CANDIDATE", 10 * ELECTION_MS);
    const text = await status(survivor);
    expect(text.split("\n").slice(0, 5)).toEqual(["State: CANDIDATE", "List of peers", addr(1), addr(2), addr(3)]);
    await others[0].start();
    await eventually(() => cluster.nodes.some((node) => node.state().cluster.state === "LEADER"));
    await others[1].start();
    await eventually(() => cluster.nodes.every((node) => node.state().cluster.leader !== null));
  });

  it("reproduces CSCvi67717: xmpp reset without leaving, then re-join, leaves a duplicate peer", async () => {
    const cb3 = cluster.node("cb3");
    const mmp = await MmpClient.connect(cb3);
    expect(await mmp.run("xmpp reset")).toBe("");
    expect(cb3.state().xmpp.callbridges).toEqual([]);
    await configureXmpp(mmp);
    for (const command of ["xmpp cluster enable", "xmpp enable", `xmpp cluster join ${subnet}.1`])
      await mmp.run(command);
    mmp.close();
    await eventually(async () => peerLines(await status(cluster.node("cb1"))).length === 4);
    const text = await status(cluster.node("cb1"));
    expect(peerLines(text).map((line) => line.replace(" (Leader)", ""))).toEqual([addr(1), addr(2), addr(3), addr(3)]);
    expect(cluster.node("cb2").state().cluster.peers).toEqual([addr(1), addr(2), addr(3), addr(3)]);
  });

  it("xmpp cluster remove <peer> on a remaining member drops every entry of that peer", async () => {
    const output = await withMmp(cluster.node("cb1"), (mmp) => mmp.run(`xmpp cluster remove ${addr(3)}`));
    expect(output).toBe("SUCCESS: 2 peer entries removed");
    await eventually(() => cluster.node("cb2").state().cluster.peers.length === 2);
    await eventually(() => cluster.node("cb3").state().cluster.state === "UNINITIALIZED");
    const rejoin = await withMmp(cluster.node("cb3"), (mmp) => mmp.run(`xmpp cluster join ${subnet}.2`));
    expect(rejoin).toBe(`SUCCESS: Joined XMPP cluster at ${subnet}.2:5222`);
    await eventually(() => cluster.nodes.every((node) => node.state().cluster.peers.length === 3));
    for (const node of cluster.nodes) expect(new Set(node.state().cluster.peers).size).toBe(3);
  });

  it("a clean leave (xmpp cluster disable) removes the node everywhere, so reset + re-join makes no duplicate", async () => {
    const cb2 = cluster.node("cb2");
    const mmp = await MmpClient.connect(cb2);
    expect(await mmp.run("xmpp cluster disable")).toBe("SUCCESS: XMPP cluster disabled");
    await eventually(() => ["cb1", "cb3"].every((name) => cluster.node(name).state().cluster.peers.length === 2));
    expect(cluster.node("cb1").state().cluster.peers).not.toContain(addr(2));
    expect((await mmp.run("xmpp cluster status")).split("\n").slice(0, 2)).toEqual([
      "State: DISABLED",
      "List of peers",
    ]);
    await mmp.run("xmpp reset");
    await configureXmpp(mmp);
    for (const command of ["xmpp cluster enable", "xmpp enable", `xmpp cluster join ${subnet}.1`])
      await mmp.run(command);
    mmp.close();
    await eventually(() => cluster.nodes.every((node) => node.state().cluster.peers.length === 3));
    expect(
      cluster
        .node("cb1")
        .state()
        .cluster.peers.filter((peer) => peer === addr(2)),
    ).toHaveLength(1);
  });

  it("the leader leaving hands over: the other two elect a new leader without it", async () => {
    await eventually(() => cluster.nodes.every((node) => node.state().cluster.leader !== null));
    const old = leader() as SimNode;
    const output = await withMmp(old, (mmp) => mmp.run("xmpp cluster disable"));
    expect(output).toBe("SUCCESS: XMPP cluster disabled");
    const rest = cluster.nodes.filter((node) => node !== old);
    await eventually(() => rest.some((node) => node.state().cluster.state === "LEADER"));
    for (const node of rest) {
      await eventually(() => node.state().cluster.leader !== null);
      expect([...node.state().cluster.peers].sort()).toEqual(rest.map((other) => `${other.host}:5222`).sort());
    }
  });
});
