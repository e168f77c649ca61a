/**
 * Adopting a cluster an admin built by hand with the TechNote: `pulumi up` with a matching config must change
 * nothing on the nodes (0 mutating MMP commands, so 0 restarts), keep the secrets, and leave the Call Bridges alone.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SimBehaviour, type SimCluster, startSimCluster } from "../../sim";
import { callApi } from "../sim-support/api-client";
import { eventually } from "../sim-support/loopback-net";
import { MmpClient } from "../sim-support/mmp-client";
import { buildXmppCluster, parseCallbridgeList, uploadSharedCertificate } from "../sim-support/xmpp-procedure";
import { clusterStackConfig, SIM_API_PASSWORD, SIM_USERS } from "./cluster-stack";
import { dispose, engineOrSkipReason, exportedStateText, testStack } from "./engine";
import { randomLoopbackPrefix } from "./loopback";
import { mutating } from "./sim-lab";

export function adoptSuite(layout: string, behaviour: Partial<SimBehaviour>): void {
  const engine = engineOrSkipReason();
  if ("skip" in engine) console.warn(`adoption engine tests (${layout}) skipped: ${engine.skip}`);
  vi.setConfig({ testTimeout: 300_000 });

  describe.skipIf("skip" in engine)(`adopting a hand-built cluster, ${layout} layout`, () => {
    let sim: SimCluster;
    let stack: Stack;
    let secrets: Map<string, string>;
    const output: string[] = [];
    const onOutput = (text: string) => output.push(text);
    const ran = () =>
      Object.fromEntries(sim.nodes.map((n) => [n.name, mutating(sim, n.name)]).filter(([, c]) => c.length > 0));
    const apiWrites = () =>
      sim.nodes.flatMap((n) => n.transcript.map((e) => e.command).filter((c) => c.startsWith("API PUT")));
    const listedSecrets = async () => {
      const mmp = await MmpClient.connect(sim.nodes[1]);
      try {
        return parseCallbridgeList(await mmp.run("xmpp callbridge list"));
      } finally {
        mmp.close();
      }
    };

    beforeAll(async () => {
      const prefix = randomLoopbackPrefix();
      sim = await startSimCluster({
        nodes: [1, 2, 3].map((i) => ({ name: `cb${i}`, host: `${prefix}.${i}`, behaviour, ...SIM_USERS })),
        keepaliveMs: 50,
        electionTimeoutMs: 200,
        bridgeRetryMs: 200,
      });
      // The TechNote by hand: steps 1-8 over SSH/SFTP, then step 9 on each Call Bridge (its Web Admin/API).
      await uploadSharedCertificate(sim.nodes);
      ({ secrets } = await buildXmppCluster(sim));
      for (const node of sim.nodes) {
        const put = await callApi(
          node,
          "PUT",
          "/api/v1/system/configuration/xmpp",
          {
            uniqueName: node.name,
            domain: "tptac9.com",
            serverAddress: `${node.host}:5223`,
            sharedSecret: secrets.get(node.name) as string,
          },
          `admin:${SIM_API_PASSWORD}`,
        );
        expect(put.status).toBe(200);
      }
      await eventually(() => sim.nodes.every((n) => n.callBridge().status() === "connected"), 10_000);
      const config = clusterStackConfig(sim, {
        certificates: {
          source: "existing",
          keyFile: "abhiall.key",
          certFile: "abhiall.cer",
          bundleFile: "certall.cer",
          trustBundle: "abhiall.cer",
        },
      });
      stack = await testStack({ workDir: ".", config });
      for (const n of sim.nodes) n.clearTranscript();
    }, 120_000);

    afterAll(async () => {
      await dispose(stack);
      await sim?.stop();
    });

    it("adopts it with 0 mutating MMP commands, 0 API writes, and the secrets kept", async () => {
      const up = await stack.up({ onOutput });
      expect(up.summary.result).toBe("succeeded");
      expect(up.outputs.verificationFindings.value).toEqual([]);
      expect(ran()).toEqual({});
      expect(apiWrites()).toEqual([]);
      expect(await listedSecrets()).toEqual(secrets);
      for (const n of sim.nodes) expect(n.callBridge().status()).toBe("connected");
    });

    it("then previews no change", async () => {
      const preview = await stack.preview({ onOutput });
      expect(preview.changeSummary).toEqual({ same: expect.any(Number) });
      expect(ran()).toEqual({});
    });

    it("keeps the adopted secrets out of state and engine output", async () => {
      const everything = `${await exportedStateText(stack)}\n${output.join("")}`;
      expect(secrets.size).toBe(3);
      for (const secret of secrets.values()) expect(everything).not.toContain(secret);
    });
  });
}
