import { describe, expect, it } from "vitest";
import { factsToReread } from "../src/core/fact-dependencies";
import type { FactKey } from "../src/core/facts";
import type { ClusterPlan, Phase } from "../src/core/plan";
import type { Step } from "../src/core/steps";

const ALL: FactKey[] = ["version", "xmpp", "callBridges", "cluster"];

function plan(steps: Step[], extra: Partial<ClusterPlan> = {}): ClusterPlan {
  const phase: Phase = {
    name: "configure",
    mode: "parallel",
    units: steps.map((s) => ({ node: s.node, steps: [s], settle: false })),
  };
  return {
    founder: "cb1",
    initialize: false,
    secretSources: {},
    phases: steps.length > 0 ? [phase] : [],
    unreachable: {},
    notices: [],
    ...extra,
  };
}

const recalledEverywhere = { cb1: ALL, cb2: ALL, cb3: ALL };

describe("factsToReread", () => {
  it("asks nothing again for a plan with no steps", () => {
    expect(factsToReread(plan([]), recalledEverywhere)).toEqual({});
  });

  it("rereads a restarted node's XMPP and cluster state, and nothing on the others", () => {
    const steps: Step[] = [
      { node: "cb2", op: "disable" },
      { node: "cb2", op: "enable" },
    ];
    expect(factsToReread(plan(steps), recalledEverywhere)).toEqual({ cb2: ["xmpp", "cluster"] });
  });

  it("rereads only the Call Bridge list for a Call Bridge step, and the list a secret is copied from", () => {
    const steps: Step[] = [
      { node: "cb3", op: "addSecret", bridge: "cb_x" },
      { node: "cb1", op: "delBridge", bridge: "cb_old" },
    ];
    expect(factsToReread(plan(steps, { secretSources: { cb_x: "cb2" } }), recalledEverywhere)).toEqual({
      cb3: ["callBridges"],
      cb2: ["callBridges"],
      cb1: ["callBridges"],
    });
  });

  it("rereads the founder's state when a node joins it, besides the joiner's own", () => {
    const steps: Step[] = [{ node: "cb3", op: "join", founder: "10.0.0.1" }];
    expect(factsToReread(plan(steps), recalledEverywhere)).toEqual({
      cb3: ["xmpp", "cluster"],
      cb1: ["xmpp", "cluster"],
    });
  });

  it("a settings step and a Call Bridge step on one node reread the three facts they act on, never the version", () => {
    const steps: Step[] = [
      { node: "cb1", op: "setTrust", bundle: "t.cer" },
      { node: "cb1", op: "addBridge", bridge: "cb_y" },
    ];
    expect(factsToReread(plan(steps), recalledEverywhere)).toEqual({ cb1: ["xmpp", "callBridges", "cluster"] });
  });

  it("rereads nothing that was read just now rather than remembered", () => {
    const steps: Step[] = [
      { node: "cb2", op: "disable" },
      { node: "cb3", op: "addSecret", bridge: "cb_x" },
    ];
    const recalled = { cb1: [], cb2: ["cluster"] as FactKey[], cb3: ["version", "xmpp"] as FactKey[] };
    expect(factsToReread(plan(steps, { secretSources: { cb_x: "cb1" } }), recalled)).toEqual({ cb2: ["cluster"] });
  });

  it("covers a leaver's steps and a member's peer removal like any other node's", () => {
    const steps: Step[] = [
      { node: "cb4", op: "clusterDisable" },
      { node: "cb1", op: "removePeer", peer: "10.0.0.4:5222", of: "cb4" },
      { node: "cb4", op: "reset" },
    ];
    expect(factsToReread(plan(steps), { ...recalledEverywhere, cb4: ALL })).toEqual({
      cb4: ["xmpp", "cluster"],
      cb1: ["xmpp", "cluster"],
    });
  });
});
