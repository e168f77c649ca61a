import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCa,
  DEFAULT_BEHAVIOUR,
  RICH_LAYOUT,
  type SimCluster,
  type SimNode,
  startSimCluster,
  TECHNOTE_LAYOUT,
} from "../sim";
import { eventually, loopbackSubnet } from "./sim-support/loopback-net";
import { MmpClient, withMmp } from "./sim-support/mmp-client";
import { writeRemote } from "./sim-support/sftp-files";
import { buildXmppCluster, configureXmpp, DOMAIN, uploadSharedCertificate } from "./sim-support/xmpp-procedure";

const TIMINGS = { keepaliveMs: 50, electionTimeoutMs: 200, bridgeRetryMs: 100 };
const LAST_STATE_CHANGE = /^Last state change: \d{4}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const FILE_LINES = [
  "Key file           : abhiall.key",
  "Certificate file   : abhiall.cer",
  "Trust bundle       : abhiall.cer",
];

const run = (node: SimNode, command: string): Promise<string> => withMmp(node, (mmp) => mmp.run(command, 10_000));

/** `xmpp cluster status` with the date of `Last state change` checked and replaced by `<date>`. */
async function clusterStatus(node: SimNode): Promise<string[]> {
  const lines = (await run(node, "xmpp cluster status")).split("\n");
  const index = lines.findIndex((line) => line.startsWith("Last state change: "));
  expect(lines[index]).toMatch(LAST_STATE_CHANGE);
  lines[index] = "Last state change: <date>";
  return lines;
}

/** Every node up, a leader known everywhere, and every node listing `count` peer entries. */
const settled = (cluster: SimCluster, count: number) =>
  eventually(() =>
    cluster.nodes.every((node) => node.state().cluster.leader !== null && node.state().cluster.peers.length === count),
  );

describe("layout presets", () => {
  it("TECHNOTE_LAYOUT prints only what the TechNote shows; RICH_LAYOUT is today's default", () => {
    expect(TECHNOTE_LAYOUT).toEqual({
      xmppBlockTrustBundle: false,
      xmppBlockClustered: false,
      callbridgeListLayout: "aligned",
      clusterStatusWhileXmppDisabled: "no-peers",
    });
    expect(RICH_LAYOUT).toEqual({
      xmppBlockTrustBundle: true,
      xmppBlockClustered: true,
      callbridgeListLayout: "aligned",
      clusterStatusWhileXmppDisabled: "remembered-peers",
    });
    for (const [key, value] of Object.entries(RICH_LAYOUT)) {
      expect(DEFAULT_BEHAVIOUR[key as keyof typeof DEFAULT_BEHAVIOUR]).toBe(value);
    }
    expect(DEFAULT_BEHAVIOUR).toMatchObject({ clusterRemoveDropsAllEntries: true, trustChangeNeedsRestart: false });
  });
});

/** Output switches, on one cluster whose nodes have different behaviours. */
describe("output layout switches", () => {
  const subnet = loopbackSubnet();
  const addr = (n: number) => `${subnet}.${n}:5222`;
  let cluster: SimCluster;
  let secrets: Map<string, string>;
  // cb1: today's defaults; cb2: the TechNote preset; cb3: the compact call bridge list, defaults otherwise.
  const rich = () => cluster.node("cb1");
  const technote = () => cluster.node("cb2");
  const compact = () => cluster.node("cb3");

  beforeAll(async () => {
    cluster = await startSimCluster({
      nodes: [
        { name: "cb1", host: `${subnet}.1`, behaviour: RICH_LAYOUT },
        { name: "cb2", host: `${subnet}.2`, behaviour: TECHNOTE_LAYOUT },
        { name: "cb3", host: `${subnet}.3`, behaviour: { callbridgeListLayout: "compact" } },
      ],
      ...TIMINGS,
    });
    await uploadSharedCertificate(cluster.nodes);
    ({ secrets } = await buildXmppCluster(cluster));
    await settled(cluster, 3);
  });
  afterAll(() => cluster?.stop());

  it("passes each node's behaviour through startSimCluster", () => {
    expect(rich().behaviour).toEqual(DEFAULT_BEHAVIOUR);
    expect(technote().behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, ...TECHNOTE_LAYOUT });
    expect(compact().behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, callbridgeListLayout: "compact" });
  });

  const xmppBlock = (withInferredLines: boolean): string =>
    [
      "Enabled               : true",
      ...(withInferredLines ? ["Clustered             : true"] : []),
      `Domain                : ${DOMAIN}`,
      "Listening interfaces  : a",
      "Key file              : abhiall.key",
      "Certificate file      : abhiall.cer",
      "CA Bundle file        : certall.cer",
      "Max sessions per user : unlimited",
      "Cluster enabled       : true",
      ...(withInferredLines ? ["Cluster trust bundle  : abhiall.cer"] : []),
      "STATUS                : XMPP server running",
    ].join("\n");

  it("xmppBlockClustered / xmppBlockTrustBundle: the xmpp block with and without the two inferred lines", async () => {
    expect(await run(rich(), "xmpp")).toBe(xmppBlock(true));
    expect(await run(technote(), "xmpp")).toBe(xmppBlock(false));
  });

  it("each of the two lines has its own switch", async () => {
    const only = await startSimCluster({
      nodes: [
        { name: "noclu", host: `${subnet}.11`, behaviour: { xmppBlockClustered: false } },
        { name: "notrust", host: `${subnet}.12`, behaviour: { xmppBlockTrustBundle: false } },
      ],
    });
    try {
      const [noClustered, noTrust] = await Promise.all(only.nodes.map((node) => run(node, "xmpp")));
      const unconfigured = [
        "Enabled               : false",
        "Clustered             : false",
        "Domain                : none",
        "Listening interfaces  : none",
        "Key file              : none",
        "Certificate file      : none",
        "CA Bundle file        : none",
        "Max sessions per user : unlimited",
        "Cluster enabled       : false",
        "Cluster trust bundle  : none",
        "STATUS                : XMPP server disabled",
      ];
      expect(noClustered).toBe(unconfigured.filter((line) => !line.startsWith("Clustered")).join("\n"));
      expect(noTrust).toBe(unconfigured.filter((line) => !line.startsWith("Cluster trust bundle")).join("\n"));
    } finally {
      await only.stop();
    }
  });

  it("callbridgeListLayout aligned: the TechNote's block byte for byte", async () => {
    const entries = ["cb1", "cb2", "cb3"].map((name) =>
      ["***", `Callbridge : ${name}`, `Domain     : ${DOMAIN}`, `Secret     : ${secrets.get(name)}`].join("\n"),
    );
    expect(await run(rich(), "xmpp callbridge list")).toBe(entries.join("\n"));
    // The same three secrets as the German TechNote's screenshot give exactly its text.
    const mmp = await MmpClient.connect(technote());
    try {
      await mmp.runWithSecret("xmpp callbridge add-secret cb1", "kvgP1SRzWVabhiPVAb1");
      await mmp.runWithSecret("xmpp callbridge add-secret cb2", "uBiLLdIU8vVqj86CAb1");
      await mmp.runWithSecret("xmpp callbridge add-secret cb3", "RJTmSh4smhLYguGpAb1");
      expect(await mmp.run("xmpp callbridge list")).toBe(
        [
          "***",
          "Callbridge : cb1",
          "Domain     : tptac9.com",
          "Secret     : kvgP1SRzWVabhiPVAb1",
          "***",
          "Callbridge : cb2",
          "Domain     : tptac9.com",
          "Secret     : uBiLLdIU8vVqj86CAb1",
          "***",
          "Callbridge : cb3",
          "Domain     : tptac9.com",
          "Secret     : RJTmSh4smhLYguGpAb1",
        ].join("\n"),
      );
    } finally {
      mmp.close();
    }
  });

  it("callbridgeListLayout compact: the TechNote's prose form, with `*****` lines; secrets still redacted", async () => {
    const list = await run(compact(), "xmpp callbridge list");
    expect(list).toBe(
      ["cb1", "cb2", "cb3"]
        .map((name) => ["*****", `Callbridge: ${name}`, `Domain: ${DOMAIN}`, `Secret: ${secrets.get(name)}`].join("\n"))
        .join("\n"),
    );
    const added = await run(compact(), "xmpp callbridge add cb4");
    expect(added).toMatch(new RegExp(`^Callbridge: cb4\\nDomain: ${DOMAIN.replace(".", "\\.")}\\nSecret: \\w{16}Ab1$`));
    const transcript = compact().transcript.slice(-2);
    expect(transcript.map((entry) => entry.output.split("\n").filter((line) => line.startsWith("Secret")))).toEqual([
      ["Secret: ********", "Secret: ********", "Secret: ********"],
      ["Secret: ********"],
    ]);
    expect(await run(compact(), "xmpp callbridge del cb4")).toBe("");
  });

  it("clusterStatusWhileXmppDisabled no-peers: a disabled member lists no peers, and rejoins on enable", async () => {
    expect(await run(technote(), "xmpp disable")).toBe("");
    expect(await clusterStatus(technote())).toEqual([
      "State: INACTIVE",
      "List of peers",
      "Last state change: <date>",
      ...FILE_LINES,
    ]);
    expect(technote().state().cluster.member).toBe(true);
    expect(await run(technote(), "xmpp enable")).toBe(
      "SUCCESS: Key and certificate pair match\nSUCCESS: XMPP server enabled",
    );
    await eventually(() => technote().state().cluster.leader !== null);
    const lines = await clusterStatus(technote());
    expect(lines[0]).toMatch(/^State: (FOLLOWER|LEADER)$/);
    expect(lines.slice(1, 2)).toEqual(["List of peers"]);
    expect(lines.slice(2, 5).map((line) => line.replace(" (Leader)", ""))).toEqual([addr(1), addr(2), addr(3)]);
    expect(lines.slice(2, 5).filter((line) => line.endsWith(" (Leader)"))).toHaveLength(1);
    expect(lines.slice(5)).toEqual(["Last state change: <date>", ...FILE_LINES]);
  });

  it("clusterStatusWhileXmppDisabled remembered-peers: a disabled member lists the peers it last knew", async () => {
    await settled(cluster, 3);
    expect(await run(compact(), "xmpp disable")).toBe("");
    expect(await clusterStatus(compact())).toEqual([
      "State: INACTIVE",
      "List of peers",
      addr(1),
      addr(2),
      addr(3),
      "Last state change: <date>",
      ...FILE_LINES,
    ]);
    await run(compact(), "xmpp enable");
    await settled(cluster, 3);
  });
});

/** A peer duplicated by CSCvi67717 (xmpp reset on a member, then a re-join), removed one entry per call. */
describe("clusterRemoveDropsAllEntries false", () => {
  const subnet = loopbackSubnet();
  const addr = (n: number) => `${subnet}.${n}:5222`;
  let cluster: SimCluster;

  beforeAll(async () => {
    cluster = await startSimCluster({
      nodes: ["cb1", "cb2", "cb3"].map((name, index) => ({
        name,
        host: `${subnet}.${index + 1}`,
        behaviour: { clusterRemoveDropsAllEntries: false },
      })),
      ...TIMINGS,
    });
    await uploadSharedCertificate(cluster.nodes);
    await buildXmppCluster(cluster);
    await settled(cluster, 3);
  });
  afterAll(() => cluster?.stop());

  it("needs `xmpp cluster remove` once per entry: the stale one first, then the live one", async () => {
    const [cb1, cb2, cb3] = cluster.nodes;
    await rejoinAfterReset(cb3, cb1);
    await eventually(() => cb2.state().cluster.peers.length === 4);
    expect(cb1.state().cluster.peers).toEqual([addr(1), addr(2), addr(3), addr(3)]);

    expect(await run(cb2, `xmpp cluster remove ${addr(3)}`)).toBe("SUCCESS: 1 peer entry removed");
    await eventually(() => cluster.nodes.every((node) => node.state().cluster.peers.length === 3));
    expect(cb1.state().cluster.peers).toEqual([addr(1), addr(2), addr(3)]);
    // The stale entry went: cb3 (its live entry) is still a member.
    expect(cb3.state().cluster).toMatchObject({ member: true, peers: [addr(1), addr(2), addr(3)] });
    await eventually(() => cb3.state().cluster.state === "FOLLOWER");

    expect(await run(cb2, `xmpp cluster remove ${subnet}.3`)).toBe("SUCCESS: 1 peer entry removed");
    await eventually(() => cb3.state().cluster.state === "UNINITIALIZED");
    await eventually(() => cb1.state().cluster.peers.length === 2 && cb2.state().cluster.peers.length === 2);
    expect(cb2.state().cluster.peers).toEqual([addr(1), addr(2)]);
    expect(await run(cb1, `xmpp cluster remove ${addr(3)}`)).toBe(`FAILURE: peer ${addr(3)} not found`);
  });
});

/** `xmpp reset` without leaving, then the TechNote's join steps again: CSCvi67717's duplicate entry. */
async function rejoinAfterReset(node: SimNode, seed: SimNode): Promise<void> {
  const mmp = await MmpClient.connect(node);
  try {
    expect(await mmp.run("xmpp reset")).toBe("");
    await configureXmpp(mmp);
    expect(await mmp.run("xmpp cluster enable")).toBe("");
    expect(await mmp.run("xmpp enable")).toBe("SUCCESS: Key and certificate pair match\nSUCCESS: XMPP server enabled");
    expect(await mmp.run(`xmpp cluster join ${seed.host}`, 10_000)).toBe(
      `SUCCESS: Joined XMPP cluster at ${seed.host}:5222`,
    );
  } finally {
    mmp.close();
  }
}

/** cb1 initializes; cb2 (default) and cb3 (trustChangeNeedsRestart) fix a wrong trust bundle while XMPP runs. */
describe("trustChangeNeedsRestart, and clusterRemoveDropsAllEntries at its default", () => {
  const subnet = loopbackSubnet();
  const addr = (n: number) => `${subnet}.${n}:5222`;
  let cluster: SimCluster;

  beforeAll(async () => {
    cluster = await startSimCluster({
      nodes: [
        { name: "cb1", host: `${subnet}.1` },
        { name: "cb2", host: `${subnet}.2` },
        { name: "cb3", host: `${subnet}.3`, behaviour: { trustChangeNeedsRestart: true } },
      ],
      ...TIMINGS,
    });
    await uploadSharedCertificate(cluster.nodes);
    const unrelated = createCa("Unrelated CA");
    for (const node of cluster.nodes) {
      const mmp = await MmpClient.connect(node);
      await writeRemote(await mmp.sftp(), "other.cer", unrelated.certPem);
      await configureXmpp(mmp);
      if (node.name === "cb1") {
        for (const command of ["xmpp disable", "xmpp cluster enable", "xmpp cluster initialize", "xmpp enable"]) {
          await mmp.run(command);
        }
      } else {
        // Started with a bundle that does not trust the cluster's certificate.
        for (const command of ["xmpp cluster trust other.cer", "xmpp disable", "xmpp cluster enable", "xmpp enable"]) {
          await mmp.run(command);
        }
        expect(await mmp.run(`xmpp cluster join ${subnet}.1`)).toBe(
          `FAILURE: Certificate of ${addr(1)} is not trusted by the cluster trust bundle`,
        );
        expect(await mmp.run("xmpp cluster trust abhiall.cer")).toBe("");
      }
      mmp.close();
    }
  });
  afterAll(() => cluster?.stop());

  it("false (default): a new xmpp cluster trust counts for the next join at once", async () => {
    expect(await run(cluster.node("cb2"), `xmpp cluster join ${subnet}.1`)).toBe(
      `SUCCESS: Joined XMPP cluster at ${addr(1)}`,
    );
  });

  it("true: the running server keeps the bundle it started with until xmpp disable + enable", async () => {
    const cb3 = cluster.node("cb3");
    const mmp = await MmpClient.connect(cb3);
    try {
      expect(await mmp.run(`xmpp cluster join ${subnet}.1`)).toBe(
        `FAILURE: Certificate of ${addr(1)} is not trusted by the cluster trust bundle`,
      );
      // The new name is stored and shown, though the running server does not use it yet.
      expect((await mmp.run("xmpp cluster status")).split("\n").slice(-1)).toEqual([
        "Trust bundle       : abhiall.cer",
      ]);
      expect(cb3.state().cluster).toMatchObject({ trustBundle: "abhiall.cer", member: false });
      expect(await mmp.run("xmpp disable")).toBe("");
      expect(await mmp.run("xmpp enable")).toBe(
        "SUCCESS: Key and certificate pair match\nSUCCESS: XMPP server enabled",
      );
      expect(await mmp.run(`xmpp cluster join ${subnet}.1`, 10_000)).toBe(`SUCCESS: Joined XMPP cluster at ${addr(1)}`);
    } finally {
      mmp.close();
    }
    await settled(cluster, 3);
  });

  it("clusterRemoveDropsAllEntries true (default): one remove drops both entries of a duplicated peer", async () => {
    const [cb1, cb2, cb3] = cluster.nodes;
    await rejoinAfterReset(cb3, cb1);
    await eventually(() => cb1.state().cluster.peers.length === 4 && cb2.state().cluster.peers.length === 4);
    expect(cb2.state().cluster.peers.filter((peer) => peer === addr(3))).toHaveLength(2);
    expect(await run(cb2, `xmpp cluster remove ${addr(3)}`)).toBe("SUCCESS: 2 peer entries removed");
    await eventually(() => cb3.state().cluster.state === "UNINITIALIZED");
    await eventually(() => cb1.state().cluster.peers.length === 2 && cb2.state().cluster.peers.length === 2);
    expect([...cb1.state().cluster.peers].sort()).toEqual([addr(1), addr(2)].sort());
  });
});
