import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCa, parseCsr, type SimCluster, signCsr, startSimCluster } from "../sim";
import { eventually, loopbackSubnet, threeNodes } from "./sim-support/loopback-net";
import { MmpClient } from "./sim-support/mmp-client";
import { readRemote, writeRemote } from "./sim-support/sftp-files";
import { buildXmppCluster, DOMAIN } from "./sim-support/xmpp-procedure";

/** The TechNote "Configure XMPP Resiliency", steps 1-8, typed into PTY shells on three simulated nodes. */
describe("seed procedure on three nodes", () => {
  let cluster: SimCluster;
  const subnet = loopbackSubnet();

  beforeAll(async () => {
    cluster = await startSimCluster({ nodes: threeNodes(subnet), keepaliveMs: 50, electionTimeoutMs: 500 });
  });
  afterAll(() => cluster?.stop());

  it("steps 1-2: pki csr writes a real key and PKCS#10 request that a CA can sign", async () => {
    const cb1 = await MmpClient.connect(cluster.node("cb1"));
    const output = await cb1.run(
      `pki csr abhiall CN:${DOMAIN} subjectAltName:cb1.${DOMAIN},cb2.${DOMAIN},cb3.${DOMAIN} O:"Cisco TAC" OU:Collab L:Bangalore ST:KA C:IN`,
      10_000,
    );
    expect(output).toMatch(
      /^\.+\n\.+\nCreated key file abhiall\.key and CSR abhiall\.csr\nCSR file abhiall\.csr ready for download via SFTP$/,
    );
    const sftp = await cb1.sftp();
    const csr = parseCsr((await readRemote(sftp, "abhiall.csr")).toString());
    expect(csr.signatureValid).toBe(true);
    expect(csr.subject).toEqual({ CN: DOMAIN, O: "Cisco TAC", OU: "Collab", L: "Bangalore", ST: "KA", C: "IN" });
    expect(csr.subjectAltNames).toEqual([`cb1.${DOMAIN}`, `cb2.${DOMAIN}`, `cb3.${DOMAIN}`]);
    expect(csr.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    const ca = createCa("TAC Lab Root CA");
    const certificate = signCsr((await readRemote(sftp, "abhiall.csr")).toString(), ca);
    const key = await readRemote(sftp, "abhiall.key");
    for (const node of cluster.nodes) {
      const mmp = node.name === "cb1" ? cb1 : await MmpClient.connect(node);
      const files = await mmp.sftp();
      if (node.name !== "cb1") await writeRemote(files, "abhiall.key", key);
      await writeRemote(files, "abhiall.cer", certificate);
      await writeRemote(files, "certall.cer", ca.certPem);
      expect(await mmp.run("pki match abhiall.key abhiall.cer")).toBe("SUCCESS: Key and certificate pair match");
      if (mmp !== cb1) mmp.close();
    }
    expect(await cb1.run("pki list")).toBe(
      "User supplied certificates and keys:\nabhiall.key\nabhiall.csr\nabhiall.cer\ncertall.cer",
    );
    expect(await cb1.run("pki verify abhiall.cer certall.cer")).toMatch(/SUCCESS: Certificate abhiall\.cer verified/);
    cb1.close();
  });

  it("steps 3-8: callbridges, initialize on cb1, add-secret + join on cb2 and cb3", async () => {
    const { secrets, log } = await buildXmppCluster(cluster);
    expect([...secrets.keys()]).toEqual(["cb1", "cb2", "cb3"]);
    for (const secret of secrets.values()) expect(secret).toMatch(/^[A-Za-z0-9]{16}Ab1$/);
    const outputOf = (node: string, command: string) =>
      log.find((entry) => entry.node === node && entry.command === command)?.output;
    expect(outputOf("cb1", "xmpp cluster initialize")).toBe("SUCCESS: XMPP cluster initialized");
    expect(outputOf("cb1", "xmpp enable")).toBe(
      "SUCCESS: Key and certificate pair match\nSUCCESS: XMPP server enabled",
    );
    expect(outputOf("cb2", `xmpp cluster join ${subnet}.1`)).toBe(`SUCCESS: Joined XMPP cluster at ${subnet}.1:5222`);
    expect(outputOf("cb3", `xmpp cluster join ${subnet}.1`)).toBe(`SUCCESS: Joined XMPP cluster at ${subnet}.1:5222`);
    const cb1List = outputOf("cb1", "xmpp callbridge list");
    expect(cb1List).toBe(
      [...secrets]
        .map(([name, secret]) => `***\nCallbridge : ${name}\nDomain     : ${DOMAIN}\nSecret     : ${secret}`)
        .join("\n"),
    );
  });

  it("verify: xmpp cluster status shows one leader and three peers on every node", async () => {
    await eventually(() => cluster.nodes.every((node) => node.state().cluster.leader !== null));
    const statuses: string[] = [];
    for (const node of cluster.nodes) {
      const mmp = await MmpClient.connect(node);
      statuses.push(await mmp.run("xmpp cluster status"));
      mmp.close();
    }
    const leaders = statuses.map((status) => /^(\S+) \(Leader\)$/m.exec(status)?.[1]);
    expect(new Set(leaders).size).toBe(1);
    expect(statuses.filter((status) => status.startsWith("State: LEADER\n"))).toHaveLength(1);
    expect(statuses.filter((status) => status.startsWith("State: FOLLOWER\n"))).toHaveLength(2);
    for (const status of statuses) {
      const lines = status.split("\n");
      expect(lines[1]).toBe("List of peers");
      expect(
        lines
          .slice(2, 5)
          .map((line) => line.replace(" (Leader)", ""))
          .sort(),
      ).toEqual([`${subnet}.1:5222`, `${subnet}.2:5222`, `${subnet}.3:5222`]);
      expect(lines[5]).toMatch(/^Last state change: \d{4}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(lines.slice(6)).toEqual([
        "Key file           : abhiall.key",
        "Certificate file   : abhiall.cer",
        "Trust bundle       : abhiall.cer",
      ]);
    }
  });

  it("callbridge secrets are per node and never reach the transcript", async () => {
    for (const node of cluster.nodes) {
      expect(node.state().xmpp.callbridges).toEqual(["cb1", "cb2", "cb3"]);
      const recorded = JSON.stringify(node.transcript);
      expect(recorded).not.toMatch(/[A-Za-z0-9]{16}Ab1/);
    }
    const list = cluster.node("cb1").transcript.find((entry) => entry.command === "xmpp callbridge list");
    expect(list?.output).toContain("Secret     : ********");
  });
});
