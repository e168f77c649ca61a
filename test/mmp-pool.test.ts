import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MmpSessionPool } from "../src/clients/mmp/pool";
import { type SimLab, startSimLab } from "./support/sim-lab";

/** The shared connection pool of a provider process, against simulated nodes over real SSH. */
let lab: SimLab;
beforeAll(async () => {
  lab = await startSimLab(1);
});
afterAll(async () => {
  await lab?.sim.stop();
});
const node = () => lab.sim.nodes[0];

describe("MmpSessionPool", () => {
  it("gives every lease of one node the same connection, one command at a time, each lease its own command list", async () => {
    const pool = new MmpSessionPool(60_000);
    const before = node().sshConnections;
    const [a, b] = await Promise.all([pool.lease(lab.targets[0]), pool.lease(lab.targets[0])]);
    const outputs = await Promise.all([a.run("xmpp"), b.run("xmpp cluster status"), a.run("xmpp callbridge list")]);
    expect(outputs[0]).toMatch(/^Enabled\s*:/m);
    expect(a.commands).toEqual(["xmpp", "xmpp callbridge list"]);
    expect(b.commands).toEqual(["xmpp cluster status"]);
    a.close();
    b.close();
    const c = await pool.lease(lab.targets[0]);
    await c.run("version");
    c.close();
    expect(node().sshConnections - before).toBe(1);
    expect(pool.opened).toBe(1);
    // The commands reached the node in the order they were given.
    expect(
      node()
        .transcript.slice(-4)
        .map((e) => e.command),
    ).toEqual(["xmpp", "xmpp cluster status", "xmpp callbridge list", "version"]);
  });

  it("a read that may reuse takes the listing made after the last upload, and is sent again after another", async () => {
    const pool = new MmpSessionPool(60_000);
    const [a, b] = await Promise.all([pool.lease(lab.targets[0]), pool.lease(lab.targets[0])]);
    const listing = { readOnly: true, reuseWithinMs: 60_000 };
    const sentListings = () => node().transcript.filter((e) => e.command === "pki list").length;
    const before = sentListings();
    // Both uploads queue before either listing: the first listing runs after both, the second takes it.
    const [first, second] = await Promise.all([
      a.upload("reuse-one.cer", "1").then(() => a.run("pki list", listing)),
      b.upload("reuse-two.cer", "2").then(() => b.run("pki list", listing)),
    ]);
    expect(sentListings() - before).toBe(1);
    expect(second).toBe(first);
    expect(first).toContain("reuse-one.cer");
    expect(first).toContain("reuse-two.cer");
    expect(a.commands).toEqual(["sftp put reuse-one.cer", "pki list"]);
    expect(b.commands).toEqual(["sftp put reuse-two.cer"]);
    await b.upload("reuse-three.cer", "3");
    expect(await b.run("pki list", listing)).toContain("reuse-three.cer");
    expect(sentListings() - before).toBe(2);
    // Without reuseWithinMs a read is always sent.
    await a.run("pki list", { readOnly: true });
    expect(sentListings() - before).toBe(3);
    // Nor is a remembered read older than the bound taken.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await a.run("pki list", { readOnly: true, reuseWithinMs: 10 });
    expect(sentListings() - before).toBe(4);
    for (const name of ["reuse-one.cer", "reuse-two.cer", "reuse-three.cer"]) await a.remove(name);
    a.close();
    b.close();
  });

  it("does not lease a connection again after a command failed on it; its lease keeps it", async () => {
    const pool = new MmpSessionPool(60_000);
    const before = node().sshConnections;
    const a = await pool.lease(lab.targets[0]);
    await expect(a.run("xmpp no-such-command")).rejects.toThrow(/\[cb1\]/);
    expect(await a.run("version")).toMatch(/\d/);
    const b = await pool.lease(lab.targets[0]);
    await b.run("version");
    a.close();
    b.close();
    expect(node().sshConnections - before).toBe(2);
    expect(pool.opened).toBe(2);
  });

  it("connects afresh when the node dropped the connection while it was idle", async () => {
    const pool = new MmpSessionPool(60_000);
    const before = node().sshConnections;
    const a = await pool.lease(lab.targets[0]);
    await a.run("version");
    a.close();
    await node().stop();
    await node().start();
    await new Promise((r) => setTimeout(r, 100));
    const b = await pool.lease(lab.targets[0]);
    expect(await b.run("version")).toMatch(/\d/);
    b.close();
    expect(node().sshConnections - before).toBe(2);
    expect(pool.opened).toBe(2);
  });
});

describe("reads remembered on a shared connection", () => {
  const sent = () => node().transcript.length;

  it("gives another lease what a read-only command printed, without sending it again", async () => {
    const pool = new MmpSessionPool(60_000);
    const a = await pool.lease(lab.targets[0]);
    const printed = await a.run("xmpp cluster status", { readOnly: true });
    a.close();
    const b = await pool.lease(lab.targets[0]);
    const before = sent();
    expect(b.recall("xmpp cluster status", 60_000)).toBe(printed);
    expect(b.recall("xmpp", 60_000)).toBeUndefined();
    expect(sent()).toBe(before);
    expect(b.commands).toEqual([]);
    b.close();
  });

  it("forgets everything once a command that is not read-only, an upload or a removal runs", async () => {
    const pool = new MmpSessionPool(60_000);
    const a = await pool.lease(lab.targets[0]);
    const b = await pool.lease(lab.targets[0]);
    await a.run("xmpp", { readOnly: true });
    await a.run("version", { readOnly: true });
    await b.run("xmpp callbridge list");
    expect(a.recall("xmpp", 60_000)).toBeUndefined();
    expect(a.recall("version", 60_000)).toBeUndefined();
    expect(a.recall("xmpp callbridge list", 60_000)).toBeUndefined();
    await a.run("xmpp", { readOnly: true });
    await b.upload("remembered.txt", "x");
    expect(a.recall("xmpp", 60_000)).toBeUndefined();
    await a.run("xmpp", { readOnly: true });
    await b.remove("remembered.txt");
    expect(a.recall("xmpp", 60_000)).toBeUndefined();
    a.close();
    b.close();
  });

  it("forgets what is older than asked, and everything after a command failed", async () => {
    const pool = new MmpSessionPool(60_000);
    const a = await pool.lease(lab.targets[0]);
    await a.run("xmpp", { readOnly: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(a.recall("xmpp", 10)).toBeUndefined();
    expect(a.recall("xmpp", 60_000)).toMatch(/^Enabled\s*:/m);
    await expect(a.run("xmpp no-such-command", { readOnly: true })).rejects.toThrow(/\[cb1\]/);
    expect(a.recall("xmpp", 60_000)).toBeUndefined();
    expect(a.recall("xmpp no-such-command", 60_000)).toBeUndefined();
    a.close();
  });

  it("remembers nothing for a lease given back, or once the node closed the connection", async () => {
    const pool = new MmpSessionPool(60_000);
    const a = await pool.lease(lab.targets[0]);
    const b = await pool.lease(lab.targets[0]);
    await a.run("xmpp", { readOnly: true });
    a.close();
    expect(a.recall("xmpp", 60_000)).toBeUndefined();
    expect(b.recall("xmpp", 60_000)).toMatch(/^Enabled\s*:/m);
    await node().stop();
    await node().start();
    await new Promise((r) => setTimeout(r, 100));
    expect(b.recall("xmpp", 60_000)).toBeUndefined();
    b.close();
  });
});
