import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, type SimNode, startSimCluster } from "../sim";
import { mmpDate } from "../sim/mmp/format";
import { loopbackSubnet } from "./sim-support/loopback-net";
import { withMmp } from "./sim-support/mmp-client";

const run = (node: SimNode, command: string): Promise<string> => withMmp(node, (mmp) => mmp.run(command));

/** The read-only commands a provisioner may run before it touches XMPP: `database cluster status`, `callbridge`, `user list`. */
describe("preflight status commands", () => {
  const subnet = loopbackSubnet();
  let cluster: SimCluster;
  // cb1: defaults; cb2: nothing set up; cb3 and cb4: the "other" layouts, set up and not.
  const defaults = () => cluster.node("cb1");
  const bare = () => cluster.node("cb2");
  const other = () => cluster.node("cb3");
  const otherBare = () => cluster.node("cb4");
  const otherLayouts = { databaseClusterStatusLayout: "other", callbridgeStatusLayout: "other" } as const;

  beforeAll(async () => {
    cluster = await startSimCluster({
      nodes: [
        {
          name: "cb1",
          host: `${subnet}.1`,
          users: [
            { username: "admin", password: "admin" },
            { username: "ops", password: "ops", passwordExpiry: new Date(2030, 0, 5, 12) },
            { username: "audit", password: "audit", passwordExpiry: new Date(10000, 11, 31) },
          ],
        },
        { name: "cb2", host: `${subnet}.2`, databaseClusterEnabled: false, callBridgeConfigured: false },
        { name: "cb3", host: `${subnet}.3`, behaviour: otherLayouts },
        {
          name: "cb4",
          host: `${subnet}.4`,
          databaseClusterEnabled: false,
          callBridgeConfigured: false,
          behaviour: otherLayouts,
        },
      ],
    });
  });
  afterAll(() => cluster?.stop());

  it("database cluster status, s5 layout, enabled (the default)", async () => {
    expect(await run(defaults(), "database cluster status")).toBe(
      [
        "Status                   : Enabled",
        "Nodes:",
        `    ${subnet}.1 (me) : Connected Master`,
        "Interface                : a",
        "Last command             : 'database cluster initialize' (Success)",
      ].join("\n"),
    );
  });

  it("database cluster status, s5 layout, disabled", async () => {
    expect(await run(bare(), "database cluster status")).toBe(
      [
        "Status                   : Disabled",
        "Nodes:",
        "Interface                : none",
        "Last command             : none",
      ].join("\n"),
    );
  });

  it("database cluster status, other layout: no Status key", async () => {
    expect(await run(other(), "database cluster status")).toBe(
      ["Cluster state : enabled", "Last command  : 'database cluster initialize' (Success)"].join("\n"),
    );
    expect(await run(otherBare(), "database cluster status")).toBe(
      ["Cluster state : disabled", "Last command  : none"].join("\n"),
    );
  });

  it("any other database command line is a usage error", async () => {
    const usage = "Usage:\ndatabase cluster status";
    for (const command of ["database", "database cluster", "database cluster join 10.0.0.1", "database status"]) {
      expect(await run(defaults(), command)).toBe(usage);
    }
    expect(await run(defaults(), "database cluster status now")).toBe(usage);
  });

  it("callbridge, keyed layout, configured (the default)", async () => {
    expect(await run(defaults(), "callbridge")).toBe(
      [
        "Listening interfaces    : a",
        "Preferred interface     : none",
        "Key file                : callbridge.key",
        "Certificate file        : callbridge.cer",
        "Address                 : none",
        "CA Bundle file          : none",
        "Trust bundle            : none",
      ].join("\n"),
    );
  });

  it("callbridge, keyed layout, not configured", async () => {
    expect(await run(bare(), "callbridge")).toBe(
      [
        "Listening interfaces    : none",
        "Preferred interface     : none",
        "Key file                : none",
        "Certificate file        : none",
        "Address                 : none",
        "CA Bundle file          : none",
        "Trust bundle            : none",
      ].join("\n"),
    );
  });

  it("callbridge, other layout: other keys, no Listening interfaces", async () => {
    expect(await run(other(), "callbridge")).toBe(
      ["Interfaces  : a", "Key         : callbridge.key", "Certificate : callbridge.cer"].join("\n"),
    );
    expect(await run(otherBare(), "callbridge")).toBe(
      ["Interfaces  : none", "Key         : none", "Certificate : none"].join("\n"),
    );
  });

  it("callbridge with arguments is a usage error (its configuration commands are not simulated)", async () => {
    expect(await run(defaults(), "callbridge listen a")).toBe("Usage:\ncallbridge");
    expect(await run(defaults(), "callbridge restart")).toBe("Usage:\ncallbridge");
  });

  it("user list prints each user's passwordExpiry, and six months ahead for the others", async () => {
    const sixMonths = mmpDate(new Date(Date.now() + 182 * 86_400_000));
    expect(sixMonths).toHaveLength(11);
    expect(await run(defaults(), "user list")).toBe(
      [
        "USERNAME ROLE  PASSWORD EXPIRY LOGGED IN",
        `admin    admin ${sixMonths}     yes`,
        "ops      admin 2030-Jan-05     no",
        "audit    admin 10000-Dec-31    no",
      ].join("\n"),
    );
  });

  it("both commands are read-only and recorded in the transcript", async () => {
    const node = bare();
    node.clearTranscript();
    const before = node.state();
    await withMmp(node, async (mmp) => {
      await mmp.run("database cluster status");
      await mmp.run("callbridge");
      await mmp.run("database cluster join 10.0.0.1");
      await mmp.run("callbridge listen a");
    });
    expect(node.transcript.map(({ command, result, output }) => ({ command, result, output }))).toEqual([
      {
        command: "database cluster status",
        result: "ok",
        output: [
          "Status                   : Disabled",
          "Nodes:",
          "Interface                : none",
          "Last command             : none",
        ].join("\n"),
      },
      {
        command: "callbridge",
        result: "ok",
        output: [
          "Listening interfaces    : none",
          "Preferred interface     : none",
          "Key file                : none",
          "Certificate file        : none",
          "Address                 : none",
          "CA Bundle file          : none",
          "Trust bundle            : none",
        ].join("\n"),
      },
      { command: "database cluster join 10.0.0.1", result: "error", output: "Usage:\ndatabase cluster status" },
      { command: "callbridge listen a", result: "error", output: "Usage:\ncallbridge" },
    ]);
    expect(node.state()).toEqual(before);
    expect([before.databaseClusterEnabled, before.callBridgeConfigured]).toEqual([false, false]);
    expect([defaults().state().databaseClusterEnabled, defaults().state().callBridgeConfigured]).toEqual([true, true]);
  });
});
