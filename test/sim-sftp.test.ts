import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SFTPWrapper } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCa, type SimCluster, startSimCluster } from "../sim";
import { loopbackSubnet } from "./sim-support/loopback-net";
import { MmpClient } from "./sim-support/mmp-client";
import { readRemote, writeRemote } from "./sim-support/sftp-files";

const call = <T>(fn: (callback: (error: Error | null | undefined, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));

/** SFTP on the MMP's flat root. */
describe("SFTP", () => {
  const scratch = mkdtempSync(join(tmpdir(), "sim-sftp-"));
  let cluster: SimCluster;
  let mmp: MmpClient;
  let sftp: SFTPWrapper;

  beforeAll(async () => {
    cluster = await startSimCluster({ nodes: [{ name: "cb1", host: `${loopbackSubnet()}.1` }] });
    mmp = await MmpClient.connect(cluster.node("cb1"));
    sftp = await mmp.sftp();
  });
  afterAll(async () => {
    mmp?.close();
    await cluster?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("takes a fastPut of many concurrent out-of-order chunks intact and gives it back", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 123);
    writeFileSync(join(scratch, "upgrade.img"), data);
    await call<void>((done) =>
      sftp.fastPut(join(scratch, "upgrade.img"), "/upgrade.img", { concurrency: 64, chunkSize: 32768 }, (error) =>
        done(error, undefined),
      ),
    );
    expect(cluster.node("cb1").store.files.read("upgrade.img")?.equals(data)).toBe(true);
    await call<void>((done) =>
      sftp.fastGet("/upgrade.img", join(scratch, "back.img"), (error) => done(error, undefined)),
    );
    expect(readFileSync(join(scratch, "back.img")).equals(data)).toBe(true);
  });

  it("stats files and the root, lists the root ending with EOF", async () => {
    await writeRemote(sftp, "ROOTCA.cer", createCa("Root").certPem);
    const stats = await call<{ size: number; isFile(): boolean }>((done) => sftp.stat("/ROOTCA.cer", done));
    expect(stats.isFile()).toBe(true);
    expect(stats.size).toBeGreaterThan(100);
    const lstat = await call<{ isFile(): boolean }>((done) => sftp.lstat("ROOTCA.cer", done));
    expect(lstat.isFile()).toBe(true);
    const root = await call<{ isDirectory(): boolean }>((done) => sftp.stat("/", done));
    expect(root.isDirectory()).toBe(true);
    const handle = await call<Buffer>((done) => sftp.open("/ROOTCA.cer", "r", done));
    const fstat = await call<{ size: number }>((done) => sftp.fstat(handle, done));
    expect(fstat.size).toBe(stats.size);
    await call<void>((done) => sftp.close(handle, (error) => done(error, undefined)));
    const entries = await call<{ filename: string; longname: string }[]>((done) => sftp.readdir("/", done));
    expect(entries.map((entry) => entry.filename).sort()).toEqual(["ROOTCA.cer", "upgrade.img"]);
    expect(entries[0].longname).toMatch(/^-rw-r--r-- /);
    expect(await call<string>((done) => sftp.realpath(".", done))).toBe("/");
  });

  it("refuses directories", async () => {
    await expect(call<void>((done) => sftp.mkdir("/certs", (error) => done(error, undefined)))).rejects.toThrow(
      /not supported|denied/i,
    );
    await expect(writeRemote(sftp, "/certs/a.cer", "x")).rejects.toThrow();
  });

  it("renames and removes, and pki list follows", async () => {
    await writeRemote(sftp, "tmp.crt", createCa("Other").certPem);
    await call<void>((done) => sftp.rename("/tmp.crt", "/intermediate.crt", (error) => done(error, undefined)));
    await expect(readRemote(sftp, "tmp.crt")).rejects.toThrow();
    expect(await mmp.run("pki list")).toBe("User supplied certificates and keys:\nROOTCA.cer\nintermediate.crt");
    await call<void>((done) => sftp.unlink("/intermediate.crt", (error) => done(error, undefined)));
    expect(await mmp.run("pki list")).toBe("User supplied certificates and keys:\nROOTCA.cer");
    await expect(call<void>((done) => sftp.unlink("/nothere", (error) => done(error, undefined)))).rejects.toThrow();
  });
});
