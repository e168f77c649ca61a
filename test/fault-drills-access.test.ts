// Fault drills through the real engine: a node down in the middle of `up`, a stalled mutating step (timeout), a
// wrong SSH password, a host-key mismatch and the CMS API answering 500 on the Call Bridge PUT. Each failed `up`
// gives one error naming the node, the step and what to do; once the fault is cleared the next `up` runs only what
// was not done and converges with verification green.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SimCluster, startSimCluster, TECHNOTE_LAYOUT } from "../sim";
import { clusterStackConfig, SIM_API_PASSWORD, SIM_PASSWORD, SIM_USERS } from "./support/cluster-stack";
import { drillTools, joinSteps, NEXT_UP, named, SECRETS, SETUP } from "./support/drill-stack";
import { dispose, engineOrSkipReason, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";
import { leakedSecrets } from "./support/secrets";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`fault drills skipped: ${engine.skip}`);
vi.setConfig({ testTimeout: 300_000 });

const CLUSTER_KEY = "cms-xmpp-resiliency:cluster";

describe.skipIf("skip" in engine)("fault drills: node down, stall, password, host key, API 500", () => {
  let sim: SimCluster;
  let stack: Stack;
  const output: string[] = [];
  const { onOutput, clear, ran, failedUp, diagnosticErrors, recordedCluster, bridgeSecrets, converges } = drillTools(
    () => ({ sim, stack }),
    output,
  );
  const config = () => clusterStackConfig(sim, { mmp: { timeoutSeconds: 3 } });
  const apiPuts = () =>
    Object.fromEntries(
      sim.nodes.map((n) => [n.name, n.transcript.map((e) => e.command).filter((c) => c.startsWith("API PUT"))]),
    );

  const EXIT_1 = "stderr: Command failed with exit code 1: ";
  const JOIN = () => joinSteps(sim);
  const NOTHING = { cb1: [], cb2: [], cb3: [] };
  const put = (node: string) =>
    `API PUT /api/v1/system/configuration/xmpp uniqueName=${node}&domain=tptac9.com&serverAddress=${sim.node(node).host}:5223&sharedSecret=********`;

  beforeAll(async () => {
    const prefix = randomLoopbackPrefix();
    sim = await startSimCluster({
      nodes: [1, 2, 3].map((i) => ({
        name: `cb${i}`,
        host: `${prefix}.${i}`,
        behaviour: TECHNOTE_LAYOUT,
        // Each node its own accounts, so that one node's password can change.
        users: SIM_USERS.users.map((u) => ({ ...u })),
        apiUsers: SIM_USERS.apiUsers.map((u) => ({ ...u })),
      })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    stack = await testStack({ workDir: ".", config: config() });
  }, 120_000);

  afterAll(async () => {
    try {
      await dispose(stack);
    } finally {
      await sim?.stop();
    }
  });

  it("cb3 powers off in the middle of up: the next up finishes cb3 and runs nothing else again", async () => {
    clear();
    const cb3 = sim.node("cb3");
    cb3.faults.stallCommand = "xmpp callbridge add-secret cb1";
    const failed = failedUp();
    const deadline = Date.now() + 60_000;
    while (!cb3.transcript.some((e) => e.command.startsWith("xmpp cluster trust "))) {
      if (Date.now() > deadline) throw new Error("cb3 never reached its secrets");
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    await cb3.stop();
    const error = await failed;
    cb3.faults.stallCommand = null;
    await cb3.start();
    const downError = "[cb3] `xmpp callbridge add-secret cb1`: the node closed the MMP session";
    expect(error).toContain(EXIT_1);
    expect(diagnosticErrors(error)).toEqual([`error: ${downError}`]);
    expect(error).toContain(NEXT_UP);
    expect(await recordedCluster()).toEqual([[downError]]);
    expect(named(ran().cb3)).toEqual(SETUP);
    expect(named(ran().cb2)).toEqual([...SETUP, ...SECRETS]);
    clear();
    await converges();
    // cb2 had waited for cb3's secrets before joining; nothing cb1, cb2 or cb3 finished is run again.
    expect(ran()).toEqual({ cb1: [], cb2: JOIN(), cb3: [...SECRETS, ...JOIN()] });
    expect(await recordedCluster()).toEqual([[]]);
  });

  it("cb2's SSH password changed on the node: up stops before changing anything, then converges", async () => {
    clear();
    const account = sim.node("cb2").users[0];
    account.password = "Changed-On-Node-9x4";
    const error = await failedUp();
    account.password = SIM_PASSWORD;
    expect(error).toContain(EXIT_1);
    expect(diagnosticErrors(error)).toEqual([
      `error: [cb2] connect ${sim.node("cb2").host}:${sim.node("cb2").sshPort}: All configured authentication methods failed`,
    ]);
    expect(error).toContain("check the address, SSH port, username and password");
    expect(error).not.toContain("Changed-On-Node-9x4");
    expect(ran()).toEqual(NOTHING);
    expect(await recordedCluster()).toEqual([[]]);
    clear();
    await converges();
    expect(ran()).toEqual(NOTHING);
  });

  it("cb3 presents another host key than the pinned one: up stops before changing anything", async () => {
    clear();
    const body = JSON.parse(config()[CLUSTER_KEY].value);
    body.nodes[2].hostKeyFingerprint = sim.node("cb1").hostKeyFingerprint;
    await stack.setConfig(CLUSTER_KEY, { value: JSON.stringify(body) });
    const error = await failedUp();
    await stack.setConfig(CLUSTER_KEY, config()[CLUSTER_KEY]);
    expect(error).toContain(EXIT_1);
    expect(diagnosticErrors(error)).toEqual([
      `error: [cb3] connect ${sim.node("cb3").host}:${sim.node("cb3").sshPort}: host key mismatch: expected ${sim.node("cb1").hostKeyFingerprint}, the node presented ${sim.node("cb3").hostKeyFingerprint}`,
    ]);
    expect(ran()).toEqual(NOTHING);
    expect(await recordedCluster()).toEqual([[]]);
    clear();
    await converges();
    expect(ran()).toEqual(NOTHING);
  });

  it("the API answers 500 on cb2's Call Bridge PUT: the next up sends only that PUT", async () => {
    await stack.destroy({ onOutput });
    clear();
    sim.node("cb2").faults.apiPutFails = true;
    const error = await failedUp();
    sim.node("cb2").faults.apiPutFails = false;
    expect(error).toContain(EXIT_1);
    expect(diagnosticErrors(error)).toEqual(["error: [cb2] PUT /api/v1/system/configuration/xmpp: HTTP 500"]);
    expect(apiPuts()).toEqual({ cb1: [put("cb1")], cb2: [put("cb2")], cb3: [put("cb3")] });
    expect(await recordedCluster()).toEqual([[]]);
    clear();
    await converges();
    expect(ran()).toEqual(NOTHING);
    expect(apiPuts()).toEqual({ cb1: [], cb2: [put("cb2")], cb3: [] });
  });

  it("cb2 stalls on `xmpp cluster enable` past the timeout: the next up resumes there", async () => {
    await stack.destroy({ onOutput });
    clear();
    sim.node("cb2").faults.stallCommand = "xmpp cluster enable";
    const error = await failedUp();
    sim.node("cb2").faults.stallCommand = null;
    const stallError = "[cb2] `xmpp cluster enable`: timed out after 3000 ms";
    expect(error).toContain(EXIT_1);
    expect(diagnosticErrors(error)).toEqual([`error: ${stallError}`]);
    expect(error).toContain(NEXT_UP);
    expect(await recordedCluster()).toEqual([[stallError]]);
    expect(named(ran().cb2)).toEqual([...SETUP, ...SECRETS, "xmpp disable"]);
    expect(named(ran().cb3)).toEqual([...SETUP, ...SECRETS]);
    clear();
    await converges();
    // The join sequence starts again at its (idempotent) `xmpp disable`: the stalled `xmpp cluster enable` never ran.
    expect(ran()).toEqual({ cb1: [], cb2: JOIN(), cb3: JOIN() });
  });

  it("leaves no secret in any output, failed runs included", async () => {
    const secrets = [SIM_PASSWORD, SIM_API_PASSWORD, ...(await bridgeSecrets())];
    expect(secrets).toHaveLength(5);
    expect(await leakedSecrets({ stack, output, secrets })).toEqual([]);
  });
});
