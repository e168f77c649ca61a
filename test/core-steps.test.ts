import { describe, expect, it } from "vitest";
import { describeStep, type Op, renderStep, type Step, sequences } from "../src/core/steps";

const lines = (steps: Step[]) => steps.map((s) => `${s.node}: ${renderStep(s)}`);

describe("renderStep: one MMP command per typed step", () => {
  it.each<[Op, string]>([
    [{ op: "setDomain", domain: "tptac9.com" }, "xmpp domain tptac9.com"],
    [{ op: "setListen", interfaces: ["a", "b"] }, "xmpp listen a b"],
    [{ op: "setCerts", keyFile: "k.key", certFile: "c.cer" }, "xmpp certs k.key c.cer"],
    [{ op: "setCerts", keyFile: "k.key", certFile: "c.cer", bundleFile: "b.cer" }, "xmpp certs k.key c.cer b.cer"],
    [{ op: "setTrust", bundle: "t.cer" }, "xmpp cluster trust t.cer"],
    [{ op: "addBridge", bridge: "cb1" }, "xmpp callbridge add cb1"],
    [{ op: "addSecret", bridge: "cb1" }, "xmpp callbridge add-secret cb1"],
    [{ op: "delBridge", bridge: "cb1" }, "xmpp callbridge del cb1"],
    [{ op: "disable" }, "xmpp disable"],
    [{ op: "enable" }, "xmpp enable"],
    [{ op: "clusterEnable" }, "xmpp cluster enable"],
    [{ op: "clusterDisable" }, "xmpp cluster disable"],
    [{ op: "initialize" }, "xmpp cluster initialize"],
    [{ op: "join", founder: "10.106.81.30" }, "xmpp cluster join 10.106.81.30"],
    [{ op: "removePeer", peer: "10.106.81.32:5222", of: "cb3" }, "xmpp cluster remove 10.106.81.32:5222"],
    [{ op: "reset" }, "xmpp reset"],
  ])("%j → %s", (op, command) => {
    expect(renderStep(op)).toBe(command);
  });

  it("says in preview what is decided at run time, and never holds a secret", () => {
    expect(describeStep({ op: "addSecret", bridge: "cb2" })).toBe(
      "xmpp callbridge add-secret cb2  (answers the secret prompt)",
    );
    expect(describeStep({ op: "join", founder: "10.106.81.30" })).toBe(
      "xmpp cluster join 10.106.81.30  (unless it rejoins by itself)",
    );
    expect(describeStep({ op: "removePeer", peer: "10.106.81.32:5222", of: "cb3" })).toBe(
      "xmpp cluster remove 10.106.81.32:5222  (drops the entry of cb3, while it is listed)",
    );
    expect(describeStep({ op: "reset" })).toBe("xmpp reset");
  });
});

describe("the TechNote's sequences", () => {
  it("initialize: disable, cluster enable, initialize, enable (step 6)", () => {
    expect(lines(sequences.initialize("cb1"))).toEqual([
      "cb1: xmpp disable",
      "cb1: xmpp cluster enable",
      "cb1: xmpp cluster initialize",
      "cb1: xmpp enable",
    ]);
  });

  it("join: disable, cluster enable, enable, then join (steps 7-8)", () => {
    expect(lines(sequences.join("cb2", "10.106.81.30"))).toEqual([
      "cb2: xmpp disable",
      "cb2: xmpp cluster enable",
      "cb2: xmpp enable",
      "cb2: xmpp cluster join 10.106.81.30",
    ]);
  });

  it("restart: disable, enable", () => {
    expect(lines(sequences.restart("cb3"))).toEqual(["cb3: xmpp disable", "cb3: xmpp enable"]);
  });

  it("start: enable, then join only if it does not rejoin by itself", () => {
    expect(lines(sequences.start("cb3", "10.106.81.30"))).toEqual([
      "cb3: xmpp enable",
      "cb3: xmpp cluster join 10.106.81.30",
    ]);
  });

  it("leave: disable, cluster disable, reset, each only when needed", () => {
    expect(lines(sequences.leave("cb3", { stop: true, leave: true, reset: true }))).toEqual([
      "cb3: xmpp disable",
      "cb3: xmpp cluster disable",
      "cb3: xmpp reset",
    ]);
    expect(lines(sequences.leave("cb3", { stop: false, leave: true, reset: false }))).toEqual([
      "cb3: xmpp cluster disable",
    ]);
    expect(sequences.leave("cb3", { stop: false, leave: false, reset: false })).toEqual([]);
  });
});
