import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "../sim/cli-args";
import { derivedHostKey, hostKeyFingerprint } from "../sim/ssh/host-key";
import { loopbackSubnet } from "./sim-support/loopback-net";
import { MmpClient } from "./sim-support/mmp-client";

/** `npm run sim -- ...`: options and what it prints. */
describe("simulator CLI", () => {
  it("counts up from the base IP by default", () => {
    const { cluster } = parseCliArgs(["--nodes", "3"]);
    expect(cluster.nodes.map((node) => [node.name, node.host, node.xmppClientPort])).toEqual([
      ["cb1", "127.0.1.1", 5222],
      ["cb2", "127.0.1.2", 5222],
      ["cb3", "127.0.1.3", 5222],
    ]);
    expect(cluster.nodes[0]).toMatchObject({ sshPort: 0, apiPort: 0, version: undefined, execChannel: false });
  });

  it("puts every node on one IP with --host, stepping the XMPP ports", () => {
    const { cluster } = parseCliArgs([
      "--host=127.0.0.1",
      "--names",
      "xmpp1,xmpp2",
      "--ssh-port",
      "2200",
      "--cms-version",
      "3.0",
      "--user",
      "ops",
      "--password",
      "pw",
      "--latency",
      "25",
      "--dns",
      "127.0.0.1:5353",
      "--exec",
    ]);
    expect(
      cluster.nodes.map((node) => [node.name, node.host, node.sshPort, node.xmppClientPort, node.xmppComponentPort]),
    ).toEqual([
      ["xmpp1", "127.0.0.1", 2200, 5222, 5223],
      ["xmpp2", "127.0.0.1", 2201, 5232, 5233],
    ]);
    expect(cluster.nodes[1]).toMatchObject({
      version: "3.0",
      users: [{ username: "ops", password: "pw" }],
      dnsServer: { host: "127.0.0.1", port: 5353 },
      execChannel: true,
    });
    expect(cluster.latencyMs).toBe(25);
  });

  it("rejects bad values", () => {
    expect(() => parseCliArgs(["--nodes", "two"])).toThrow(/non-negative integer/);
    expect(() => parseCliArgs(["--bogus"])).toThrow();
  });

  it("--layout and repeatable --behaviour key=value set the switches of every node, later ones winning", () => {
    expect(parseCliArgs([]).cluster.nodes[0].behaviour).toBeUndefined();
    const { cluster } = parseCliArgs([
      "--nodes",
      "2",
      "--layout",
      "technote",
      "--behaviour",
      "callbridgeListLayout=compact",
      "--behaviour=clusterRemoveDropsAllEntries=false",
      "--behaviour",
      "noQuorumState=FOLLOWER",
    ]);
    const expected = {
      xmppBlockTrustBundle: false,
      xmppBlockClustered: false,
      callbridgeListLayout: "compact",
      clusterStatusWhileXmppDisabled: "no-peers",
      clusterRemoveDropsAllEntries: false,
      noQuorumState: "FOLLOWER",
    };
    expect(cluster.nodes.map((node) => node.behaviour)).toEqual([expected, expected]);
    expect(cluster.nodes[0].behaviour).not.toBe(cluster.nodes[1].behaviour);
    expect(parseCliArgs(["--layout", "rich"]).cluster.nodes[0].behaviour).toEqual({
      xmppBlockTrustBundle: true,
      xmppBlockClustered: true,
      callbridgeListLayout: "aligned",
      clusterStatusWhileXmppDisabled: "remembered-peers",
    });
    expect(parseCliArgs(["--behaviour", "trustChangeNeedsRestart=true"]).cluster.nodes[0].behaviour).toEqual({
      trustChangeNeedsRestart: true,
    });
    expect(
      parseCliArgs(["--behaviour", "databaseClusterStatusLayout=other", "--behaviour", "callbridgeStatusLayout=other"])
        .cluster.nodes[0].behaviour,
    ).toEqual({ databaseClusterStatusLayout: "other", callbridgeStatusLayout: "other" });
  });

  it("names the allowed layouts, switches and values when one is wrong", () => {
    expect(() => parseCliArgs(["--layout", "fancy"])).toThrow("--layout needs one of technote, rich, not 'fancy'");
    expect(() => parseCliArgs(["--behaviour", "bogus=1"])).toThrow(
      "--behaviour: unknown switch 'bogus'; allowed: noQuorumState, clusterChangesRequireXmppDisabled, " +
        "authFailureFailover, acceptSubAltName, xmppBlockTrustBundle, xmppBlockClustered, callbridgeListLayout, " +
        "clusterStatusWhileXmppDisabled, clusterRemoveDropsAllEntries, trustChangeNeedsRestart, apiChecksServerAddress, " +
        "databaseClusterStatusLayout, callbridgeStatusLayout",
    );
    expect(() => parseCliArgs(["--behaviour", "callbridgeListLayout=wide"])).toThrow(
      "--behaviour callbridgeListLayout needs one of aligned, compact, not 'wide'",
    );
    expect(() => parseCliArgs(["--behaviour", "xmppBlockClustered=yes"])).toThrow(
      "--behaviour xmppBlockClustered needs one of true, false, not 'yes'",
    );
    expect(() => parseCliArgs(["--behaviour", "xmppBlockClustered"])).toThrow(
      "--behaviour xmppBlockClustered needs one of true, false",
    );
    expect(() => parseCliArgs(["--behaviour", "databaseClusterStatusLayout=technote"])).toThrow(
      "--behaviour databaseClusterStatusLayout needs one of s5, other, not 'technote'",
    );
    expect(() => parseCliArgs(["--behaviour", "callbridgeStatusLayout=aligned"])).toThrow(
      "--behaviour callbridgeStatusLayout needs one of keyed, other, not 'aligned'",
    );
    expect(() => parseCliArgs(["--help"])).toThrow(
      /databaseClusterStatusLayout=s5\|other\n {30}callbridgeStatusLayout=keyed\|other\n/,
    );
    expect(() => parseCliArgs(["--help"])).toThrow(
      /--behaviour KEY=VALUE[\s\S]*clusterStatusWhileXmppDisabled=remembered-peers\|no-peers/,
    );
  });

  it("prints name, address, ports and host-key fingerprint of each node, and stops on Ctrl-C", async () => {
    const subnet = loopbackSubnet();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "sim/cli.ts", "--nodes", "2", "--base-ip", `${subnet}.1`],
      {
        cwd: `${__dirname}/..`,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const deadline = Date.now() + 20_000;
    while (!stdout.includes("Ctrl-C") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const rows = stdout.split("\n").filter((line) => /^cb\d /.test(line));
    expect(stdout).toMatch(/NAME +ADDRESS +SSH +API +XMPP +HOST KEY/);
    expect(rows).toHaveLength(2);
    const [name, address, ssh, api, xmpp, fingerprint] = rows[0].split(/ +/);
    expect([name, address, xmpp, fingerprint]).toEqual([
      "cb1",
      `${subnet}.1`,
      "5222",
      hostKeyFingerprint(derivedHostKey("cb1")),
    ]);
    expect(Number(api)).toBeGreaterThan(0);
    const mmp = await MmpClient.connect({ name: "cb1", host: address, sshPort: Number(ssh) });
    expect(await mmp.run("version")).toBe("2.9.8");
    mmp.close();
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
