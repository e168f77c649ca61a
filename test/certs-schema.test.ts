import { describe, expect, it } from "vitest";
import {
  certificatesConfigProblems,
  certificatesConfigSchema,
  certificateUnits,
  type ExistingConfig,
  existingFilesOf,
} from "../src/core/certs/schema";

const issues = (raw: unknown) => {
  const result = certificatesConfigSchema.safeParse(raw);
  if (result.success) throw new Error("expected a failure");
  return result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

const DEFAULTS = { shared: false, validityDays: 365, earlyRenewalDays: 30, subject: {} };
const LOCAL_CA = { type: "local", validityDays: 3650 };

describe("certificatesConfigSchema", () => {
  it("defaults to on-node CSR, one certificate per node, signed by a CA the stack creates", () => {
    const expected = { source: "onNodeCsr", ...DEFAULTS, ca: LOCAL_CA };
    expect(certificatesConfigSchema.parse(undefined)).toEqual(expected);
    expect(certificatesConfigSchema.parse({})).toEqual(expected);
  });

  it("parses the TechNote's lab: one shared certificate from an on-node CSR, signed by an external CA", () => {
    expect(
      certificatesConfigSchema.parse({
        shared: true,
        subject: { O: "TAC Lab", C: "US" },
        ca: { type: "external", signedCerts: { shared: "./abhiall.cer" }, caBundle: "./certall.cer" },
      }),
    ).toEqual({
      source: "onNodeCsr",
      ...DEFAULTS,
      shared: true,
      subject: { O: "TAC Lab", C: "US" },
      ca: { type: "external", signedCerts: { shared: "./abhiall.cer" }, caBundle: "./certall.cer" },
    });
    expect(certificatesConfigSchema.parse({ ca: { type: "external" } })).toMatchObject({ ca: { signedCerts: {} } });
  });

  it("parses off-node keys with a supplied CA, and bring-your-own per node", () => {
    expect(
      certificatesConfigSchema.parse({
        source: "offNode",
        validityDays: 90,
        earlyRenewalDays: 10,
        ca: { type: "localSupplied", cert: "ca.pem", key: "ca.key" },
      }),
    ).toEqual({
      source: "offNode",
      ...DEFAULTS,
      validityDays: 90,
      earlyRenewalDays: 10,
      ca: { type: "localSupplied", cert: "ca.pem", key: "ca.key" },
    });
    expect(
      certificatesConfigSchema.parse({
        source: "byo",
        certs: { cb1: { key: "k", cert: "c", chain: "b" }, cb2: { key: "k", cert: "c" } },
      }),
    ).toEqual({
      source: "byo",
      shared: false,
      certs: { cb1: { key: "k", cert: "c", chain: "b" }, cb2: { key: "k", cert: "c" } },
    });
  });

  it("names the field in every message", () => {
    expect(issues({ source: "acme" })).toEqual([
      'source: must be "onNodeCsr" (the default), "offNode", "byo" or "existing"',
    ]);
    expect(issues({ ca: { type: "vault" } })).toEqual([
      'ca.type: must be one of "local", "localSupplied" or "external"',
    ]);
    expect(issues({ source: "offNode", ca: { type: "external" } })).toEqual([
      'ca.type: must be one of "local" or "localSupplied"',
    ]);
    expect(issues({ validityDays: 20 })).toEqual(["earlyRenewalDays: must be less than validityDays"]);
    expect(issues({ validityDays: 0, earlyRenewalDays: -1 })).toHaveLength(2);
    expect(issues({ subject: { C: "Germany", OU: 'R"D', X: "y" } })).toEqual([
      'subject.OU: must not contain ", \\ or : (they would break the MMP command line)',
      "subject.C: must be a 2-letter ISO country code such as DE",
      'subject: Unrecognized key: "X"',
    ]);
    expect(issues({ ca: { type: "localSupplied", cert: " " } })).toEqual([
      "ca.cert: must be PEM text or the path of a PEM file",
      "ca.key: Invalid input: expected string, received undefined",
    ]);
    expect(issues({ source: "byo", certs: { cb1: { cert: "c" } } })).toEqual([
      "certs.cb1.key: Invalid input: expected string, received undefined",
    ]);
    expect(issues({ shared: "yes" })).toEqual(["shared: Invalid input: expected boolean, received string"]);
    expect(issues("onNodeCsr")).toEqual([": must be a mapping such as { source: onNodeCsr, shared: false }"]);
  });

  it("keys per-unit entries by node name, or by `shared` only when shared", () => {
    expect(issues({ source: "byo", shared: true, certs: { cb1: { key: "k", cert: "c" } } })).toEqual([
      'certs: with shared: true, the only entry must be "shared"',
    ]);
    expect(issues({ ca: { type: "external", signedCerts: { shared: "x" } } })).toEqual([
      'ca.signedCerts: a "shared" entry needs shared: true; otherwise key entries by node name',
    ]);
  });
});

describe("source: existing", () => {
  const lab = {
    source: "existing",
    keyFile: "abhiall.key",
    certFile: "abhiall.cer",
    bundleFile: "certall.cer",
    trustBundle: "abhiall.cer",
  };

  it("parses the TechNote's files, with per-node overrides", () => {
    expect(certificatesConfigSchema.parse(lab)).toEqual({ ...lab, nodes: {} });
    const cfg = { ...lab, nodes: { cb2: { keyFile: "cb2.key", certFile: "cb2.cer" } } };
    expect(certificatesConfigSchema.parse(cfg)).toEqual(cfg);
    // No bundle; each node naming its own key and certificate, no default for them.
    const own = {
      source: "existing",
      trustBundle: "trust.cer",
      nodes: Object.fromEntries(["cb1", "cb2", "cb3"].map((n) => [n, { keyFile: `${n}.key`, certFile: `${n}.cer` }])),
    };
    expect(certificatesConfigSchema.parse(own)).toEqual(own);
    expect(certificatesConfigProblems(certificatesConfigSchema.parse(own), ["cb1", "cb2", "cb3"])).toEqual([]);
  });

  it("names each bad field: missing, not a bare name, unknown keys", () => {
    expect(issues({ source: "existing" })).toEqual(["keyFile: missing", "certFile: missing", "trustBundle: missing"]);
    expect(
      issues({ ...lab, keyFile: "certs/abhiall.key", certFile: "abhi all.cer", trustBundle: 5, shared: true }),
    ).toEqual([
      'keyFile: "certs/abhiall.key" is a path; give the bare file name in the node\'s top directory (no "/"), as `pki list` shows it',
      'certFile: "abhi all.cer" is not an MMP file name (letters, digits, ".", "_" and "-" only, as `pki list` shows it)',
      "trustBundle: must be a file name such as abhiall.cer",
      ': Unrecognized key: "shared"',
    ]);
    expect(issues({ ...lab, bundleFile: " " })).toEqual(["bundleFile: must be a file name such as abhiall.cer"]);
    expect(issues({ ...lab, nodes: { cb2: { keyFile: "..\\cb2.key", chain: "x" } } })).toEqual([
      'nodes.cb2.keyFile: "..\\cb2.key" is a path; give the bare file name in the node\'s top directory (no "/"), as `pki list` shows it',
      'nodes.cb2: Unrecognized key: "chain"',
    ]);
    expect(issues({ ...lab, nodes: ["cb2"] })).toEqual(["nodes: Invalid input: expected record, received array"]);
  });

  it("needs per-node keys to be node names, and every node to end up with a key, certificate and trust file", () => {
    const nodes = ["cb1", "cb2", "cb3"];
    const cfg = certificatesConfigSchema.parse({
      source: "existing",
      certFile: "all.cer",
      trustBundle: "all.cer",
      nodes: { cb1: { keyFile: "cb1.key" }, cb4: { keyFile: "cb4.key" } },
    });
    expect(certificatesConfigProblems(cfg, nodes)).toEqual([
      "certificates.nodes.cb4: not one of the nodes (cb1, cb2, cb3)",
      "certificates.nodes.cb2.keyFile: missing (no certificates.keyFile applies to every node)",
      "certificates.nodes.cb3.keyFile: missing (no certificates.keyFile applies to every node)",
    ]);
    expect(certificatesConfigProblems(certificatesConfigSchema.parse(lab), nodes)).toEqual([]);
  });
});

describe("existingFilesOf", () => {
  it("takes a node's own names first, then the defaults, and says which field named each", () => {
    const cfg = certificatesConfigSchema.parse({
      source: "existing",
      keyFile: "abhiall.key",
      certFile: "abhiall.cer",
      trustBundle: "abhiall.cer",
      nodes: { cb2: { keyFile: "cb2.key", bundleFile: "cb2-chain.cer" } },
    }) as ExistingConfig;
    expect(existingFilesOf(cfg, "cb1")).toEqual({
      keyFile: "abhiall.key",
      certFile: "abhiall.cer",
      trustBundle: "abhiall.cer",
      fields: {
        keyFile: "certificates.keyFile",
        certFile: "certificates.certFile",
        trustBundle: "certificates.trustBundle",
      },
    });
    expect(existingFilesOf(cfg, "cb2")).toEqual({
      keyFile: "cb2.key",
      certFile: "abhiall.cer",
      bundleFile: "cb2-chain.cer",
      trustBundle: "abhiall.cer",
      fields: {
        keyFile: "certificates.nodes.cb2.keyFile",
        certFile: "certificates.certFile",
        bundleFile: "certificates.nodes.cb2.bundleFile",
        trustBundle: "certificates.trustBundle",
      },
    });
  });
});

describe("certificatesConfigProblems", () => {
  const nodes = ["cb1", "cb2", "cb3"];

  it("needs a byo entry for every node and no unknown ones", () => {
    const cfg = certificatesConfigSchema.parse({
      source: "byo",
      certs: { cb1: { key: "k", cert: "c" }, cb9: { key: "k", cert: "c" } },
    });
    expect(certificatesConfigProblems(cfg, nodes)).toEqual([
      "certificates.certs.cb9: not one of the nodes (cb1, cb2, cb3)",
      "certificates.certs.cb2: missing",
      "certificates.certs.cb3: missing",
    ]);
  });

  it("allows external signed certificates to be missing (up stops for them) but not unknown", () => {
    const cfg = certificatesConfigSchema.parse({ ca: { type: "external", signedCerts: { cb4: "x" } } });
    expect(certificatesConfigProblems(cfg, nodes)).toEqual([
      "certificates.ca.signedCerts.cb4: not one of the nodes (cb1, cb2, cb3)",
    ]);
    expect(certificatesConfigProblems(certificatesConfigSchema.parse({}), nodes)).toEqual([]);
  });

  it("lists the certificates to obtain", () => {
    expect(certificateUnits(true, nodes)).toEqual(["shared"]);
    expect(certificateUnits(false, nodes)).toEqual(nodes);
  });
});
