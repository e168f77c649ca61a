import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TECHNOTE_LAYOUT } from "../sim";
import { withMmpSession } from "../src/clients/mmp/session";
import { parseCallBridgeList } from "../src/core/parsers/callbridge-list";
import { parseClusterStatus } from "../src/core/parsers/cluster-status";
import { applyCluster } from "../src/engine/apply";
import { mutating, type SimLab, startSimLab } from "./support/sim-lab";

/** Nodes where one `xmpp cluster remove` drops only one entry of a duplicated peer. */
describe("removing a peer listed twice, one entry per remove", () => {
  let lab: SimLab;
  const op = () => ({ intent: lab.intent, targets: lab.targets, leavers: [], settleTimeoutMs: 10_000 });
  const peersOf = async (i: number) =>
    parseClusterStatus(await withMmpSession(lab.targets[i], (s) => s.run("xmpp cluster status")));

  beforeAll(async () => {
    lab = await startSimLab(5, { ...TECHNOTE_LAYOUT, clusterRemoveDropsAllEntries: false });
    await applyCluster(op());
  });
  afterAll(async () => {
    await lab?.sim.stop();
  });

  it("repeats `xmpp cluster remove` until a reset node listed twice is no longer listed, then joins it once", async () => {
    // Five nodes, so the two stale entries of cb5 still leave a majority (4 of 6) up.
    const cb5 = lab.sim.nodes[4].host;
    const list = await withMmpSession(lab.targets[0], (s) => s.run("xmpp callbridge list", { sensitiveOutput: true }));
    // CSCvi67717 by hand: reset while a member and join again, then reset once more.
    await withMmpSession(lab.targets[4], async (s) => {
      await s.run("xmpp reset");
      for (const c of ["xmpp domain tptac9.com", "xmpp listen a", "xmpp certs xmpp.key xmpp.cer xmpp-ca.cer"]) {
        await s.run(c);
      }
      await s.run("xmpp cluster trust xmpp.cer");
      for (const e of parseCallBridgeList(list)) {
        await s.run(`xmpp callbridge add-secret ${e.name}`, { secretAnswers: [e.secret as string] });
      }
      for (const c of [
        "xmpp disable",
        "xmpp cluster enable",
        "xmpp enable",
        `xmpp cluster join ${lab.sim.nodes[0].host}`,
      ]) {
        await s.run(c);
      }
      await s.run("xmpp reset");
    });
    expect((await peersOf(0)).peers.filter((p) => p.address === cb5)).toHaveLength(2);
    for (const n of lab.sim.nodes) n.clearTranscript();
    await applyCluster(op());
    expect(mutating(lab.sim, "cb1")).toEqual([`xmpp cluster remove ${cb5}:5222`, `xmpp cluster remove ${cb5}:5222`]);
    expect(mutating(lab.sim, "cb5").slice(-1)).toEqual([`xmpp cluster join ${lab.sim.nodes[0].host}`]);
    for (const i of [0, 1, 2, 3, 4]) {
      const status = await peersOf(i);
      expect(status.duplicates).toEqual([]);
      expect(status.peers.map((p) => p.address).sort()).toEqual(lab.sim.nodes.map((n) => n.host).sort());
    }
  });
});
