import { describe, expect, it } from "vitest";
import { ConfigError, configWarnings, parseClusterConfig } from "../src/core/config";
import { parseStackConfig } from "../src/core/stack-config";

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
  it("accepts the TechNote lab and fills defaults", () => {
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

describe("strict keys with a did-you-mean", () => {
  const base = {
    domain: "tptac9.com",
    nodes: [1, 2, 3].map((i) => ({ name: `cb${i}`, address: `10.0.0.${i}`, fqdn: `cb${i}.tptac9.com` })),
    callBridges: [{ name: "cb1" }],
  };
  const problems = (extra: Record<string, unknown>) => {
    try {
      parseStackConfig({ ...base, ...extra });
    } catch (err) {
      return (err as ConfigError).problems;
    }
    throw new Error("expected the config to be refused");
  };

  it.each<[Record<string, unknown>, string]>([
    [{ retainOnDelet: true }, 'retainOnDelet: unknown key (did you mean "retainOnDelete"?)'],
    [{ mmp: { usernme: "admin" } }, 'mmp.usernme: unknown key (did you mean "username"?)'],
    [{ certificate: {} }, 'certificate: unknown key (did you mean "certificates"?)'],
    [
      { certificates: { source: "offNode", sharde: true } },
      'certificates.sharde: unknown key (did you mean "shared"?)',
    ],
    [
      { dns: { backend: "zonefile", zone: "tptac9.com", directory: "out", tll: 60 } },
      'dns.tll: unknown key (did you mean "ttl"?)',
    ],
    [
      { nodes: [{ ...base.nodes[0], fqnd: "x" }, base.nodes[1], base.nodes[2]] },
      'nodes[0].fqnd: unknown key (did you mean "fqdn"?)',
    ],
  ])("%j is refused: %s", (extra, message) => {
    expect(problems(extra)).toContain(message);
  });

  it("lists the known keys when nothing is close", () => {
    expect(problems({ zzzzzz: 1 })).toEqual([
      "zzzzzz: unknown key (known keys: domain, nodes, initializer, listen, callBridges, mmp, api, verification, oneNodeAtATime, confirmNodeRemoval, allowSmallCluster, restartAfterTrustChange, retainOnDelete, takeOwnership, certificates, dns)",
    ]);
  });
});
