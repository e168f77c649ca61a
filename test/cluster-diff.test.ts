// XmppCluster's diff: a plan is pending only when this run's check made it (preview/up), and on a refresh it is
// the plan the read just made, not the one stored with the inputs of the last apply.
import { describe, expect, it } from "vitest";
import {
  provider,
  type XmppClusterInputs,
  type XmppClusterOutputs,
} from "../src/resources/cluster/xmpp-cluster.provider";

const inputs = {
  domain: "tptac9.com",
  initializer: "cb1",
  listen: ["a"],
  callBridges: ["cb1"],
  nodes: [],
  confirmNodeRemoval: false,
  retainOnDelete: false,
  settleSeconds: 30,
} as unknown as XmppClusterInputs;
const built = { cb1: ["xmpp domain tptac9.com"] };
const outputs = (plan: Record<string, string[]>, checkId: string): XmppClusterOutputs =>
  ({
    ...inputs,
    plan,
    checkId,
    leader: "",
    nodeStates: {},
    secrets: {},
    members: [],
    notices: [],
  }) as XmppClusterOutputs;

describe("XmppCluster diff", () => {
  const diff = provider.diff as NonNullable<typeof provider.diff>;

  it("up/preview: a new check's plan is pending; an empty one is not", async () => {
    expect(await diff("id", outputs({}, "check-1"), { ...inputs, plan: built, checkId: "check-2" })).toEqual({
      changes: true,
    });
    expect(await diff("id", outputs({}, "check-1"), { ...inputs, plan: {}, checkId: "check-2" })).toEqual({
      changes: false,
    });
  });

  it("refresh of a converged cluster: the stored inputs' old plan is done, not pending", async () => {
    expect(await diff("id", outputs({}, "check-1"), { ...inputs, plan: built, checkId: "check-1" })).toEqual({
      changes: false,
    });
  });

  it("refresh that found drift: the read's plan is pending", async () => {
    const drift = { cb2: ["xmpp enable"] };
    expect(await diff("id", outputs(drift, "check-1"), { ...inputs, plan: built, checkId: "check-1" })).toEqual({
      changes: true,
    });
  });

  it("stacks from before checkId: the read's plan decides", async () => {
    const old = { ...outputs({}, "x"), checkId: undefined };
    expect(await diff("id", old, { ...inputs, plan: built })).toEqual({ changes: false });
  });

  it("a changed domain replaces the cluster, deleting first", async () => {
    expect(await diff("id", outputs({}, "c"), { ...inputs, domain: "other.com", checkId: "d" })).toEqual({
      changes: true,
      replaces: ["domain"],
      deleteBeforeReplace: true,
    });
  });
});
