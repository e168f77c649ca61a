import { describe, expect, it } from "vitest";
import { parseCallBridgeList } from "../components/core/parsers/callbridge-list";
import { parseClusterStatus } from "../components/core/parsers/cluster-status";
import { parsePkiList } from "../components/core/parsers/pki-list";
import { parseVersion } from "../components/core/parsers/version";
import { parseXmppStatus } from "../components/core/parsers/xmpp-status";
import { blockAfter, germanSeed, lineIndex } from "./support/seeds";

const seed = germanSeed();

describe("xmpp callbridge list", () => {
  it("parses the seed's list on cb1 (step 7)", () => {
    const block = blockAfter(seed, "[cb1> xmpp callbridge list", /^```/);
    expect(parseCallBridgeList(block)).toEqual([
      { name: "cb1", domain: "tptac9.com", secret: "kvgP1SRzWVabhiPVAb1" },
      { name: "cb2", domain: "tptac9.com", secret: "uBiLLdIU8vVqj86CAb1" },
      { name: "cb3", domain: "tptac9.com", secret: "RJTmSh4smhLYguGpAb1" },
    ]);
  });

  it("parses scenario 2, where cb1 holds cb3's secret", () => {
    const from = lineIndex(seed, "Szenario 2");
    const block = blockAfter(seed, "[cb1> xmpp callbridge list", /^\[cb1>|^```/, from);
    const entries = parseCallBridgeList(block);
    expect(entries.map((e) => e.name)).toEqual(["cb1", "cb2", "cb3"]);
    expect(entries[0].secret).toBe("RJTmSh4smhLYguGpAb1");
    expect(entries[0].secret).toBe(entries[2].secret);
  });

  it("accepts trailing spaces and the prose form Callbridge: x", () => {
    expect(parseCallBridgeList("Callbridge: cb1  \nDomain: tptac9.com  \nSecret: kvgP1SRzWVabhiPVAb1")).toEqual([
      { name: "cb1", domain: "tptac9.com", secret: "kvgP1SRzWVabhiPVAb1" },
    ]);
  });

  it("returns nothing for an empty list", () => {
    expect(parseCallBridgeList("")).toEqual([]);
  });
});

describe("xmpp cluster status", () => {
  it("parses the seed's follower status on cb2 with its leader", () => {
    const block = blockAfter(seed, "[cb2> xmpp cluster status", /^```/);
    const status = parseClusterStatus(block);
    expect(status.state).toBe("FOLLOWER");
    expect(status.leader).toBe("10.106.81.30:5222");
    expect(status.peers.map((p) => `${p.address}:${p.port}`)).toEqual([
      "10.106.81.30:5222",
      "10.106.81.32:5222",
      "10.106.81.31:5222",
    ]);
    expect(status.duplicates).toEqual([]);
  });

  it("parses the seed's leader status on cb3", () => {
    const status = parseClusterStatus(blockAfter(seed, "[cb3> xmpp cluster status", /^```/));
    expect(status.state).toBe("LEADER");
    expect(status.peers).toHaveLength(3);
    expect(status.peers.filter((p) => p.leader)).toEqual([{ address: "10.106.81.30", port: 5222, leader: true }]);
  });

  it("finds the duplicate peer of scenario 3 (CSCvi67717)", () => {
    const from = lineIndex(seed, "Szenario 3");
    const status = parseClusterStatus(blockAfter(seed, "cb1> xmpp cluster status", /^```/, from));
    expect(status.state).toBe("LEADER");
    expect(status.peers).toHaveLength(4);
    expect(status.duplicates).toEqual(["10.61.7.91:5222"]);
    expect(status.leader).toBe("10.59.103.70:5222");
  });

  it("has no state and no peers when clustering is off", () => {
    expect(parseClusterStatus("Cluster not enabled")).toEqual({
      state: undefined,
      peers: [],
      leader: undefined,
      duplicates: [],
    });
  });

  it("does not mistake Key file lines for peers", () => {
    const status = parseClusterStatus(
      "State: LEADER\nList of peers\n10.0.0.1:5222 (Leader)\nKey file : a.key\nLast state change: 2017-Aug-13 07:28:05",
    );
    expect(status.peers).toEqual([{ address: "10.0.0.1", port: 5222, leader: true }]);
  });
});

describe("xmpp status block", () => {
  it("reads enabled, domain, listen, files and clustering from Key : value lines", () => {
    const status = parseXmppStatus(
      [
        "Enabled               : true",
        "Clustered             : true",
        "Cluster enabled       : true",
        "Domain                : tptac9.com",
        "Listening interfaces  : a",
        "Key file              : abhiall.key",
        "Certificate file      : abhiall.cer",
        "CA Bundle file        : certall.cer",
        "Trust bundle          : xmpp-cluster-bundle.crt",
      ].join("\n"),
    );
    expect(status).toEqual({
      enabled: true,
      domain: "tptac9.com",
      listen: ["a"],
      keyFile: "abhiall.key",
      certificateFile: "abhiall.cer",
      caBundleFile: "certall.cer",
      clusterEnabled: true,
      clustered: true,
      trustBundle: "xmpp-cluster-bundle.crt",
    });
  });

  it("treats none as unset and reads disabled", () => {
    const status = parseXmppStatus("Enabled : false\nDomain : none\nKey file : none\nCluster : disabled");
    expect(status.enabled).toBe(false);
    expect(status.domain).toBeUndefined();
    expect(status.keyFile).toBeUndefined();
    expect(status.clusterEnabled).toBe(false);
  });

  it("reads the trust bundle the seed prints under xmpp cluster status", () => {
    const block = blockAfter(seed, "[cb3> xmpp cluster status", /^```/);
    expect(parseXmppStatus(block).trustBundle).toBe("abhiall.cer");
    expect(parseXmppStatus(block).keyFile).toBe("abhiall.key");
  });
});

describe("pki list and version", () => {
  it("parses the reference's pki list transcript", () => {
    const out = "User supplied certificates and keys:\ntac.key\ntac.cer\nROOTCA.cer\nexample.key\nexample.csr\ntac.csr";
    expect(parsePkiList(out)).toEqual(["tac.key", "tac.cer", "ROOTCA.cer", "example.key", "example.csr", "tac.csr"]);
  });

  it("reads 2.x and 3.x versions", () => {
    expect(parseVersion("2.9.8")).toEqual({ major: 2, minor: 9, patch: 8, text: "2.9.8" });
    expect(parseVersion("Version : 3.1")?.major).toBe(3);
    expect(parseVersion("no digits")).toBeUndefined();
  });
});
