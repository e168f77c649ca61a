import { describe, expect, it } from "vitest";
import { combineFacts } from "../src/core/facts";
import { parseCallBridgeList } from "../src/core/parsers/callbridge-list";
import { parseClusterStatus } from "../src/core/parsers/cluster-status";
import { parsePkiList } from "../src/core/parsers/pki-list";
import { parseVersion } from "../src/core/parsers/version";
import { parseXmppStatus } from "../src/core/parsers/xmpp-status";
import { blockAfter, germanSeed, lineIndex, spanishSeed } from "./support/seeds";

const seed = germanSeed();
const spanish = spanishSeed();

describe("xmpp callbridge list", () => {
  it("parses the TechNote's list on cb1 (step 7)", () => {
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

  it("parses the Spanish edition's OCR list, blank lines and separator noise included", () => {
    const block = blockAfter(spanish, "cbl> xmﬁp callbridée list", /^Después/);
    expect(parseCallBridgeList(block)).toEqual([
      { name: "cbl", domain: "tptac9.com", secret: "kvgP1SRzWVabhiPVAb1" },
      { name: "cb2", domain: "tptac9.com", secret: "uBiLLdIU8vVQgj86CAb1" },
      { name: "cb3", domain: "tptac9.com", secret: "RITmSh4smhLYguGpAbl" },
    ]);
  });

  it("returns nothing for an empty list", () => {
    expect(parseCallBridgeList("")).toEqual([]);
  });
});

describe("xmpp cluster status", () => {
  it("parses the TechNote's follower status on cb2 with its leader", () => {
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

  it("parses the TechNote's leader status on cb3", () => {
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

  it("has no state, no peers and no files when clustering is off and nothing is printed", () => {
    expect(parseClusterStatus("Cluster not enabled")).toEqual({
      state: undefined,
      peers: [],
      leader: undefined,
      duplicates: [],
      keyFile: undefined,
      certificateFile: undefined,
      trustBundle: undefined,
    });
  });

  it.each(["cb1", "cb2", "cb3"])(
    "reads the key, certificate and trust bundle of %s's status (German edition)",
    (node) => {
      const status = parseClusterStatus(blockAfter(seed, `[${node}> xmpp cluster status`, /^```/));
      expect([status.keyFile, status.certificateFile, status.trustBundle]).toEqual([
        "abhiall.key",
        "abhiall.cer",
        "abhiall.cer",
      ]);
    },
  );

  it("reads the Spanish edition's OCR text of cb1's and cb2's status the same way", () => {
    const cb1 = parseClusterStatus(blockAfter(spanish, "cbl> xmpp cluster status", /^De manera similar/));
    expect(cb1).toEqual({
      state: "FOLLOWER",
      peers: [
        { address: "10.106.81.30", port: 5222, leader: true },
        { address: "10.106.81.31", port: 5222, leader: false },
        { address: "10.106.81.32", port: 5222, leader: false },
      ],
      leader: "10.106.81.30:5222",
      duplicates: [],
      keyFile: "abhiall.key",
      certificateFile: "abhiall.cer",
      trustBundle: "abhiall.cer",
    });
    const cb2 = parseClusterStatus(blockAfter(spanish, "cb2> xmpp cluster status", /^cbh2>/));
    expect([cb2.state, cb2.leader, cb2.keyFile, cb2.certificateFile, cb2.trustBundle]).toEqual([
      "FOLLOWER",
      "10.106.81.30:5222",
      "abhiall.key",
      "abhiall.cer",
      "abhiall.cer",
    ]);
  });

  it("tells a file printed as none (null) from one not printed at all (undefined)", () => {
    const status = parseClusterStatus("State: DISABLED\nList of peers\nKey file : none\nTrust bundle : none");
    expect([status.keyFile, status.certificateFile, status.trustBundle]).toEqual([null, undefined, null]);
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

  it("treats none as unset and reads disabled; a file not printed stays undefined", () => {
    const status = parseXmppStatus("Enabled : false\nDomain : none\nKey file : none\nCluster : disabled");
    expect(status.enabled).toBe(false);
    expect(status.domain).toBeUndefined();
    expect(status.keyFile).toBeNull();
    expect(status.certificateFile).toBeUndefined();
    expect(status.trustBundle).toBeUndefined();
    expect(status.clusterEnabled).toBe(false);
  });

  it("takes the files from `xmpp cluster status` when `xmpp` does not print them", () => {
    const xmpp = parseXmppStatus("Enabled : true\nDomain : tptac9.com\nListening interfaces : a");
    const cluster = parseClusterStatus(blockAfter(seed, "[cb3> xmpp cluster status", /^```/));
    const facts = combineFacts({ node: "cb3", version: undefined, xmpp, callBridges: [], cluster });
    expect([facts.xmpp.keyFile, facts.xmpp.certificateFile, facts.xmpp.trustBundle]).toEqual([
      "abhiall.key",
      "abhiall.cer",
      "abhiall.cer",
    ]);
    expect(facts.xmpp.caBundleFile).toBeUndefined();
  });

  it("prefers the trust bundle of `xmpp cluster status`, where the TechNote prints it", () => {
    const xmpp = parseXmppStatus("Enabled : true\nCluster trust bundle : stale.cer\nKey file : a.key");
    const cluster = parseClusterStatus("State: LEADER\nKey file : b.key\nTrust bundle : abhiall.cer");
    const facts = combineFacts({ node: "cb1", version: undefined, xmpp, callBridges: [], cluster });
    expect([facts.xmpp.keyFile, facts.xmpp.trustBundle]).toEqual(["a.key", "abhiall.cer"]);
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
