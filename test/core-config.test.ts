import { describe, expect, it } from "vitest";
import { ConfigError, configWarnings, parseClusterConfig } from "../components/core/config";

const node = (i: number) => ({ name: `cb${i}`, address: `10.106.81.${29 + i}`, fqdn: `cb${i}.tptac9.com` });
const valid = () => ({
  domain: "tptac9.com",
  nodes: [node(1), node(2), node(3)],
  callBridges: [{ name: "cb1" }, { name: "cb2" }, { name: "cb3" }],
});

function problems(raw: unknown): string[] {
  try {
    parseClusterConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe("cluster config", () => {
  it("accepts the seed lab and fills defaults", () => {
    const cfg = parseClusterConfig(valid());
    expect(cfg.nodes[0].sshPort).toBe(22);
    expect(cfg.listen).toEqual(["a"]);
    expect(cfg.mmp).toEqual({ username: "admin", trustOnFirstUse: false, timeoutSeconds: 60 });
    expect(cfg.verification.enabled).toBe(true);
    expect(cfg.confirmNodeRemoval).toBe(false);
  });

  it("rejects a bad domain, naming the field", () => {
    expect(problems({ ...valid(), domain: "tptac9" })).toEqual([
      "domain: must be a DNS domain such as tptac9.com (letters, digits, dots, hyphens)",
    ]);
  });

  it("rejects call bridge names with a domain part and duplicates", () => {
    const raw = { ...valid(), callBridges: [{ name: "cb1.tptac9.com" }, { name: "cb2" }, { name: "CB2" }] };
    expect(problems(raw)).toEqual([
      "callBridges[0].name: must be a bare name such as cb1, with no domain part and no spaces",
      'callBridges[2]: duplicate Call Bridge name "CB2"',
    ]);
  });

  it("needs three nodes unless allowSmallCluster is set, and then warns", () => {
    const two = { ...valid(), nodes: [node(1), node(2)] };
    expect(problems(two)[0]).toMatch(/^nodes: an XMPP cluster needs at least 3 nodes for a strict majority; 2 given/);
    const cfg = parseClusterConfig({ ...two, allowSmallCluster: true });
    expect(configWarnings(cfg)).toContain("only 2 XMPP node(s): the cluster has no quorum if one node fails");
  });

  it("rejects duplicate node addresses", () => {
    const raw = { ...valid(), nodes: [node(1), node(2), { ...node(3), address: "10.106.81.30" }] };
    expect(problems(raw)).toContain('nodes[2]: duplicate node address "10.106.81.30:22"');
  });

  it("rejects a malformed host key fingerprint and an unknown initializer", () => {
    const raw = {
      ...valid(),
      initializer: "cb9",
      nodes: [{ ...node(1), hostKeyFingerprint: "MD5:aa" }, node(2), node(3)],
    };
    expect(problems(raw)).toEqual([
      "nodes[0].hostKeyFingerprint: must look like SHA256:<43 base64 characters> (ssh-keygen -lf)",
      'initializer: "cb9" is not one of the nodes',
    ]);
  });

  it("says that nothing was changed", () => {
    expect(() => parseClusterConfig({})).toThrow(/Nothing was changed on any node\.$/);
  });
});
