import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, startSimCluster } from "../sim";
import { callApi } from "./sim-support/api-client";
import { loopbackSubnet, sleep } from "./sim-support/loopback-net";
import { MmpClient } from "./sim-support/mmp-client";
import { writeRemote } from "./sim-support/sftp-files";

const tcpProbe = (host: string, port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });

/** Faults a test can inject per node, the power cycle, and the transcript. */
describe("faults and transcript", () => {
  let cluster: SimCluster;
  const host = `${loopbackSubnet()}.1`;
  const node = () => cluster.node("cb1");

  beforeAll(async () => {
    cluster = await startSimCluster({ nodes: [{ name: "cb1", host }], latencyMs: 0 });
  });
  afterAll(() => cluster?.stop());

  it("keeps files and configuration across stop/start, on the same ports and host key", async () => {
    const mmp = await MmpClient.connect(node());
    await writeRemote(await mmp.sftp(), "kept.cer", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    await mmp.run("xmpp domain kept.example");
    mmp.close();
    const { sshPort, apiPort, hostKeyFingerprint } = node();
    await node().stop();
    expect(await tcpProbe(host, sshPort)).toBe("ECONNREFUSED");
    expect(await tcpProbe(host, apiPort)).toBe("ECONNREFUSED");
    await node().start();
    expect([node().sshPort, node().apiPort, node().hostKeyFingerprint]).toEqual([sshPort, apiPort, hostKeyFingerprint]);
    expect(node().state().files).toContain("kept.cer");
    expect(node().state().xmpp.domain).toBe("kept.example");
  });

  it("refuses connections while refuseConnections is set", async () => {
    node().faults.refuseConnections = true;
    expect(await tcpProbe(host, node().sshPort)).toBe("ECONNREFUSED");
    await expect(callApi(node(), "GET", "/api/v1/system/status")).rejects.toThrow(/ECONNREFUSED/);
    node().faults.refuseConnections = false;
    await sleep(20);
    const mmp = await MmpClient.connect(node());
    expect(await mmp.run("version")).toBe("2.9.8");
    mmp.close();
  });

  it("adds latency to every command", async () => {
    const mmp = await MmpClient.connect(node());
    node().faults.latencyMs = 150;
    const started = Date.now();
    await mmp.run("version");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    node().faults.latencyMs = 0;
    mmp.close();
  });

  it("drops the connection after N commands", async () => {
    node().faults.dropAfterCommands = 2;
    const mmp = await MmpClient.connect(node());
    await mmp.run("version");
    await expect(mmp.run("version")).rejects.toThrow(/closed/);
    node().faults.dropAfterCommands = null;
    mmp.close();
  });

  it("cuts the connection at a matching command, before it runs or after it took effect", async () => {
    node().clearTranscript();
    node().faults.dropAtCommand = { command: "xmpp enable", when: "before" };
    let mmp = await MmpClient.connect(node());
    await expect(mmp.run("xmpp enable")).rejects.toThrow(/closed/);
    expect(node().transcript.map((e) => e.command)).toEqual([]);
    node().faults.dropAtCommand = { command: /^xmpp enable$/, when: "after" };
    mmp = await MmpClient.connect(node());
    await expect(mmp.run("xmpp enable")).rejects.toThrow(/closed/);
    expect(node().transcript.map((e) => e.command)).toEqual(["xmpp enable"]);
    node().faults.dropAtCommand = null;
    mmp = await MmpClient.connect(node());
    expect(await mmp.run("version")).toBe("2.9.8");
    mmp.close();
  });

  it("stalls a matching command until the fault is cleared", async () => {
    node().faults.stallCommand = /^xmpp cluster status$/;
    const mmp = await MmpClient.connect(node());
    await expect(mmp.run("xmpp cluster status", 300)).rejects.toThrow(/timeout/);
    node().faults.stallCommand = null;
    await mmp.waitFor((text) => text.endsWith("cb1> "));
    expect(await mmp.run("version")).toBe("2.9.8");
    mmp.close();
  });

  it("records every command with a timestamp and result", async () => {
    node().clearTranscript();
    const mmp = await MmpClient.connect(node());
    await mmp.run("version");
    await mmp.run("nonsense");
    mmp.close();
    expect(node().transcript).toEqual([
      { at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), command: "version", result: "ok", output: "2.9.8" },
      { at: expect.any(String), command: "nonsense", result: "error", output: "Unknown command: nonsense" },
    ]);
  });
});
