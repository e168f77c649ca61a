// A cluster create or update that fails part way is recorded (dynamic provider init error: `id` and `properties` on
// the error), so the next `up` updates from what the nodes show and `destroy` resets them; one that changed nothing is
// not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { XmppClusterOutputs } from "../src/resources/cluster/xmpp-cluster.provider";
import * as cluster from "../src/resources/cluster/xmpp-cluster.provider";
import { setProviderConfig } from "../src/resources/dynamic/provider-config";
import { clusterInputs, PASSWORD_KEY } from "./support/cluster-inputs";
import { type SimLab, startSimLab } from "./support/sim-lab";

let lab: SimLab;

const inputs = (overrides: Parameters<typeof clusterInputs>[1] = {}) => clusterInputs(lab, overrides);

async function failure(promise: Promise<unknown>): Promise<Error & { id?: string; properties?: unknown }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  lab = await startSimLab();
  setProviderConfig({ get: (key) => (key === PASSWORD_KEY ? "admin" : undefined) });
});
afterAll(async () => {
  await lab?.sim.stop();
});

describe("XmppCluster create that fails", () => {
  it("before any step is not recorded (no id on the error)", async () => {
    lab.sim.node("cb3").faults.refuseConnections = true;
    const error = await failure(cluster.create(inputs()));
    lab.sim.node("cb3").faults.refuseConnections = false;
    expect(error.message).toMatch(/^\[cb3\] gather facts: cannot be reached over SSH/);
    expect(error.id).toBeUndefined();
    expect(error.properties).toBeUndefined();
  });

  it("after a step changed a node is recorded with its id and inputs", async () => {
    lab.sim.node("cb2").faults.dropAtCommand = { command: "xmpp listen a", when: "after" };
    const error = await failure(cluster.create(inputs()));
    lab.sim.node("cb2").faults.dropAtCommand = null;
    expect(error.message).toBe(
      "[cb2] `xmpp listen a`: the node closed the MMP session\n  output:\n    xmpp listen a\n  next: fix the cause on the node or in the stack config, then run `pulumi up` again; finished steps are not repeated",
    );
    expect(error.id).toBe(`xmpp-cluster-${lab.domain}`);
    expect(error.properties).toEqual({ ...inputs(), plan: {} });
    expect((error as { reasons?: string[] }).reasons).toEqual([error.message]);
  });
});

describe("XmppCluster update that fails", () => {
  let olds: XmppClusterOutputs;
  beforeAll(async () => {
    olds = (await cluster.create(inputs())).outs as XmppClusterOutputs;
  });

  it("before any step is not recorded: the state stays as it was", async () => {
    await lab.sim.node("cb2").stop();
    const error = await failure(
      cluster.update(olds.domain, olds, inputs({ callBridges: ["cb1", "cb2", "cb3", "cb4"] })),
    );
    await lab.sim.node("cb2").start();
    expect(error.message).toMatch(/^\[cb2\] gather facts: cannot be reached over SSH/);
    expect(error.id).toBeUndefined();
    expect(error.properties).toBeUndefined();
  });

  it("after a step changed a node records the new inputs and keeps what the nodes showed before", async () => {
    // cb3 leaves; its `xmpp cluster disable` fails, so the node that was to leave must stay recorded.
    const news = inputs({ nodes: inputs().nodes.slice(0, 2), callBridges: ["cb1", "cb2"], confirmNodeRemoval: true });
    lab.sim.node("cb3").faults.dropAtCommand = { command: "xmpp cluster disable", when: "before" };
    const error = await failure(cluster.update(olds.domain, olds, news));
    lab.sim.node("cb3").faults.dropAtCommand = null;
    expect(error.message.split("\n")[0]).toBe("[cb3] `xmpp cluster disable`: the node closed the MMP session");
    expect(error.id).toBe(olds.domain);
    expect(error.properties).toEqual({
      ...olds,
      ...news,
      nodes: [...news.nodes, olds.nodes[2]],
      plan: {},
    });
  });
});
