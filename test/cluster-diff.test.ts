// XmppCluster's diff: a plan is pending only when this run's check made it (preview/up), and on a refresh it is
// the plan the read just made, not the one stored with the inputs of the last apply.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  provider,
  type XmppClusterInputs,
  type XmppClusterOutputs,
} from "../src/resources/cluster/xmpp-cluster.provider";
import { setProviderConfig } from "../src/resources/dynamic/provider-config";
import { clusterInputs, PASSWORD_KEY } from "./support/cluster-inputs";
import { type SimLab, startSimLab } from "./support/sim-lab";

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

describe("XmppCluster check on a converged cluster", () => {
  let lab: SimLab;
  const check = provider.check as NonNullable<typeof provider.check>;
  const diff = provider.diff as NonNullable<typeof provider.diff>;
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  beforeAll(async () => {
    lab = await startSimLab();
    setProviderConfig({ get: (key) => (key === PASSWORD_KEY ? "admin" : undefined) });
  });
  afterAll(async () => {
    await lab?.sim.stop();
  });

  it("a check with work to do gets a new id", async () => {
    const stored = { ...clusterInputs(lab), plan: {}, checkId: "stored" };
    const checked = (await check(stored, clusterInputs(lab))).inputs as XmppClusterInputs;
    expect(Object.keys(checked.plan ?? {})).toEqual(["cb1", "cb2", "cb3"]);
    expect(checked.checkId).toMatch(UUID);
    await provider.create(clusterInputs(lab));
  });

  it("keeps the stored id, so a no-op up stores the inputs it found", async () => {
    const stored = { ...clusterInputs(lab), plan: {}, checkId: "stored" };
    const checked = (await check(stored, clusterInputs(lab))).inputs as XmppClusterInputs;
    expect(checked).toEqual(stored);
  });

  it("its diff is clean even where the last refresh recorded drift since put right by hand", async () => {
    const stored = { ...clusterInputs(lab), plan: {}, checkId: "kept-after-refresh" };
    const refreshed = {
      ...outputs({ cb2: ["xmpp enable"] }, "kept-after-refresh"),
      ...stored,
      plan: { cb2: ["xmpp enable"] },
    };
    const checked = (await check(stored, clusterInputs(lab))).inputs as XmppClusterInputs;
    expect(checked.checkId).toBe("kept-after-refresh");
    expect(await diff("id", refreshed, checked)).toEqual({ changes: false });
    // The same inputs, never checked in this process, are what a refresh's diff gets: the read's plan is pending.
    const storedElsewhere = { ...checked, checkId: "never-checked-here" };
    expect(await diff("id", { ...refreshed, checkId: "never-checked-here" }, storedElsewhere)).toEqual({
      changes: true,
    });
  });
});
