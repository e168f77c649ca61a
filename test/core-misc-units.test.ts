/** Pure unit tests of src/core: MMP output helpers, did-you-mean, node facts and the stack config parser. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../src/core/config";
import { closest, knownKeysAt } from "../src/core/did-you-mean";
import { combineFacts, isClustered, isLiveMember, type NodeFacts, publicFacts } from "../src/core/facts";
import { cleanOutput, failureLine, REDACTED, redact } from "../src/core/mmp-output";
import type { XmppStatus } from "../src/core/parsers/xmpp-status";
import { parseStackConfig, stackConfigSchema } from "../src/core/stack-config";

describe("redact", () => {
  it("replaces every secret, longer ones first, and ignores empty secrets", () => {
    expect(redact("pw=abcd, again abcd, ab", ["", "ab", "abcd"])).toBe(
      `pw=${REDACTED}, again ${REDACTED}, ${REDACTED}`,
    );
    expect(redact("xyz", [""])).toBe("xyz");
  });
});

describe("cleanOutput", () => {
  it("strips ANSI codes with several parameters and normalises every line ending", () => {
    expect(cleanOutput("\x1b[0;32mgreen\x1b[0m\ra\r\nb\nc", "cmd")).toBe("green\na\nb\nc");
  });

  it("drops the echoed command, compared trimmed on both sides, but keeps other first lines", () => {
    expect(cleanOutput("  xmpp  \nout", "xmpp")).toBe("out");
    expect(cleanOutput("xmpp\nout", " xmpp ")).toBe("out");
    expect(cleanOutput("hello\nworld", "xmpp")).toBe("hello\nworld");
  });

  it("drops blank lines at both ends only", () => {
    expect(cleanOutput("cmd\n  \n\nout\n\nmore\n  \n", "cmd")).toBe("out\n\nmore");
    expect(cleanOutput("\n \n", "cmd")).toBe("");
    expect(cleanOutput("", "cmd")).toBe("");
  });
});

describe("failureLine", () => {
  it("returns the trimmed first failing line", () => {
    expect(failureLine("ok\nFAILURE: bad key   \nFAILURE: other")).toBe("FAILURE: bad key");
  });

  it("takes FAILURE, Error and Usage only at the start of a line", () => {
    expect(failureLine("note FAILURE: y")).toBeUndefined();
    expect(failureLine("an Error occurred")).toBeUndefined();
    expect(failureLine("see Usage: xmpp")).toBeUndefined();
  });

  it("returns the whole failing line", () => {
    expect(failureLine("ERROR: something broke")).toBe("ERROR: something broke");
    expect(failureLine("Error: x")).toBe("Error: x");
    expect(failureLine("Usage: xmpp <command>")).toBe("Usage: xmpp <command>");
    expect(failureLine("bash: command not found: xmpp")).toBe("bash: command not found: xmpp");
    expect(failureLine("ok\nxmpp: Unrecognised command here")).toBe("xmpp: Unrecognised command here");
    expect(failureLine("Unrecognized command")).toBe("Unrecognized command");
    expect(failureLine("Invalid command 'x'")).toBe("Invalid command 'x'");
  });
});

describe("closest", () => {
  it("suggests a candidate within the allowed edit distance, ignoring case", () => {
    expect(closest("Domian", ["domain", "nodes"])).toBe("domain");
    expect(closest("x", [])).toBeUndefined();
    expect(closest("", ["ab"])).toBeUndefined();
  });

  it("counts an adjacent swap as one edit", () => {
    expect(closest("ab", ["ba"])).toBe("ba");
    expect(closest("ab", ["abx", "ba"])).toBe("abx");
  });

  it("does not count half a swap as one", () => {
    expect(closest("ax", ["ya"])).toBeUndefined();
    expect(closest("xa", ["ay"])).toBeUndefined();
    expect(closest("ab", ["aab"])).toBe("aab");
  });

  it("keeps the first of equally close candidates", () => {
    expect(closest("ab", ["ax", "ay"])).toBe("ax");
  });

  it("allows a third of the longer word's length, at least one", () => {
    expect(closest("abcdefgh", ["abcdefxy"])).toBe("abcdefxy");
    expect(closest("abcdef", ["abcdefghi"])).toBe("abcdefghi");
    expect(closest("abcdef", ["abcdefghij"])).toBeUndefined();
  });
});

describe("knownKeysAt", () => {
  const schema = z.strictObject({
    a: z.string(),
    list: z.array(z.strictObject({ x: z.number() })).optional(),
    map: z.record(z.string(), z.strictObject({ y: z.number() })).default({}),
    either: z.union([
      z.strictObject({ p: z.string(), q: z.string() }),
      z.strictObject({ q: z.string(), r: z.string() }),
    ]),
    pre: z.preprocess((v) => v, z.strictObject({ s: z.string() })),
    piped: z.strictObject({ t: z.string() }).transform((v) => v.t),
  });

  it("lists the keys at each kind of path", () => {
    expect(knownKeysAt(schema, [])).toEqual(["a", "list", "map", "either", "pre", "piped"]);
    expect(knownKeysAt(schema, ["list", 0])).toEqual(["x"]);
    expect(knownKeysAt(schema, ["map", "cb1"])).toEqual(["y"]);
    expect(knownKeysAt(schema, ["either"])).toEqual(["p", "q", "r"]);
    expect(knownKeysAt(schema, ["pre"])).toEqual(["s"]);
    expect(knownKeysAt(schema, ["piped"])).toEqual(["t"]);
  });

  it("knows no keys on unknown paths", () => {
    expect(knownKeysAt(schema, ["nope"])).toEqual([]);
    expect(knownKeysAt(schema, [0])).toEqual([]);
    expect(knownKeysAt(schema, ["list", "name"])).toEqual([]);
    expect(knownKeysAt(schema, ["a"])).toEqual([]);
  });
});

const XMPP: XmppStatus = {
  enabled: true,
  domain: "example.com",
  listen: ["a"],
  keyFile: undefined,
  certificateFile: undefined,
  caBundleFile: undefined,
  clusterEnabled: true,
  clustered: undefined,
  trustBundle: undefined,
};
const PEER = { address: "10.0.0.1", port: 5222, leader: true };
const facts = (over: { xmpp?: Partial<XmppStatus>; state?: string; peers?: (typeof PEER)[] } = {}): NodeFacts => ({
  node: "cb1",
  version: { major: 3, minor: 9, patch: 1, text: "3.9.1" },
  xmpp: { ...XMPP, ...over.xmpp },
  callBridges: [
    { name: "cb2", domain: undefined, secret: "s" },
    { name: "cb1", domain: undefined, secret: "s" },
  ],
  cluster: { state: over.state, peers: over.peers ?? [], leader: undefined, duplicates: [] },
});

describe("node facts", () => {
  it("takes the files from xmpp first, and the trust bundle from the cluster status first", () => {
    const combined = combineFacts({
      ...facts({ xmpp: { keyFile: "x.key", certificateFile: undefined, trustBundle: "x-trust.cer" } }),
      cluster: {
        state: undefined,
        peers: [],
        leader: undefined,
        duplicates: [],
        keyFile: "c.key",
        certificateFile: "c.cer",
        trustBundle: "c-trust.cer",
      },
    });
    expect([combined.xmpp.keyFile, combined.xmpp.certificateFile, combined.xmpp.trustBundle]).toEqual([
      "x.key",
      "c.cer",
      "c-trust.cer",
    ]);
  });

  it("is a live member only as leader or follower, with peers, with clustering not disabled", () => {
    expect(isLiveMember(facts({ state: "LEADER", peers: [PEER] }))).toBe(true);
    expect(isLiveMember(facts({ state: "FOLLOWER", peers: [PEER] }))).toBe(true);
    expect(isLiveMember(facts({ state: "LEADER", peers: [] }))).toBe(false);
    expect(isLiveMember(facts({ state: "CANDIDATE", peers: [PEER] }))).toBe(false);
    expect(isLiveMember(facts({ state: "LEADER", peers: [PEER], xmpp: { clusterEnabled: false } }))).toBe(false);
  });

  it("is clustered with peers, or when stopped XMPP still reports membership, unless clustering is disabled", () => {
    expect(isClustered(facts({ state: "LEADER", peers: [PEER] }))).toBe(true);
    expect(isClustered(facts({ state: "CANDIDATE", peers: [PEER] }))).toBe(true);
    expect(isClustered(facts({ state: "CANDIDATE", peers: [PEER], xmpp: { clusterEnabled: false } }))).toBe(false);
    expect(isClustered(facts({ xmpp: { enabled: false, clustered: true } }))).toBe(true);
    expect(isClustered(facts({ xmpp: { enabled: true, clustered: true } }))).toBe(false);
    expect(isClustered(facts({ xmpp: { enabled: false, clustered: false } }))).toBe(false);
    expect(isClustered(facts())).toBe(false);
  });

  it("summarises a node without secrets", () => {
    expect(
      publicFacts(facts({ state: "LEADER", peers: [PEER, { address: "10.0.0.2", port: 5222, leader: false }] })),
    ).toEqual({
      version: "3.9.1",
      xmppEnabled: true,
      domain: "example.com",
      clusterState: "LEADER",
      peers: ["10.0.0.1:5222 (Leader)", "10.0.0.2:5222"],
      callBridges: ["cb1", "cb2"],
    });
    expect(
      publicFacts({
        ...facts({ xmpp: { enabled: undefined, domain: undefined } }),
        version: undefined,
        callBridges: [],
      }),
    ).toEqual({ version: "unknown", xmppEnabled: false, domain: "", clusterState: "NONE", peers: [], callBridges: [] });
  });
});

const node = (i: number) => ({ name: `cb${i}`, address: `10.106.81.${29 + i}`, fqdn: `cb${i}.tptac9.com` });
const cluster = () => ({
  domain: "tptac9.com",
  nodes: [node(1), node(2), node(3)],
  callBridges: [{ name: "cb1" }, { name: "cb2" }, { name: "cb3" }],
});
const problems = (raw: unknown, tsigSecret?: string): string[] => {
  try {
    parseStackConfig(raw, tsigSecret);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
  throw new Error("expected a ConfigError");
};
const SECRET = Buffer.alloc(16, 7).toString("base64");
const rfc2136 = { backend: "rfc2136", zone: "tptac9.com", server: { host: "10.0.0.53" }, tsig: { name: "k" } };

describe("parseStackConfig", () => {
  it("needs a mapping", () => {
    for (const raw of [undefined, null, "x", [cluster()]]) {
      expect(problems(raw)).toEqual(["cluster: must be a mapping (see stacks/Pulumi.lab.yaml)"]);
    }
  });

  it("returns the three parts, DNS off and on-node CSRs by default", () => {
    const cfg = parseStackConfig(cluster());
    expect([cfg.cluster.domain, cfg.certificates.source, cfg.dns.backend]).toEqual(["tptac9.com", "onNodeCsr", "none"]);
  });

  it("puts the tsigSecret key into dns.tsig.secret", () => {
    const cfg = parseStackConfig({ ...cluster(), dns: rfc2136 }, SECRET);
    expect(cfg.dns.backend === "rfc2136" ? cfg.dns.tsig : undefined).toEqual({
      name: "k",
      algorithm: "hmac-sha256",
      secret: SECRET,
    });
  });

  it("says where to set a missing or bad TSIG secret", () => {
    expect(problems({ ...cluster(), dns: rfc2136 })).toEqual([
      "dns.tsig.secret: missing (expected string) (set it with `pulumi config set --secret tsigSecret <base64>`)",
    ]);
    expect(problems({ ...cluster(), dns: { ...rfc2136, tsig: { name: "k", secret: `${SECRET}!` } } })).toEqual([
      "dns.tsig.secret: must be the base64 secret printed by tsig-keygen (set it with `pulumi config set --secret tsigSecret <base64>`)",
    ]);
  });

  it("ignores tsigSecret when there is no tsig mapping", () => {
    expect(parseStackConfig({ ...cluster(), dns: { backend: "none" } }, SECRET).dns).toEqual({
      backend: "none",
      ttl: 86400,
      componentPort: 5223,
      clientPort: 5222,
      srv: { priority: 10, weight: 10 },
      allowLargeChanges: false,
    });
  });

  it("checks certificate entries against the node names", () => {
    expect(
      problems({
        ...cluster(),
        certificates: { source: "byo", certs: { cb1: { key: "k", cert: "c" }, cb9: { key: "k", cert: "c" } } },
      }),
    ).toEqual([
      "certificates: certificates.certs.cb9: not one of the nodes (cb1, cb2, cb3)",
      "certificates: certificates.certs.cb2: missing",
      "certificates: certificates.certs.cb3: missing",
    ]);
  });

  it("checks DNS node names and the zone against the cluster", () => {
    expect(
      problems({
        ...cluster(),
        dns: {
          backend: "none",
          zone: "other.com",
          clientNodes: ["cb1", "cb9"],
          srv: { perNode: { cb2: {}, cb8: {} } },
        },
      }),
    ).toEqual([
      'dns.clientNodes: "cb9" is not one of the nodes',
      'dns.srv.perNode: "cb8" is not one of the nodes',
      "dns.zone: other.com does not contain the XMPP domain tptac9.com",
    ]);
  });

  it("accepts a zone that is the domain or a parent of it, but not a suffix that is no label", () => {
    expect(parseStackConfig({ ...cluster(), dns: { backend: "none", zone: "tptac9.com" } }).dns.zone).toBe(
      "tptac9.com",
    );
    expect(parseStackConfig({ ...cluster(), dns: { backend: "none", zone: "com" } }).dns.zone).toBe("com");
    expect(problems({ ...cluster(), dns: { backend: "none", zone: "ac9.com" } })).toEqual([
      "dns.zone: ac9.com does not contain the XMPP domain tptac9.com",
    ]);
  });

  it("reports a bad part without the cross checks that need it", () => {
    expect(problems({ ...cluster(), domain: "tptac9", dns: { backend: "none", clientNodes: ["cb9"] } })).toEqual([
      "domain: must be a DNS domain such as tptac9.com (letters, digits, dots, hyphens)",
    ]);
    expect(problems({ ...cluster(), certificates: { source: "nope" } })).toEqual([
      'certificates.source: must be "onNodeCsr" (the default), "offNode", "byo" or "existing"',
    ]);
    expect(problems({ ...cluster(), dns: { backend: "bind" } })).toEqual([
      'dns.backend: backend must be one of "rfc2136", "route53", "cloudflare", "zonefile" or "none"',
    ]);
  });
});

describe("stackConfigSchema", () => {
  it("defaults the certificates and dns sections when left out", () => {
    const parsed = stackConfigSchema.parse(cluster());
    expect([parsed.certificates.source, parsed.dns.backend]).toEqual(["onNodeCsr", "none"]);
  });

  it("rejects keys it does not know", () => {
    const result = stackConfigSchema.safeParse({ ...cluster(), extra: 1 });
    expect(result.success ? [] : result.error.issues.map((i) => i.message)).toEqual(['Unrecognized key: "extra"']);
  });
});
