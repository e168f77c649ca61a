import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type ClusterConfig,
  ConfigError,
  callBridgeSchema,
  clusterConfigSchema,
  configWarnings,
  formatIssues,
  initializerOf,
  nodeSchema,
  parseClusterConfig,
  xmppAddressOf,
} from "../src/core/config";

const node = (i: number) => ({ name: `cb${i}`, address: `10.106.81.${29 + i}`, fqdn: `cb${i}.tptac9.com` });
const valid = (extra: Record<string, unknown> = {}) => ({
  domain: "tptac9.com",
  nodes: [node(1), node(2), node(3)],
  callBridges: [{ name: "cb1" }, { name: "cb2" }, { name: "cb3" }],
  ...extra,
});

/** The problem lines `parseClusterConfig` reports, or [] when it accepts the input. */
function problems(raw: unknown): string[] {
  try {
    parseClusterConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

/** Problem lines of one schema on its own, [] when it accepts the value. */
function issuesOf(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : formatIssues(result.error);
}

const repeat = (c: string, n: number) => c.repeat(n);
const HOST_253 = `${repeat("a", 63)}.${repeat("b", 63)}.${repeat("c", 63)}.${repeat("d", 61)}`;
const HOST_254 = `${HOST_253}d`;
const DOMAIN_253 = `${repeat("a", 63)}.${repeat("b", 63)}.${repeat("c", 63)}.${repeat("z", 61)}`;
const DOMAIN_254 = `${DOMAIN_253}z`;

describe("defaults", () => {
  it("fills every default of a minimal config", () => {
    expect(parseClusterConfig(valid())).toEqual<ClusterConfig>({
      domain: "tptac9.com",
      nodes: [1, 2, 3].map((i) => ({ ...node(i), sshPort: 22 })),
      listen: ["a"],
      callBridges: [{ name: "cb1" }, { name: "cb2" }, { name: "cb3" }],
      mmp: { username: "admin", trustOnFirstUse: false, timeoutSeconds: 60 },
      api: { username: "admin", insecureSkipVerify: false },
      verification: { enabled: true, timeoutSeconds: 120 },
      oneNodeAtATime: false,
      confirmNodeRemoval: false,
      allowSmallCluster: false,
      restartAfterTrustChange: true,
      retainOnDelete: false,
      takeOwnership: false,
    });
  });

  it("fills the defaults inside mmp, api and verification given as empty objects", () => {
    const cfg = parseClusterConfig(valid({ mmp: {}, api: {}, verification: {} }));
    expect([cfg.mmp, cfg.api, cfg.verification]).toEqual([
      { username: "admin", trustOnFirstUse: false, timeoutSeconds: 60 },
      { username: "admin", insecureSkipVerify: false },
      { enabled: true, timeoutSeconds: 120 },
    ]);
  });

  it("keeps every setting given explicitly", () => {
    const cfg = parseClusterConfig(
      valid({
        nodes: [{ ...node(1), sshPort: 65535, xmppAddress: "xmpp1.tptac9.com" }, { ...node(2), sshPort: 1 }, node(3)],
        initializer: "cb2",
        listen: ["a", "e"],
        mmp: { username: "operator", trustOnFirstUse: true, timeoutSeconds: 3600 },
        api: { username: "webadmin", caCertPem: "PEM", insecureSkipVerify: true },
        verification: { enabled: false, timeoutSeconds: 30 },
        oneNodeAtATime: true,
        confirmNodeRemoval: true,
        allowSmallCluster: true,
        restartAfterTrustChange: false,
        retainOnDelete: true,
        takeOwnership: true,
      }),
    );
    expect(cfg).toEqual<ClusterConfig>({
      domain: "tptac9.com",
      nodes: [
        { ...node(1), sshPort: 65535, xmppAddress: "xmpp1.tptac9.com" },
        { ...node(2), sshPort: 1 },
        { ...node(3), sshPort: 22 },
      ],
      initializer: "cb2",
      listen: ["a", "e"],
      callBridges: [{ name: "cb1" }, { name: "cb2" }, { name: "cb3" }],
      mmp: { username: "operator", trustOnFirstUse: true, timeoutSeconds: 3600 },
      api: { username: "webadmin", caCertPem: "PEM", insecureSkipVerify: true },
      verification: { enabled: false, timeoutSeconds: 30 },
      oneNodeAtATime: true,
      confirmNodeRemoval: true,
      allowSmallCluster: true,
      restartAfterTrustChange: false,
      retainOnDelete: true,
      takeOwnership: true,
    });
  });
});

describe("bounds", () => {
  it("names each out-of-range number and empty list", () => {
    const raw = valid({
      nodes: [
        { ...node(1), sshPort: 0 },
        { ...node(2), sshPort: 65536 },
        { ...node(3), sshPort: 2.5 },
      ],
      listen: [],
      mmp: { username: "", timeoutSeconds: 3601 },
      api: { username: "" },
      verification: { timeoutSeconds: 0 },
    });
    expect(problems(raw)).toEqual([
      "nodes[0].sshPort: Too small: expected number to be >=1",
      "nodes[1].sshPort: Too big: expected number to be <=65535",
      "nodes[2].sshPort: Invalid input: expected int, received number",
      "listen: Too small: expected array to have >=1 items",
      "mmp.username: Too small: expected string to have >=1 characters",
      "mmp.timeoutSeconds: Too big: expected number to be <=3600",
      "api.username: Too small: expected string to have >=1 characters",
      "verification.timeoutSeconds: Too small: expected number to be >0",
    ]);
  });

  it("accepts a short MMP timeout", () => {
    expect(parseClusterConfig(valid({ mmp: { timeoutSeconds: 1 } })).mmp.timeoutSeconds).toBe(1);
  });

  it("asks for at least one node and one Call Bridge, and counts the nodes for the majority", () => {
    expect(problems({ domain: "tptac9.com", nodes: [], callBridges: [] })).toEqual([
      "nodes: list at least one node",
      "callBridges: list at least one Call Bridge",
      "nodes: an XMPP cluster needs at least 3 nodes for a strict majority; 0 given (set allowSmallCluster: true to accept a cluster that stops when one node fails)",
    ]);
  });

  it("reports each missing required field with the type it expects", () => {
    expect(problems({})).toEqual([
      "domain: missing (expected string)",
      "nodes: missing (expected array)",
      "callBridges: missing (expected array)",
    ]);
  });

  it("reports a wrong type that is not a missing field with zod's own message", () => {
    expect(problems(null)).toEqual(["(root): Invalid input: expected object, received null"]);
    expect(problems(valid({ domain: 5 }))).toEqual(["domain: Invalid input: expected string, received number"]);
  });
});

describe("addresses: an IP address or a host name", () => {
  const address = (value: string) => issuesOf(nodeSchema, { ...node(1), address: value });

  it.each([
    "10.106.81.30",
    "fe80::1",
    "cb1",
    "abcd",
    "a.b",
    "a.b.c.d",
    "A1-z.B2-y",
    "aZ-9.bY-8",
    "9a-Z.8b-Y",
    repeat("x", 63),
    `cb1.${repeat("y", 63)}`,
    HOST_253,
  ])("accepts %s", (value) => {
    expect(address(value)).toEqual([]);
  });

  it.each([
    "",
    "-cb1",
    "cb1-",
    "cb_1",
    "cb 1",
    ".cb1",
    "cb1.",
    "a..b",
    "cb1.-lab",
    "cb1.lab-",
    "cb1.l_b",
    repeat("x", 64),
    `cb1.${repeat("y", 64)}`,
    HOST_254,
  ])("refuses %j", (value) => {
    expect(address(value)).toEqual(["address: must be an IP address or a host name"]);
  });

  it("checks the XMPP address the same way", () => {
    expect(issuesOf(nodeSchema, { ...node(1), xmppAddress: "xmpp_1" })).toEqual([
      "xmppAddress: must be an IP address or a host name",
    ]);
  });
});

describe("domains and FQDNs", () => {
  const fqdn = (value: string) => issuesOf(nodeSchema, { ...node(1), fqdn: value });
  const message = "fqdn: must be a DNS domain such as tptac9.com (letters, digits, dots, hyphens)";

  it.each([
    "cb1.tptac9.com",
    "x.co",
    "A1-z.B2-y.Com",
    "aZ-9.bY-8.org",
    "9a-Z.8b-Y.io",
    `${repeat("a", 63)}.com`,
    `cb1.${repeat("q", 63)}`,
    DOMAIN_253,
  ])("accepts %s", (value) => {
    expect(fqdn(value)).toEqual([]);
  });

  it.each([
    "tptac9",
    "-cb1.tptac9.com",
    "cb1-.tptac9.com",
    "cb1..com",
    "cb1.tptac9.com.",
    "cb1.tptac9.c",
    "cb1.tptac9.c0m",
    "cb_1.tptac9.com",
    `${repeat("a", 64)}.com`,
    `cb1.${repeat("q", 64)}`,
    DOMAIN_254,
  ])("refuses %j", (value) => {
    expect(fqdn(value)).toEqual([message]);
  });
});

describe("names and formats", () => {
  it.each([
    ["cb1", []],
    ["CB-1", []],
    ["9", []],
    [repeat("n", 63), []],
    ["-cb1", ["name: must be a short name: letters, digits and hyphens"]],
    ["cb_1", ["name: must be a short name: letters, digits and hyphens"]],
    ["cb1.tptac9", ["name: must be a short name: letters, digits and hyphens"]],
    [repeat("n", 64), ["name: must be a short name: letters, digits and hyphens"]],
  ])("node name %j → %j", (name, expected) => {
    expect(issuesOf(nodeSchema, { ...node(1), name })).toEqual(expected);
  });

  const KEY = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123+/Z";
  const badKey = ["hostKeyFingerprint: must look like SHA256:<43 base64 characters> (ssh-keygen -lf)"];
  it.each([
    [`SHA256:${KEY}`, []],
    [`xSHA256:${KEY}`, badKey],
    [`SHA256:${KEY}Z`, badKey],
    [`SHA256:${KEY.slice(1)}`, badKey],
    ["SHA256:a", badKey],
    [`SHA256:${KEY.slice(1)}-`, badKey],
  ])("host key fingerprint %s → %j", (hostKeyFingerprint, expected) => {
    expect(issuesOf(nodeSchema, { ...node(1), hostKeyFingerprint })).toEqual(expected);
  });

  const badUrl = ["apiUrl: must be an https:// URL of the CMS API, e.g. https://10.106.81.30:445"];
  it.each([
    ["https://10.106.81.30:445", []],
    ["https://cms.example.com", []],
    ["https://cms.example.com/", []],
    ["http://cms.example.com", badUrl],
    ["xhttps://cms.example.com", badUrl],
    ["https://cms.example.com/api", badUrl],
    ["https://cms.example.com:/api", badUrl],
    ["https://cms example.com", badUrl],
    ["https://", badUrl],
  ])("Call Bridge API URL %s → %j", (apiUrl, expected) => {
    expect(issuesOf(callBridgeSchema, { name: "cb1", apiUrl })).toEqual(expected);
  });

  const badServer = ["serverAddress: must be host or host:port"];
  it.each([
    ["xmpp.tptac9.com", []],
    ["xmpp.tptac9.com:5222", []],
    ["10.106.81.30:5222", []],
    ["xmpp 1.tptac9.com", badServer],
    ["xmpp.tptac9.com:port", badServer],
    ["xmpp.tptac9.com:", badServer],
    [":5222", badServer],
    ["a:1:2", badServer],
  ])("Call Bridge server address %s → %j", (serverAddress, expected) => {
    expect(issuesOf(callBridgeSchema, { name: "cb1", serverAddress })).toEqual(expected);
  });

  it.each([
    [["a", "b", "c", "d", "e"], []],
    [["f"], ["listen[0]: interfaces are a, b, c, d or e"]],
    [["a", "ab"], ["listen[1]: interfaces are a, b, c, d or e"]],
    [["xa"], ["listen[0]: interfaces are a, b, c, d or e"]],
    [["A"], ["listen[0]: interfaces are a, b, c, d or e"]],
  ])("listen %j → %j", (listen, expected) => {
    expect(problems(valid({ listen }))).toEqual(expected);
  });
});

describe("cross-field checks", () => {
  const issues = (raw: unknown) => {
    const result = clusterConfigSchema.safeParse(raw);
    return result.success ? [] : result.error.issues.map(({ code, path, message }) => ({ code, path, message }));
  };

  it("reports duplicate node names, FQDNs and XMPP addresses case-insensitively, at the later node", () => {
    const raw = valid({
      nodes: [
        { ...node(1), xmppAddress: "xmpp.tptac9.com" },
        { ...node(2), name: "CB1", fqdn: "CB1.tptac9.com" },
        { ...node(3), xmppAddress: "XMPP.tptac9.com" },
      ],
    });
    expect(issues(raw)).toEqual([
      { code: "custom", path: ["nodes", 1], message: 'duplicate node name "CB1"' },
      { code: "custom", path: ["nodes", 1], message: 'duplicate node fqdn "CB1.tptac9.com"' },
      { code: "custom", path: ["nodes", 2], message: 'duplicate node XMPP address "XMPP.tptac9.com"' },
    ]);
  });

  it("counts a node's address as its XMPP address when it has none", () => {
    const raw = valid({ nodes: [node(1), node(2), { ...node(3), xmppAddress: "10.106.81.30" }] });
    expect(problems(raw)).toEqual(['nodes[2]: duplicate node XMPP address "10.106.81.30"']);
  });

  it("reports a too small cluster as a custom issue on nodes", () => {
    expect(issues(valid({ nodes: [node(1), node(2)] }))).toEqual([
      {
        code: "custom",
        path: ["nodes"],
        message:
          "an XMPP cluster needs at least 3 nodes for a strict majority; 2 given (set allowSmallCluster: true to accept a cluster that stops when one node fails)",
      },
    ]);
  });

  it("accepts an initializer that names a node other than the first", () => {
    expect(issues(valid({ initializer: "cb2" }))).toEqual([]);
  });

  it("refuses an initializer that names no node", () => {
    expect(issues(valid({ initializer: "cb9" }))).toEqual([
      { code: "custom", path: ["initializer"], message: '"cb9" is not one of the nodes' },
    ]);
  });
});

describe("ConfigError", () => {
  it("lists every problem under one heading and says nothing was changed", () => {
    const err = new ConfigError(["domain: missing (expected string)", "nodes: list at least one node"]);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ConfigError");
    expect(err.problems).toEqual(["domain: missing (expected string)", "nodes: list at least one node"]);
    expect(err.message).toBe(
      "invalid stack config:\n  - domain: missing (expected string)\n  - nodes: list at least one node\nNothing was changed on any node.",
    );
  });

  it("is what parseClusterConfig throws, with the same lines", () => {
    expect(() => parseClusterConfig(valid({ domain: "tptac9" }))).toThrow(
      new ConfigError(["domain: must be a DNS domain such as tptac9.com (letters, digits, dots, hyphens)"]),
    );
  });
});

describe("formatIssues", () => {
  const errorOf = (schema: z.ZodType, value: unknown) => {
    const result = schema.safeParse(value);
    if (result.success) throw new Error("expected the value to be refused");
    return result.error;
  };

  it("names the root when the value itself is missing", () => {
    expect(formatIssues(errorOf(z.string(), undefined))).toEqual(["(root): missing (expected string)"]);
  });

  it("keeps the index of a root array without a leading dot", () => {
    expect(formatIssues(errorOf(z.array(z.strictObject({ name: z.string() })), [{}]))).toEqual([
      "[0].name: missing (expected string)",
    ]);
  });

  it("has no prefix by default and puts a given one before every field", () => {
    const error = errorOf(z.strictObject({ a: z.string() }), { b: 1 });
    expect(formatIssues(error)).toEqual(["a: missing (expected string)", "b: unknown key"]);
    expect(formatIssues(error, "certificates.")).toEqual([
      "certificates.a: missing (expected string)",
      "certificates.b: unknown key",
    ]);
  });

  it("offers no guess for an unknown key without a schema", () => {
    expect(formatIssues(errorOf(z.strictObject({ username: z.string() }), { username: "x", usernme: "x" }))).toEqual([
      "usernme: unknown key",
    ]);
  });

  it("adds the extra root keys at the root only", () => {
    const root = errorOf(clusterConfigSchema, valid({ zzzzzz: 1 }));
    expect(formatIssues(root, "", clusterConfigSchema)).toEqual([
      "zzzzzz: unknown key (known keys: domain, nodes, initializer, listen, callBridges, mmp, api, verification, oneNodeAtATime, confirmNodeRemoval, allowSmallCluster, restartAfterTrustChange, retainOnDelete, takeOwnership)",
    ]);
    const nested = errorOf(clusterConfigSchema, valid({ mmp: { zzzzzz: 1 } }));
    expect(formatIssues(nested, "", clusterConfigSchema, ["certificates", "dns"])).toEqual([
      "mmp.zzzzzz: unknown key (known keys: username, trustOnFirstUse, timeoutSeconds)",
    ]);
  });

  it("treats an invalid type as missing only when zod's message ends in 'received undefined'", () => {
    // Hand-made issues: zod itself always puts "received undefined" at the end of the message.
    const error = new z.ZodError([
      { code: "invalid_type", expected: "string", path: ["a"], message: "got received undefined here", input: 1 },
      { code: "custom", path: ["b"], message: "x received undefined", input: 1 },
    ]);
    expect(formatIssues(error)).toEqual(["a: got received undefined here", "b: x received undefined"]);
  });
});

describe("configWarnings", () => {
  const cfg = (count: number, extra: Record<string, unknown> = {}) =>
    parseClusterConfig(
      valid({ nodes: Array.from({ length: count }, (_, i) => node(i + 1)), allowSmallCluster: true, ...extra }),
    );

  it.each<[number, string[]]>([
    [1, ["only 1 XMPP node(s): the cluster has no quorum if one node fails"]],
    [
      2,
      [
        "only 2 XMPP node(s): the cluster has no quorum if one node fails",
        "2 nodes tolerate no more failures than 1; prefer an odd count",
      ],
    ],
    [3, []],
    [4, ["4 nodes tolerate no more failures than 3; prefer an odd count"]],
    [5, []],
  ])("warns about %i nodes: %j", (count, warnings) => {
    expect(configWarnings(cfg(count))).toEqual(warnings);
  });

  it("warns when the API certificate is not checked", () => {
    expect(configWarnings(cfg(3, { api: { insecureSkipVerify: true } }))).toEqual([
      "api.insecureSkipVerify is on: the CMS API certificate is not checked",
    ]);
  });
});

describe("initializerOf and xmppAddressOf", () => {
  it("picks the named initializer, and the first node when none is named", () => {
    expect(initializerOf(parseClusterConfig(valid({ initializer: "cb2" }))).name).toBe("cb2");
    expect(initializerOf(parseClusterConfig(valid())).name).toBe("cb1");
  });

  it("uses the XMPP address when given, and the MMP address otherwise", () => {
    const cfg = parseClusterConfig(valid({ nodes: [{ ...node(1), xmppAddress: "192.0.2.1" }, node(2), node(3)] }));
    expect(cfg.nodes.map(xmppAddressOf)).toEqual(["192.0.2.1", "10.106.81.31", "10.106.81.32"]);
  });
});
