import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCa, issueKeyAndCertificate, type SimCluster, startSimCluster } from "../sim";
import { loopbackSubnet } from "./sim-support/loopback-net";
import { MmpClient } from "./sim-support/mmp-client";
import { writeRemote } from "./sim-support/sftp-files";

/** The checks a real node makes before it lets XMPP or clustering change. */
describe("MMP prerequisites and PKI checks", () => {
  const subnet = loopbackSubnet();
  let cluster: SimCluster;
  let mmp: MmpClient;
  let lenient: MmpClient;

  beforeAll(async () => {
    cluster = await startSimCluster({
      nodes: [
        { name: "cb1", host: `${subnet}.1` },
        {
          name: "lab",
          host: `${subnet}.2`,
          behaviour: { acceptSubAltName: true, clusterChangesRequireXmppDisabled: false },
        },
      ],
    });
    mmp = await MmpClient.connect(cluster.node("cb1"));
    lenient = await MmpClient.connect(cluster.node("lab"));
    const ca = createCa("Lab CA");
    const good = issueKeyAndCertificate({ CN: "tptac9.com" }, { ca });
    const other = issueKeyAndCertificate({ CN: "other" }, { ca });
    for (const client of [mmp, lenient]) {
      const sftp = await client.sftp();
      await writeRemote(sftp, "xmpp.key", good.keyPem);
      await writeRemote(sftp, "xmpp.cer", good.certPem);
      await writeRemote(sftp, "other.key", other.keyPem);
      await writeRemote(sftp, "ca.cer", ca.certPem);
      await writeRemote(sftp, "notes.txt", "hello");
    }
  });
  afterAll(async () => {
    mmp?.close();
    lenient?.close();
    await cluster?.stop();
  });

  it("shows the xmpp status block of an unconfigured node", async () => {
    expect(await mmp.run("xmpp")).toBe(
      [
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
      ].join("\n"),
    );
  });

  it("xmpp enable fails without domain, listen interface and certificates", async () => {
    expect(await mmp.run("xmpp enable")).toBe(
      [
        "FAILURE: XMPP domain not configured",
        "FAILURE: No listening interfaces configured",
        "FAILURE: No certificates configured",
        "FAILURE: XMPP configuration not complete",
      ].join("\n"),
    );
    expect(cluster.node("cb1").transcript.at(-1)).toMatchObject({ command: "xmpp enable", result: "error" });
  });

  it("xmpp certs fails on missing or wrong files", async () => {
    expect(await mmp.run("xmpp certs missing.key xmpp.cer")).toBe("FAILURE: Key file missing.key not found");
    expect(await mmp.run("xmpp certs xmpp.key missing.cer")).toBe("FAILURE: Certificate file missing.cer not found");
    expect(await mmp.run("xmpp certs xmpp.cer xmpp.cer")).toBe("FAILURE: xmpp.cer does not contain a private key");
    expect(await mmp.run("xmpp certs")).toBe("Usage: xmpp certs <key-file> <crt-file> [<crt-bundle>]");
  });

  it("xmpp enable fails when key and certificate do not match, and succeeds when they do", async () => {
    await mmp.run("xmpp domain tptac9.com");
    await mmp.run("xmpp listen a");
    expect(await mmp.run("xmpp certs other.key xmpp.cer ca.cer")).toBe("");
    expect(await mmp.run("xmpp enable")).toBe(
      "FAILURE: Key and certificate pair do not match\nFAILURE: XMPP configuration not complete",
    );
    await mmp.run("xmpp certs xmpp.key xmpp.cer ca.cer");
    expect(await mmp.run("xmpp enable")).toBe("SUCCESS: Key and certificate pair match\nSUCCESS: XMPP server enabled");
    expect(await mmp.run("xmpp")).toContain("STATUS                : XMPP server running");
  });

  it("cluster changes need XMPP disabled; initialize needs cluster enabled", async () => {
    expect(await mmp.run("xmpp cluster enable")).toBe("FAILURE: XMPP server must be disabled first (xmpp disable)");
    expect(await mmp.run("xmpp cluster initialize")).toBe("FAILURE: XMPP cluster not enabled (xmpp cluster enable)");
    await mmp.run("xmpp disable");
    expect(await mmp.run("xmpp cluster enable")).toBe("");
    await mmp.run("xmpp enable");
    expect(await mmp.run("xmpp cluster initialize")).toBe(
      "FAILURE: XMPP server must be disabled before initializing a cluster",
    );
  });

  it("join needs a trust bundle, a running XMPP server and a reachable cluster", async () => {
    expect(await mmp.run(`xmpp cluster join ${subnet}.2`)).toBe(
      "FAILURE: No cluster trust bundle configured (xmpp cluster trust)",
    );
    expect(await mmp.run("xmpp cluster trust nothere.cer")).toBe("FAILURE: Trust bundle file nothere.cer not found");
    await mmp.run("xmpp cluster trust ca.cer");
    expect(await mmp.run(`xmpp cluster join ${subnet}.2`)).toBe(
      `FAILURE: Unable to contact XMPP server at ${subnet}.2:5222`,
    );
    await mmp.run("xmpp disable");
    expect(await mmp.run(`xmpp cluster join ${subnet}.2`)).toBe("FAILURE: XMPP server not running (xmpp enable)");
  });

  it("the switch lets a node change clustering while XMPP runs (lab node)", async () => {
    for (const command of ["xmpp domain tptac9.com", "xmpp listen a", "xmpp certs xmpp.key xmpp.cer"]) {
      await lenient.run(command);
    }
    await lenient.run("xmpp enable");
    expect(await lenient.run("xmpp cluster enable")).toBe("");
  });

  it("join checks both certificates against the trust bundles, really", async () => {
    for (const command of ["xmpp disable", "xmpp cluster initialize", "xmpp enable"]) await lenient.run(command);
    await writeRemote(await mmp.sftp(), "unrelated.cer", createCa("Unrelated CA").certPem);
    await mmp.run("xmpp enable");
    await mmp.run("xmpp cluster trust unrelated.cer");
    expect(await mmp.run(`xmpp cluster join ${subnet}.2`)).toBe(
      `FAILURE: Certificate of ${subnet}.2:5222 is not trusted by the cluster trust bundle`,
    );
    await mmp.run("xmpp cluster trust ca.cer");
    expect(await mmp.run(`xmpp cluster join ${subnet}.2`)).toBe(
      "FAILURE: peer certificate not trusted by the cluster trust bundle",
    );
    await lenient.run("xmpp cluster trust ca.cer");
    expect(await mmp.run(`xmpp cluster join ${subnet}.2`)).toBe(`SUCCESS: Joined XMPP cluster at ${subnet}.2:5222`);
    expect(await mmp.run(`xmpp cluster join ${subnet}.2`)).toBe(
      "FAILURE: This node is already part of an XMPP cluster",
    );
  });

  it("pki csr needs CN, rejects unknown attributes and, by default, the subAltName spelling", async () => {
    expect(await mmp.run("pki csr x O:acme")).toBe("FAILURE: CN attribute is required");
    expect(await mmp.run("pki csr x CN:a.com subAltName:b.com")).toBe("FAILURE: Unknown attribute 'subAltName'");
    expect(await mmp.run("pki csr x CN:a.com C:Germany")).toBe(
      "FAILURE: C attribute must be a two-letter country code",
    );
    expect(await lenient.run("pki csr alias CN:a.com subAltName:b.com", 10_000)).toContain(
      "Created key file alias.key",
    );
    expect(await lenient.run("pki inspect alias.csr")).toBe(
      "Certificate signing request alias.csr:\n    Subject: CN=a.com\n    Subject alternative names: b.com\n    Signature: valid",
    );
  });

  it("pki inspect, match and verify", async () => {
    expect(await mmp.run("pki inspect xmpp.cer")).toMatch(
      /^Certificate xmpp\.cer:\n {4}Subject: CN=tptac9\.com\n {4}Issuer: CN=Lab CA\n/,
    );
    expect(await mmp.run("pki inspect notes.txt")).toBe(
      "FAILURE: notes.txt is not a certificate, key or certificate signing request",
    );
    expect(await mmp.run("pki match other.key xmpp.cer")).toBe("FAILURE: Key and certificate pair do not match");
    expect(await mmp.run("pki verify xmpp.cer ca.cer")).toBe(
      "  CN=tptac9.com\n  CN=Lab CA\nSUCCESS: Certificate xmpp.cer verified against ca.cer",
    );
    expect(await mmp.run("pki verify xmpp.cer")).toBe(
      "  CN=tptac9.com\nFAILURE: Certificate xmpp.cer not verified: unable to get issuer certificate",
    );
    expect(await mmp.run("pki list")).toBe(
      "User supplied certificates and keys:\nxmpp.key\nxmpp.cer\nother.key\nca.cer\nunrelated.cer",
    );
    expect(await mmp.run("pki")).toMatch(/^Usage:\npki list\n/);
  });
});
