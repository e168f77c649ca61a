// A cluster create that fails part way is recorded (dynamic provider init error: `id` and `properties` on the
// error), so the next `up` updates from what the nodes show and `destroy` resets them; one that changed nothing is not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { XmppClusterInputs } from "../src/resources/cluster/xmpp-cluster.provider";
import * as cluster from "../src/resources/cluster/xmpp-cluster.provider";
import { setProviderConfig } from "../src/resources/dynamic/provider-config";
import { type SimLab, startSimLab } from "./support/sim-lab";

const PASSWORD_KEY = "cms-xmpp-resiliency:mmpPassword";
let lab: SimLab;

function inputs(): XmppClusterInputs {
  return {
    domain: lab.domain,
    initializer: "cb1",
    listen: ["a"],
    callBridges: ["cb1", "cb2", "cb3"],
    nodes: lab.sim.nodes.map((n) => ({
      name: n.name,
      xmppAddress: n.host,
      mmp: {
        node: n.name,
        host: n.host,
        port: n.sshPort,
        username: "admin",
        passwordKey: PASSWORD_KEY,
        hostKeyFingerprint: n.hostKeyFingerprint,
        trustOnFirstUse: false,
        timeoutSeconds: 3,
      },
      keyFile: "xmpp.key",
      certFile: "xmpp.cer",
      bundleFile: "xmpp-ca.cer",
      trustBundle: "xmpp.cer",
    })),
    confirmNodeRemoval: false,
    retainOnDelete: false,
    settleSeconds: 10,
  };
}

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
