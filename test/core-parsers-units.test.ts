/** Pure unit tests of the MMP output parsers in src/core/parsers. */
import { describe, expect, it } from "vitest";
import { parseCallBridgeList } from "../src/core/parsers/callbridge-list";
import { parseClusterStatus } from "../src/core/parsers/cluster-status";
import { firstValue, keyValueLines, optionalValue, parseFlag } from "../src/core/parsers/key-value";
import { parsePkiList } from "../src/core/parsers/pki-list";
import { parseVersion } from "../src/core/parsers/version";
import { parseXmppStatus } from "../src/core/parsers/xmpp-status";

const NOTHING = {
  enabled: undefined,
  domain: undefined,
  listen: undefined,
  keyFile: undefined,
  certificateFile: undefined,
  caBundleFile: undefined,
  clusterEnabled: undefined,
  clustered: undefined,
  trustBundle: undefined,
};

describe("parseXmppStatus", () => {
  it("reads the long spellings of every key", () => {
    expect(
      parseXmppStatus(
        [
          "XMPP enabled       : yes",
          "Domain name        : example.com",
          "Listening interfaces : a, b  c,,",
          "Key file           : x.key",
          "Certificate file   : x.cer",
          "CA bundle file     : none",
          "Cluster enabled    : false",
          "Clustered          : true",
          "Cluster trust bundle file : trust.cer",
        ].join("\n"),
      ),
    ).toStrictEqual({
      enabled: true,
      domain: "example.com",
      listen: ["a", "b", "c"],
      keyFile: "x.key",
      certificateFile: "x.cer",
      caBundleFile: null,
      clusterEnabled: false,
      clustered: true,
      trustBundle: "trust.cer",
    });
  });

  it("reads the short spellings", () => {
    expect(
      parseXmppStatus(
        [
          "Status      : enabled",
          "Domain      : d.example",
          "Listen      : a",
          "Cert file   : c.cer",
          "Bundle file : b.cer",
          "Cluster     : on",
          "Trust       : t.cer",
        ].join("\n"),
      ),
    ).toStrictEqual({
      ...NOTHING,
      enabled: true,
      domain: "d.example",
      listen: ["a"],
      certificateFile: "c.cer",
      caBundleFile: "b.cer",
      clusterEnabled: true,
      trustBundle: "t.cer",
    });
    expect(
      parseXmppStatus(
        ["Enabled : no", "Listening : b", "CA bundle : ca.cer", "Clustering : off", "Trust bundle : -"].join("\n"),
      ),
    ).toStrictEqual({
      ...NOTHING,
      enabled: false,
      listen: ["b"],
      caBundleFile: "ca.cer",
      clusterEnabled: false,
      trustBundle: null,
    });
    expect(parseXmppStatus("Listen interface : i1\nTrust file : tf.cer")).toStrictEqual({
      ...NOTHING,
      listen: ["i1"],
      trustBundle: "tf.cer",
    });
  });

  it("matches whole keys only, so look-alike keys stay unread", () => {
    expect(
      parseXmppStatus(
        [
          "Relisten : a",
          "Listen interfaces x : b",
          "Listening interfaces extra : b",
          "XMPP status : disabled",
          "Status code : yes",
          "Old domain : old.example",
          "Domain names : x",
          "Private key file : p.key",
          "Key files : k",
          "Leaf certificate file : l.cer",
          "Certificate files : c",
          "Cert : c",
          "My CA bundle file : m",
          "CA bundle files : f",
          "My ca bundle : m",
          "CA bundle extra : e",
          "CA  bundle : spaced",
          "Bundle : b",
          "Is cluster enabled : yes",
          "Cluster enabled now : yes",
          "Not clustered : yes",
          "Clustered since : yes",
          "Old cluster trust : o",
          "Trust bundle files : x",
          "Trust file bundle : x",
        ].join("\n"),
      ),
    ).toStrictEqual({ ...NOTHING, caBundleFile: "spaced" });
  });

  it("treats an empty listen value as unset", () => {
    expect(parseXmppStatus("Listen : none").listen).toBeUndefined();
  });
});

describe("key-value helpers", () => {
  it("splits key: value lines with normalised keys", () => {
    expect(keyValueLines("  Key   File  :  a.key  \r\nno colon here\n9 bad : x\nx: y\nEmpty :\nurl:http://h/")).toEqual(
      [
        ["key file", " a.key"],
        ["x", "y"],
        ["empty", ""],
        ["url", "http://h/"],
      ],
    );
    expect(keyValueLines("")).toEqual([]);
    expect(keyValueLines("Key:value")).toEqual([["key", "value"]]);
    expect(keyValueLines("  a\tb : 1")).toEqual([]);
  });

  it("finds the first value whose key matches", () => {
    expect(
      firstValue(
        [
          ["a", "1"],
          ["b", "2"],
          ["b", "3"],
        ],
        /^b$/,
      ),
    ).toBe("2");
    expect(firstValue([["a", "1"]], /^b$/)).toBeUndefined();
  });

  it("reads every spelling of a flag, trimmed and in any case", () => {
    expect(["true", "YES", " Enabled ", "on"].map(parseFlag)).toEqual([true, true, true, true]);
    expect(["false", "No", " DISABLED ", "off"].map(parseFlag)).toEqual([false, false, false, false]);
    expect(["", "maybe", undefined].map(parseFlag)).toEqual([undefined, undefined, undefined]);
  });

  it("reads none, - and blanks as unset, and trims values", () => {
    expect(["", "  ", "None", " none ", "-", " - "].map(optionalValue)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(optionalValue("  a.cer ")).toBe("a.cer");
    expect(optionalValue("nonexistent")).toBe("nonexistent");
    expect(optionalValue(undefined)).toBeUndefined();
  });
});

describe("parseClusterStatus", () => {
  it("reads the state, peers, leader, duplicates and files", () => {
    expect(
      parseClusterStatus(
        [
          "Cluster status:",
          "  State :  leader",
          "  Peers:",
          "    10.0.0.1:5222 (Leader)",
          "    10.0.0.2:5222",
          "    10.0.0.2:5222",
          "    [fd00::3]:5222\t(Leader)",
          "Key file         : k.key",
          "Certificate file : none",
          "Cluster trust bundle : t.cer",
        ].join("\n"),
      ),
    ).toStrictEqual({
      state: "LEADER",
      peers: [
        { address: "10.0.0.1", port: 5222, leader: true },
        { address: "10.0.0.2", port: 5222, leader: false },
        { address: "10.0.0.2", port: 5222, leader: false },
        { address: "[fd00::3]", port: 5222, leader: true },
      ],
      leader: "10.0.0.1:5222",
      duplicates: ["10.0.0.2:5222"],
      keyFile: "k.key",
      certificateFile: null,
      trustBundle: "t.cer",
    });
  });

  it("reads State only at the start of a line, with spaces around the colon", () => {
    expect(parseClusterStatus("Member State : follower\nState\t:\tCANDIDATE").state).toBe("CANDIDATE");
    expect(parseClusterStatus("xState : leader").state).toBeUndefined();
    expect(parseClusterStatus("Statex : leader").state).toBeUndefined();
    expect(parseClusterStatus("State:follower").state).toBe("FOLLOWER");
  });

  it("reads the leader mark only after whitespace", () => {
    expect(parseClusterStatus("10.0.0.1:5222(Leader)").peers).toEqual([]);
    expect(parseClusterStatus("10.0.0.1:5222   (Leader)").peers).toEqual([
      { address: "10.0.0.1", port: 5222, leader: true },
    ]);
  });

  it("matches whole file keys only", () => {
    expect(
      parseClusterStatus(
        [
          "Private key file : p",
          "Key files : k",
          "Leaf cert file : l",
          "Cert files : c",
          "Cert file : c.cer",
          "My trust : m",
          "Trust bundle files : x",
        ].join("\n"),
      ),
    ).toStrictEqual({
      state: undefined,
      peers: [],
      leader: undefined,
      duplicates: [],
      keyFile: undefined,
      certificateFile: "c.cer",
      trustBundle: undefined,
    });
    expect(parseClusterStatus("Certificate file : a\nTrust : b\nTrust file : c")).toMatchObject({
      certificateFile: "a",
      trustBundle: "b",
    });
    expect(parseClusterStatus("Cert file : x\nTrust file : y")).toMatchObject({
      certificateFile: "x",
      trustBundle: "y",
    });
  });
});

describe("parsePkiList", () => {
  it("lists the file names after the heading, once each, trimmed", () => {
    expect(
      parsePkiList(
        [
          "before.cer",
          "  User supplied certificates and keys:  ",
          "  cb1.key ",
          "cb1.cer",
          "not a file name",
          "cb1.cer",
          "x/y.cer",
        ].join("\r\n"),
      ),
    ).toEqual(["cb1.key", "cb1.cer"]);
  });

  it("accepts the heading without its colon, in any case, but only as a whole line", () => {
    expect(parsePkiList("USER SUPPLIED CERTIFICATES AND KEYS\na.cer")).toEqual(["a.cer"]);
    expect(parsePkiList("x.cer\nOther user supplied certificates and keys:\na.cer")).toEqual(["x.cer", "a.cer"]);
    expect(parsePkiList("x.cer\nUser supplied certificates and keys: extra\na.cer")).toEqual(["x.cer", "a.cer"]);
  });

  it("lists every file name when there is no heading", () => {
    expect(parsePkiList("a.cer\nb.key")).toEqual(["a.cer", "b.key"]);
  });
});

describe("parseVersion", () => {
  it("reads multi-digit version parts", () => {
    expect(parseVersion("version 12.34.56")).toEqual({ major: 12, minor: 34, patch: 56, text: "12.34.56" });
    expect(parseVersion("3.10")).toEqual({ major: 3, minor: 10, patch: 0, text: "3.10" });
    expect(parseVersion("none")).toBeUndefined();
  });
});

describe("parseCallBridgeList", () => {
  it("reads the blocks, with spaced keys and empty values", () => {
    expect(
      parseCallBridgeList(
        [
          "Domain : ignored",
          "  Call Bridge :  cb1 ",
          "Domain:example.com",
          "Secret :",
          "*****",
          "callbridge : cb2",
          "secret : s2",
        ].join("\n"),
      ),
    ).toEqual([
      { name: "cb1", domain: "example.com", secret: undefined },
      { name: "cb2", domain: undefined, secret: "s2" },
    ]);
  });

  it("ignores look-alike keys", () => {
    expect(parseCallBridgeList("My callbridge : x\nxcallbridge : y")).toEqual([]);
  });
});
