import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster } from "../sim";
import { withMmpSession } from "../src/clients/mmp/session";
import type { XmppClusterInputs } from "../src/resources/cluster/xmpp-cluster.provider";
import * as cluster from "../src/resources/cluster/xmpp-cluster.provider";
import { setProviderConfig } from "../src/resources/dynamic/provider-config";
import { clusterInputs, PASSWORD_KEY } from "./support/cluster-inputs";
import { randomLoopbackPrefix } from "./support/loopback";
import { mutating, type SimLab, startSimLab } from "./support/sim-lab";

let lab: SimLab;
let config: Record<string, string>;

const inputs = (overrides: Partial<XmppClusterInputs> = {}) => clusterInputs(lab, overrides);

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  lab = await startSimLab();
  config = { [PASSWORD_KEY]: "admin" };
  setProviderConfig({ get: (key) => config[key] });
});
afterEach(() => {
  config = { [PASSWORD_KEY]: "admin" };
  for (const n of lab.sim.nodes) {
    n.faults.stallCommand = null;
    n.faults.dropAfterCommands = null;
  }
});
afterAll(async () => {
  await lab?.sim.stop();
});

describe("XmppCluster provider: preview and errors", () => {
  it("check plans every node's commands for preview, changing nothing", async () => {
    const result = await cluster.check({}, inputs());
    expect(result.inputs?.plan?.cb1.slice(-4)).toEqual([
      "xmpp disable",
      "xmpp cluster enable",
      "xmpp cluster initialize",
      "xmpp enable",
    ]);
    expect(result.inputs?.plan?.cb2).toContain("xmpp callbridge add-secret cb2  (answers the secret prompt)");
    for (const n of lab.sim.nodes) expect(mutating(lab.sim, n.name)).toEqual([]);
  });

  it("names the missing password config key", async () => {
    config = {};
    expect(await failure(cluster.check({}, inputs()))).toBe(
      "the MMP (SSH) password is not set: run `pulumi config set --secret mmpPassword <value>` (config key cms-xmpp-resiliency:mmpPassword)",
    );
  });

  it("refuses a wrong password without printing it", async () => {
    config = { [PASSWORD_KEY]: "not-the-password-42" };
    const message = await failure(cluster.create(inputs()));
    expect(message).toMatch(
      /^\[cb1\] connect 127\.\d+\.\d+\.1:\d+: All configured authentication methods failed\n {2}next: /,
    );
    expect(message).toContain("check the address, SSH port, username and password");
    expect(message).not.toContain("not-the-password-42");
  });

  it("refuses a host key that does not match the pinned fingerprint", async () => {
    const bad = inputs();
    bad.nodes[1].mmp.hostKeyFingerprint = lab.sim.nodes[0].hostKeyFingerprint;
    const message = await failure(cluster.create(bad));
    expect(message).toContain(
      `host key mismatch: expected ${lab.sim.nodes[0].hostKeyFingerprint}, the node presented ${lab.sim.nodes[1].hostKeyFingerprint}`,
    );
    expect(message).toMatch(/^\[cb2\]/);
  });

  it("refuses an unpinned node unless trustOnFirstUse is set, and says what to pin", async () => {
    const unpinned = inputs();
    unpinned.nodes[2].mmp.hostKeyFingerprint = undefined;
    const message = await failure(cluster.check({}, unpinned));
    expect(message).toContain(`set hostKeyFingerprint: "${lab.sim.nodes[2].hostKeyFingerprint}"`);
    unpinned.nodes[2].mmp.trustOnFirstUse = true;
    expect((await cluster.check({}, unpinned)).inputs?.plan?.cb3).toBeDefined();
  });

  it("reports a FAILURE line with the node, the command and the output, and the next up resumes", async () => {
    const missing = inputs();
    for (const n of missing.nodes) n.certFile = "missing.cer";
    const message = await failure(cluster.create(missing));
    expect(message).toMatch(/^\[cb1\] `xmpp certs xmpp\.key missing\.cer xmpp-ca\.cer`: FAILURE: /);
    expect(message).toContain("then run `pulumi up` again");
    for (const n of lab.sim.nodes) n.clearTranscript();
    await cluster.create(inputs());
    const cb1 = mutating(lab.sim, "cb1");
    expect(cb1).not.toContain("xmpp domain tptac9.com");
    expect(cb1[0]).toBe("xmpp certs xmpp.key xmpp.cer xmpp-ca.cer");
    expect(cb1).toContain("xmpp cluster initialize");
  });

  it("times out a stalled command with the node and command named", async () => {
    lab.sim.node("cb2").faults.stallCommand = "xmpp cluster status";
    const message = await failure(cluster.check({}, inputs()));
    expect(message).toMatch(/^\[cb2\] `xmpp cluster status`: timed out after 3000 ms/);
  });

  it("reports a dropped connection and recovers on the next run", async () => {
    lab.sim.node("cb3").faults.dropAfterCommands = 1;
    const message = await failure(cluster.check({}, inputs()));
    expect(message).toMatch(/^\[cb3\] `(version|xmpp)`: the (node closed the MMP session|SSH connection closed)/);
    lab.sim.node("cb3").faults.dropAfterCommands = null;
    expect((await cluster.check({}, inputs())).inputs?.plan).toEqual({});
  });

  it("previews the others while a node that stays is down, and refuses to change anything", async () => {
    await lab.sim.node("cb3").stop();
    try {
      const preview = await cluster.check({}, inputs());
      const where = `${lab.sim.nodes[2].host}:${lab.sim.nodes[2].sshPort}`;
      expect(preview.inputs?.plan?.cb3).toEqual([
        `(unreachable: connect ${where}: connect ECONNREFUSED ${where}; \`up\` changes nothing until it is back or removed from nodes)`,
      ]);
      expect(Object.keys(preview.inputs?.plan ?? {})).toEqual(["cb3"]);
      for (const n of lab.sim.nodes) n.clearTranscript();
      const message = await failure(cluster.create(inputs()));
      expect(message).toBe(
        `[cb3] gather facts: cannot be reached over SSH (cb3: connect ${where}: connect ECONNREFUSED ${where}); nothing was changed on any node\n` +
          "  next: bring it back and run `pulumi up` again, or remove or replace it in `nodes` (a node that is gone has its peer entry removed on a live member)",
      );
      for (const n of lab.sim.nodes) expect(mutating(lab.sim, n.name)).toEqual([]);
    } finally {
      await lab.sim.node("cb3").start();
    }
  });

  it("refuses removing two nodes or the leader without confirmNodeRemoval", async () => {
    const olds = { ...inputs(), leader: `${lab.sim.nodes[0].host}:5222` };
    const result = await cluster.check(olds, inputs({ nodes: inputs().nodes.slice(1) }));
    expect(result.failures).toEqual([
      {
        property: "nodes",
        reason: "this change removes cb1, the current XMPP leader; set confirmNodeRemoval: true to proceed",
      },
    ]);
  });

  it("reads drift on refresh without changing anything", async () => {
    await withMmpSession(lab.targets[1], (s) => s.run("xmpp callbridge del cb2"));
    for (const n of lab.sim.nodes) n.clearTranscript();
    const read = await cluster.read("id", { ...inputs(), leader: "", nodeStates: {}, secrets: {} });
    expect(read.props?.plan).toEqual({ cb2: ["xmpp callbridge add-secret cb2  (answers the secret prompt)"] });
    expect(read.props?.nodeStates.cb2.callBridges).toEqual(["cb1", "cb3"]);
    for (const n of lab.sim.nodes) expect(mutating(lab.sim, n.name)).toEqual([]);
  });
});

describe("retainOnDelete", () => {
  it("leaves the cluster configured on delete", async () => {
    for (const n of lab.sim.nodes) n.clearTranscript();
    await cluster.remove("id", { ...inputs({ retainOnDelete: true }), leader: "", nodeStates: {}, secrets: {} });
    for (const n of lab.sim.nodes) expect(n.transcript).toEqual([]);
    const status = await withMmpSession(lab.targets[0], (s) => s.run("xmpp cluster status"));
    expect(status).toMatch(/^State: (LEADER|FOLLOWER)/m);
  });
});

describe("CMS 3.x", () => {
  it("is refused before anything changes", async () => {
    const sim = await startSimCluster({
      nodes: [{ name: "cms3", host: `${randomLoopbackPrefix()}.1`, version: "3.2.1" }],
    });
    try {
      const node = sim.nodes[0];
      const three = inputs({ nodes: [{ ...inputs().nodes[0], name: "cms3", xmppAddress: node.host }] });
      three.nodes[0].mmp = {
        ...three.nodes[0].mmp,
        node: "cms3",
        host: node.host,
        port: node.sshPort,
        hostKeyFingerprint: node.hostKeyFingerprint,
      };
      const message = await failure(cluster.check({}, three));
      expect(message).toContain(
        "[cms3] check the CMS version: the node runs CMS 3.2.1; the XMPP server was removed in CMS 3.0",
      );
      expect(node.transcript.map((e) => e.command)).toEqual(["version"]);
    } finally {
      await sim.stop();
    }
  });
});
