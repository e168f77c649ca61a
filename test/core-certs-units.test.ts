/** Pure unit tests of src/core/certs: `pki match`/`pki list` reading, names, messages, the CSR reader, the schema. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { csrPublicKeyDer } from "../src/core/certs/csr-public-key";
import {
  missingFiles,
  missingFilesProblem,
  namedFiles,
  parsePkiMatch,
  pkiMatchProblem,
} from "../src/core/certs/existing-files";
import { externalCaPauseMessage } from "../src/core/certs/external-ca-message";
import { coversNames, requiredNames } from "../src/core/certs/names";
import {
  certificatesConfigProblems,
  certificatesConfigSchema,
  type ExistingConfig,
  type ExistingNodeFileNames,
  existingFileNameProblem,
  existingFilesOf,
} from "../src/core/certs/schema";

const FILES: ExistingNodeFileNames = {
  keyFile: "cb1.key",
  certFile: "cb1.cer",
  bundleFile: "ca.cer",
  trustBundle: "trust.cer",
  fields: {
    keyFile: "certificates.nodes.cb1.keyFile",
    certFile: "certificates.certFile",
    bundleFile: "certificates.bundleFile",
    trustBundle: "certificates.trustBundle",
  },
};

describe("parsePkiMatch", () => {
  it("reads the simulator's success line as a match", () => {
    expect(parsePkiMatch("SUCCESS: Key and certificate pair match\n")).toStrictEqual({ status: "match" });
  });

  it("reads a bare SUCCESS line (no 'match' word) as a match", () => {
    expect(parsePkiMatch("SUCCESS")).toStrictEqual({ status: "match" });
  });

  it("reads a line saying the pair matches, without SUCCESS, as a match", () => {
    expect(parsePkiMatch("key and certificate match")).toStrictEqual({ status: "match" });
    expect(parsePkiMatch("key matches certificate")).toStrictEqual({ status: "match" });
    expect(parsePkiMatch("pair matched")).toStrictEqual({ status: "match" });
  });

  it("needs only one line to say match: later chatter does not undo it", () => {
    expect(parsePkiMatch("SUCCESS: pair match\ndone")).toStrictEqual({ status: "match" });
  });

  it("trims the lines before reading them", () => {
    expect(parsePkiMatch("   SUCCESS   ")).toStrictEqual({ status: "match" });
    expect(parsePkiMatch("  FAILURE: cannot read key  ")).toStrictEqual({
      status: "failed",
      line: "FAILURE: cannot read key",
    });
  });

  it("reads a FAILURE line that says the pair does not match as a mismatch", () => {
    const line = "FAILURE: Key and certificate pair do not match";
    expect(parsePkiMatch(`checking\n${line}`)).toStrictEqual({ status: "mismatch", line });
    expect(parsePkiMatch("FAILURE: key does not match certificate")).toStrictEqual({
      status: "mismatch",
      line: "FAILURE: key does not match certificate",
    });
    expect(parsePkiMatch("FAILURE: key do  not  match")).toStrictEqual({
      status: "mismatch",
      line: "FAILURE: key do  not  match",
    });
    expect(parsePkiMatch("FAILURE: key doesn't match")).toStrictEqual({
      status: "mismatch",
      line: "FAILURE: key doesn't match",
    });
    expect(parsePkiMatch("FAILURE: key/certificate mismatch")).toStrictEqual({
      status: "mismatch",
      line: "FAILURE: key/certificate mismatch",
    });
  });

  it("reads a FAILURE line about an unknown command as unchecked, keeping the line", () => {
    for (const line of [
      "FAILURE: unknown command",
      "FAILURE: unrecognised subcommand",
      "FAILURE: unrecognized subcommand",
      "FAILURE: invalid argument",
      "FAILURE: unsupported",
      "FAILURE: not supported",
    ]) {
      expect(parsePkiMatch(line)).toStrictEqual({ status: "unchecked", line });
    }
  });

  it("reads any other FAILURE line as failed", () => {
    expect(parsePkiMatch("Checking files\nFAILURE: unable to read key file")).toStrictEqual({
      status: "failed",
      line: "FAILURE: unable to read key file",
    });
  });

  it("takes FAILURE only at the start of a line", () => {
    expect(parsePkiMatch("Status FAILURE: cannot open file")).toStrictEqual({
      status: "unchecked",
      line: "Status FAILURE: cannot open file",
    });
  });

  it("prefers a FAILURE line over an earlier success line", () => {
    expect(parsePkiMatch("SUCCESS: loaded\nFAILURE: cannot read certificate")).toStrictEqual({
      status: "failed",
      line: "FAILURE: cannot read certificate",
    });
  });

  it("reads a mismatch outside a FAILURE line", () => {
    expect(parsePkiMatch("loaded\nKey and certificate do not match")).toStrictEqual({
      status: "mismatch",
      line: "Key and certificate do not match",
    });
  });

  it("reads usage text and unknown commands as unchecked, with the line that said so", () => {
    expect(parsePkiMatch("pki: command not found")).toStrictEqual({
      status: "unchecked",
      line: "pki: command not found",
    });
    expect(parsePkiMatch("bad input\nUsage: pki list")).toStrictEqual({ status: "unchecked", line: "Usage: pki list" });
    expect(parsePkiMatch("Unknown subcommand 'match'\nSUCCESS")).toStrictEqual({
      status: "unchecked",
      line: "Unknown subcommand 'match'",
    });
  });

  it("takes usage: only at the start of a line", () => {
    expect(parsePkiMatch("hello\nsee usage: pki")).toStrictEqual({ status: "unchecked", line: "hello" });
  });

  it("reads unclear output as unchecked with its first non-empty line", () => {
    expect(parsePkiMatch("\n\n  hello  \nworld")).toStrictEqual({ status: "unchecked", line: "hello" });
    expect(parsePkiMatch("result: SUCCESS")).toStrictEqual({ status: "unchecked", line: "result: SUCCESS" });
  });

  it("reads empty output as unchecked without a line", () => {
    expect(parsePkiMatch("")).toStrictEqual({ status: "unchecked" });
    expect(parsePkiMatch("\n   \r\n")).toStrictEqual({ status: "unchecked" });
  });
});

describe("namedFiles and missingFiles", () => {
  it("lists the named files with their fields, in the order xmpp certs and trust use them", () => {
    expect(namedFiles(FILES)).toStrictEqual([
      { name: "cb1.key", field: "certificates.nodes.cb1.keyFile" },
      { name: "cb1.cer", field: "certificates.certFile" },
      { name: "ca.cer", field: "certificates.bundleFile" },
      { name: "trust.cer", field: "certificates.trustBundle" },
    ]);
  });

  it("leaves out a file without a name or without a field", () => {
    const { bundleFile: _b, ...noBundle } = FILES;
    const { bundleFile: _f, ...fields } = FILES.fields;
    const expected = [
      { name: "cb1.key", field: "certificates.nodes.cb1.keyFile" },
      { name: "cb1.cer", field: "certificates.certFile" },
      { name: "trust.cer", field: "certificates.trustBundle" },
    ];
    expect(namedFiles({ ...noBundle, fields: FILES.fields })).toStrictEqual(expected);
    expect(namedFiles({ ...FILES, fields })).toStrictEqual(expected);
  });

  it("reports the files pki list does not show, a name used twice once with its first field", () => {
    const files = { ...FILES, trustBundle: "cb1.cer" };
    expect(missingFiles(files, ["cb1.key", "ca.cer"])).toStrictEqual([
      { name: "cb1.cer", field: "certificates.certFile" },
    ]);
    expect(missingFiles(files, [])).toStrictEqual([
      { name: "cb1.key", field: "certificates.nodes.cb1.keyFile" },
      { name: "cb1.cer", field: "certificates.certFile" },
      { name: "ca.cer", field: "certificates.bundleFile" },
    ]);
    expect(missingFiles(FILES, ["cb1.key", "cb1.cer", "ca.cer", "trust.cer"])).toStrictEqual([]);
  });
});

describe("missingFilesProblem", () => {
  it("is no problem when nothing is missing", () => {
    expect(missingFilesProblem("cb1", [])).toBeUndefined();
  });

  it("names one missing file", () => {
    expect(missingFilesProblem("cb1", [{ name: "cb1.key", field: "certificates.keyFile" }])).toStrictEqual({
      step: "certificates (source: existing)",
      detail: "`pki list` does not list cb1.key (certificates.keyFile)",
      hint: "upload it to cb1 over SFTP (the MMP login) and check with `pki list`, or correct the file name in the stack config",
    });
  });

  it("names several missing files", () => {
    expect(
      missingFilesProblem("cb2", [
        { name: "cb2.key", field: "certificates.nodes.cb2.keyFile" },
        { name: "trust.cer", field: "certificates.trustBundle" },
      ]),
    ).toStrictEqual({
      step: "certificates (source: existing)",
      detail: "`pki list` does not list cb2.key (certificates.nodes.cb2.keyFile), trust.cer (certificates.trustBundle)",
      hint: "upload them to cb2 over SFTP (the MMP login) and check with `pki list`, or correct the file names in the stack config",
    });
  });
});

describe("pkiMatchProblem", () => {
  it("is no problem for a match or an unchecked pair", () => {
    expect(pkiMatchProblem(FILES, { status: "match" })).toBeUndefined();
    expect(pkiMatchProblem(FILES, { status: "unchecked", line: "Usage: pki" })).toBeUndefined();
    expect(pkiMatchProblem(FILES, { status: "unchecked" })).toBeUndefined();
  });

  it("explains a mismatch", () => {
    expect(pkiMatchProblem(FILES, { status: "mismatch", line: "FAILURE: do not match" })).toStrictEqual({
      step: "certificates (source: existing)",
      detail: "`pki match cb1.key cb1.cer`: FAILURE: do not match",
      hint: "cb1.key (certificates.nodes.cb1.keyFile) is not the key of cb1.cer (certificates.certFile): upload the matching key or certificate over SFTP, or correct the file names in the stack config",
    });
  });

  it("explains a failed check", () => {
    expect(pkiMatchProblem(FILES, { status: "failed", line: "FAILURE: bad key" })).toStrictEqual({
      step: "certificates (source: existing)",
      detail: "`pki match cb1.key cb1.cer`: FAILURE: bad key",
      hint: "check that cb1.key (certificates.nodes.cb1.keyFile) holds the unencrypted private key and cb1.cer (certificates.certFile) the certificate; fix the files on the node or the names in the stack config",
    });
  });
});

describe("requiredNames", () => {
  const nodes = [
    { name: "cb1", fqdn: "cb1.example.com" },
    { name: "cb2", fqdn: "cb2.example.com" },
    { name: "cb3", fqdn: "cb3.example.com" },
  ];

  it("gives a node's own certificate the domain and that node's FQDN", () => {
    expect(requiredNames("example.com", nodes, "cb2")).toEqual(["example.com", "cb2.example.com"]);
  });

  it("gives the shared certificate the domain and every FQDN in node order", () => {
    expect(requiredNames("example.com", nodes, "shared")).toEqual([
      "example.com",
      "cb1.example.com",
      "cb2.example.com",
      "cb3.example.com",
    ]);
  });

  it("drops names equal to an earlier one, ignoring case, keeping the first spelling", () => {
    expect(
      requiredNames(
        "Example.com",
        [...nodes, { name: "cb4", fqdn: "example.COM" }, { name: "cb5", fqdn: "CB1.example.com" }],
        "shared",
      ),
    ).toEqual(["Example.com", "cb1.example.com", "cb2.example.com", "cb3.example.com"]);
    expect(requiredNames("example.com", [{ name: "cb1", fqdn: "EXAMPLE.com" }], "cb1")).toEqual(["example.com"]);
  });

  it("throws for a unit that is neither shared nor a node", () => {
    expect(() => requiredNames("example.com", nodes, "cb9")).toThrow(new Error('no node named "cb9"'));
  });

  it("accepts shared with no nodes: just the domain", () => {
    expect(requiredNames("example.com", [], "shared")).toEqual(["example.com"]);
  });

  it("checks coverage case-insensitively", () => {
    expect(coversNames(["EXAMPLE.com", "cb1.example.com"], ["example.com", "CB1.example.com"])).toBe(true);
    expect(coversNames(["example.com"], ["example.com", "cb1.example.com"])).toBe(false);
  });
});

describe("externalCaPauseMessage", () => {
  it("gives the exact steps for one CSR, without the CA bundle", () => {
    expect(
      externalCaPauseMessage(
        [{ unit: "shared", location: "cb1 (10.0.0.1:22)", csrFile: "xmpp-shared.csr", stale: false }],
        {
          configPath: "cluster.certificates",
          askForBundle: false,
        },
      ),
    ).toBe(
      [
        "certificates: waiting for the external CA to sign 1 CSR. The CSRs are on the nodes; nothing was uploaded and XMPP was not changed.",
        "  1. Download each CSR over SFTP (the MMP login) and have the CA sign it as a web server (TLS server and client) certificate:",
        "       cb1 (10.0.0.1:22): xmpp-shared.csr",
        "  2. Put each signed certificate (PEM text, or the path of the file) in the stack config:",
        `       pulumi config set --path 'cluster.certificates.ca.signedCerts.shared' -- "$(cat shared.cer)"`,
        "  3. Run `pulumi up` again: it resumes from here and keeps the keys already made on the nodes.",
      ].join("\n"),
    );
  });

  it("gives the exact steps for several CSRs, marks a stale one and asks for the bundle", () => {
    expect(
      externalCaPauseMessage(
        [
          { unit: "cb1", location: "cb1 (10.0.0.1:22)", csrFile: "xmpp-cb1.csr", stale: true },
          { unit: "cb2", location: "cb2 (10.0.0.2:22)", csrFile: "xmpp-cb2.csr", stale: false },
        ],
        { configPath: "c", askForBundle: true },
      ),
    ).toBe(
      [
        "certificates: waiting for the external CA to sign 2 CSRs. The CSRs are on the nodes; nothing was uploaded and XMPP was not changed.",
        "  1. Download each CSR over SFTP (the MMP login) and have the CA sign it as a web server (TLS server and client) certificate:",
        "       cb1 (10.0.0.1:22): xmpp-cb1.csr  (the certificate in config was signed for an earlier CSR)",
        "       cb2 (10.0.0.2:22): xmpp-cb2.csr",
        "  2. Put each signed certificate (PEM text, or the path of the file) in the stack config:",
        `       pulumi config set --path 'c.ca.signedCerts.cb1' -- "$(cat cb1.cer)"`,
        `       pulumi config set --path 'c.ca.signedCerts.cb2' -- "$(cat cb2.cer)"`,
        "     and the CA chain, the certificate that signed them first and the root last:",
        `       pulumi config set --path 'c.ca.caBundle' -- "$(cat ca-bundle.cer)"`,
        "  3. Run `pulumi up` again: it resumes from here and keeps the keys already made on the nodes.",
      ].join("\n"),
    );
  });
});

/** A DER TLV with a short-form length (content below 128 bytes). */
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const content = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag, content.length]), content]);
};
const bytes = (...b: number[]) => Buffer.from(b);
const pem = (der: Buffer, label = "CERTIFICATE REQUEST") =>
  `-----BEGIN ${label}-----\n${(der.toString("base64").match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${label}-----\n`;

const SPKI = tlv(0x30, tlv(0x30, tlv(0x06, bytes(0x2a, 0x86, 0x48))), tlv(0x03, bytes(0, 1, 2, 3)));
const INFO = tlv(0x30, tlv(0x02, bytes(0)), tlv(0x30, tlv(0x31, bytes(1))), SPKI, tlv(0xa0));
const CSR = tlv(0x30, INFO, tlv(0x30, tlv(0x06, bytes(1))), tlv(0x03, bytes(0, 9)));

describe("csrPublicKeyDer", () => {
  const invalid = (reason: string) => `csr: is not a valid certificate request (${reason})`;

  it("returns the SubjectPublicKeyInfo of a request, tag and length included", () => {
    expect(csrPublicKeyDer(pem(CSR), "csr").equals(SPKI)).toBe(true);
    expect(csrPublicKeyDer(`subject=x\n${pem(CSR, "NEW CERTIFICATE REQUEST")}`, "csr").equals(SPKI)).toBe(true);
  });

  it("reads a public key that ends exactly at the end of the DER", () => {
    const spki = bytes(0x30, 0x00);
    const der = tlv(0x30, tlv(0x30, tlv(0x02, bytes(0)), tlv(0x30), spki));
    expect([...csrPublicKeyDer(pem(der), "csr")]).toEqual([0x30, 0x00]);
  });

  it("reads long-form lengths of up to four bytes", () => {
    const info = INFO;
    const der = Buffer.concat([bytes(0x30, 0x84, 0, 0, 0, info.length), info]);
    expect(csrPublicKeyDer(pem(der), "csr").equals(SPKI)).toBe(true);
    const der2 = Buffer.concat([bytes(0x30, 0x81, info.length), info]);
    expect(csrPublicKeyDer(pem(der2), "csr").equals(SPKI)).toBe(true);
  });

  it("needs a certificate request block", () => {
    expect(() => csrPublicKeyDer(pem(CSR, "CERTIFICATE"), "node cb1 CSR")).toThrow(
      new Error('node cb1 CSR: no "-----BEGIN CERTIFICATE REQUEST-----" block found'),
    );
    expect(() => csrPublicKeyDer("", "csr")).toThrow(
      new Error('csr: no "-----BEGIN CERTIFICATE REQUEST-----" block found'),
    );
  });

  it("rejects truncated DER", () => {
    expect(() => csrPublicKeyDer(pem(bytes(0x30)), "csr")).toThrow(new Error(invalid("truncated DER")));
    expect(() => csrPublicKeyDer(pem(bytes(0x30, 0x05, 0x00)), "csr")).toThrow(new Error(invalid("truncated DER")));
    expect(() => csrPublicKeyDer(pem(bytes(0x30, 0x82, 0x00, 0x00)), "csr")).toThrow(
      new Error(invalid("truncated DER")),
    );
  });

  it("rejects bad long-form lengths", () => {
    const tail = Buffer.alloc(20);
    expect(() => csrPublicKeyDer(pem(Buffer.concat([bytes(0x30, 0x80), tail])), "csr")).toThrow(
      new Error(invalid("bad DER length")),
    );
    expect(() => csrPublicKeyDer(pem(Buffer.concat([bytes(0x30, 0x85), tail])), "csr")).toThrow(
      new Error(invalid("bad DER length")),
    );
    expect(() => csrPublicKeyDer(pem(bytes(0x30, 0x82, 0x00)), "csr")).toThrow(new Error(invalid("bad DER length")));
  });

  it("rejects a request whose parts have the wrong tags", () => {
    const build = (version: number, subject: number, spkiTag: number, infoTag = 0x30, requestTag = 0x30) =>
      tlv(requestTag, tlv(infoTag, tlv(version, bytes(0)), tlv(subject), tlv(spkiTag, bytes(5))));
    expect(csrPublicKeyDer(pem(build(0x02, 0x30, 0x30)), "csr").equals(tlv(0x30, bytes(5)))).toBe(true);
    for (const der of [
      build(0x04, 0x30, 0x30),
      build(0x02, 0x31, 0x30),
      build(0x02, 0x30, 0x31),
      build(0x02, 0x30, 0x30, 0x31),
      build(0x02, 0x30, 0x30, 0x30, 0x31),
    ]) {
      expect(() => csrPublicKeyDer(pem(der), "csr")).toThrow(new Error(invalid("unexpected structure")));
    }
  });
});

type JsonNode = Record<string, unknown>;

/** Every node of a JSON Schema reachable through properties, records, arrays and unions, with a readable path. */
function schemaNodes(node: JsonNode, path = "", out: { path: string; node: JsonNode }[] = []) {
  out.push({ path, node });
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, JsonNode>)) {
    schemaNodes(child, path ? `${path}.${key}` : key, out);
  }
  if (typeof node.additionalProperties === "object")
    schemaNodes(node.additionalProperties as JsonNode, `${path}.*`, out);
  if (node.items) schemaNodes(node.items as JsonNode, `${path}[]`, out);
  for (const key of ["oneOf", "anyOf"]) {
    for (const [i, child] of ((node[key] as JsonNode[] | undefined) ?? []).entries())
      schemaNodes(child, `${path}|${i}`, out);
  }
  return out;
}

const certsJson = () =>
  schemaNodes(z.toJSONSchema(certificatesConfigSchema, { io: "input", unrepresentable: "any" }) as JsonNode);

const certIssues = (raw: unknown) => {
  const result = certificatesConfigSchema.safeParse(raw);
  if (result.success) throw new Error("expected a failure");
  return result.error.issues.map((i) => ({ code: i.code, path: i.path.join("."), message: i.message }));
};

describe("certificatesConfigSchema documentation", () => {
  it("describes every field except discriminators and record entries", () => {
    expect(
      certsJson()
        .filter((e) => !e.node.description)
        .map((e) => e.path),
    ).toEqual([
      "|0.source",
      "|0.ca|0.type",
      "|0.ca|1.type",
      "|0.ca|2.type",
      "|0.ca|2.signedCerts.*",
      "|1.source",
      "|1.ca|0.type",
      "|1.ca|1.type",
      "|2.source",
      "|2.certs.*",
      "|3.source",
      "|3.nodes.*",
    ]);
  });

  it("marks the private keys secret, and nothing else", () => {
    expect(
      certsJson()
        .filter((e) => e.node.secret === true)
        .map((e) => e.path),
    ).toEqual(["|0.ca|1.key", "|1.ca|1.key", "|2.certs.*.key"]);
  });

  it("says which existing file names are required, but not on the per-node overrides", () => {
    const byPath = Object.fromEntries(certsJson().map((e) => [e.path, e.node.description]));
    const required = " Required here or in `nodes` for every node.";
    expect([
      byPath["|3.keyFile"],
      byPath["|3.certFile"],
      byPath["|3.bundleFile"],
      byPath["|3.trustBundle"],
      byPath["|3.nodes.*.keyFile"],
      byPath["|3.nodes.*.certFile"],
      byPath["|3.nodes.*.bundleFile"],
      byPath["|3.nodes.*.trustBundle"],
    ]).toEqual([
      `The key file given to \`xmpp certs\`.${required}`,
      `The certificate file given to \`xmpp certs\`; read over SFTP for \`certificateExpiry\`.${required}`,
      "The CA bundle given to `xmpp certs`; none when left out.",
      `The file given to \`xmpp cluster trust\`: every node's certificate (or the shared one).${required}`,
      "The key file given to `xmpp certs`.",
      "The certificate file given to `xmpp certs`; read over SFTP for `certificateExpiry`.",
      "The CA bundle given to `xmpp certs`; none when left out.",
      "The file given to `xmpp cluster trust`: every node's certificate (or the shared one).",
    ]);
  });

  it("documents the source kinds and the CA kinds", () => {
    const byPath = Object.fromEntries(certsJson().map((e) => [e.path, e.node.description]));
    expect(byPath["|0.ca"]).toBe("The CA that signs the node certificates, chosen by `type`.");
    expect(byPath["|1.ca"]).toBe("The CA that signs the node certificates, chosen by `type`.");
    expect(byPath["|0.subject.C"]).toBe("Country, two letters.");
    expect(byPath["|0.ca|0"]).toBe(
      "A CA the stack creates (`@pulumi/tls`); its key is a Pulumi secret in the stack state.",
    );
    expect(byPath["|0.ca|1"]).toBe("A CA you supply, which the stack signs with.");
  });

  it("gives an example of source: existing", () => {
    expect(certsJson().find((e) => e.path === "|3")?.node.examples).toEqual([
      {
        source: "existing",
        keyFile: "abhiall.key",
        certFile: "abhiall.cer",
        bundleFile: "certall.cer",
        trustBundle: "abhiall.cer",
        nodes: { cb2: { keyFile: "cb2.key", certFile: "cb2.cer" } },
      },
    ]);
  });

  it("publishes the defaults and the bounds of the lifetimes", () => {
    const byPath = Object.fromEntries(certsJson().map((e) => [e.path, e.node]));
    expect(byPath["|0.ca|0.validityDays"]).toEqual({
      default: 3650,
      description: "Lifetime of the CA certificate.",
      type: "integer",
      minimum: 1,
      maximum: 36500,
    });
    expect(byPath["|0.validityDays"]).toEqual({
      default: 365,
      description: "Lifetime of each node certificate.",
      type: "integer",
      minimum: 1,
      maximum: 3650,
    });
  });
});

describe("certificatesConfigSchema parsing", () => {
  const DEFAULTS = { shared: false, validityDays: 365, earlyRenewalDays: 30, subject: {} };

  it("parses each source with its defaults", () => {
    expect(certificatesConfigSchema.parse({ source: "offNode" })).toEqual({
      source: "offNode",
      ...DEFAULTS,
      ca: { type: "local", validityDays: 3650 },
    });
    expect(certificatesConfigSchema.parse({ ca: { type: "localSupplied", cert: " ca.pem ", key: "ca.key" } })).toEqual({
      source: "onNodeCsr",
      ...DEFAULTS,
      ca: { type: "localSupplied", cert: "ca.pem", key: "ca.key" },
    });
    expect(certificatesConfigSchema.parse({ ca: { type: "external", caBundle: "b.pem" } })).toEqual({
      source: "onNodeCsr",
      ...DEFAULTS,
      ca: { type: "external", signedCerts: {}, caBundle: "b.pem" },
    });
    expect(
      certificatesConfigSchema.parse({ source: "byo", certs: { cb1: { key: "k", cert: "c", chain: "ch" } } }),
    ).toEqual({ source: "byo", shared: false, certs: { cb1: { key: "k", cert: "c", chain: "ch" } } });
    expect(
      certificatesConfigSchema.parse({
        source: "existing",
        keyFile: "a.key",
        certFile: "a.cer",
        bundleFile: "b.cer",
        trustBundle: "t.cer",
        nodes: { cb2: { keyFile: "cb2.key" } },
      }),
    ).toEqual({
      source: "existing",
      keyFile: "a.key",
      certFile: "a.cer",
      bundleFile: "b.cer",
      trustBundle: "t.cer",
      nodes: { cb2: { keyFile: "cb2.key" } },
    });
    expect(
      certificatesConfigSchema.parse({
        validityDays: 10,
        earlyRenewalDays: 9,
        ca: { type: "local", validityDays: 36500 },
      }),
    ).toEqual({
      source: "onNodeCsr",
      ...DEFAULTS,
      validityDays: 10,
      earlyRenewalDays: 9,
      ca: { type: "local", validityDays: 36500 },
    });
  });

  it("bounds the CA lifetime", () => {
    expect(certIssues({ ca: { type: "local", validityDays: 36501 } })).toEqual([
      { code: "too_big", path: "ca.validityDays", message: "Too big: expected number to be <=36500" },
    ]);
    expect(certIssues({ ca: { type: "local", validityDays: 0 } })).toEqual([
      { code: "too_small", path: "ca.validityDays", message: "Too small: expected number to be >=1" },
    ]);
  });

  it("names the CA types each source accepts", () => {
    expect(certIssues({ ca: { type: "nope" } })).toEqual([
      { code: "invalid_union", path: "ca.type", message: 'must be one of "local", "localSupplied" or "external"' },
    ]);
    expect(certIssues({ source: "offNode", ca: { type: "external" } })).toEqual([
      { code: "invalid_union", path: "ca.type", message: 'must be one of "local" or "localSupplied"' },
    ]);
  });

  it("rejects unknown sources and non-mappings", () => {
    expect(certIssues({ source: "nope" })).toEqual([
      {
        code: "invalid_union",
        path: "source",
        message: 'must be "onNodeCsr" (the default), "offNode", "byo" or "existing"',
      },
    ]);
    expect(certIssues("x")).toEqual([
      { code: "invalid_type", path: "", message: "must be a mapping such as { source: onNodeCsr, shared: false }" },
    ]);
  });

  it("reports a bad subject value with its problem", () => {
    expect(certIssues({ subject: { C: "usa", O: " x", OU: "a:b", L: "x".repeat(65), ST: "ok" } })).toEqual([
      { code: "custom", path: "subject.O", message: "must not be empty or start or end with a space" },
      {
        code: "custom",
        path: "subject.OU",
        message: 'must not contain ", \\ or : (they would break the MMP command line)',
      },
      { code: "custom", path: "subject.L", message: "must be at most 64 characters" },
      { code: "custom", path: "subject.C", message: "must be a 2-letter ISO country code such as DE" },
    ]);
  });

  it("needs the shared entry exactly when shared: true", () => {
    expect(
      certIssues({
        source: "byo",
        shared: true,
        certs: { shared: { key: "k", cert: "c" }, cb1: { key: "k", cert: "c" } },
      }),
    ).toEqual([{ code: "custom", path: "certs", message: 'with shared: true, the only entry must be "shared"' }]);
    expect(certIssues({ source: "byo", certs: { shared: { key: "k", cert: "c" } } })).toEqual([
      {
        code: "custom",
        path: "certs",
        message: 'a "shared" entry needs shared: true; otherwise key entries by node name',
      },
    ]);
    expect(certIssues({ shared: true, ca: { type: "external", signedCerts: { cb1: "x.pem" } } })).toEqual([
      { code: "custom", path: "ca.signedCerts", message: 'with shared: true, the only entry must be "shared"' },
    ]);
  });

  it("needs earlyRenewalDays below validityDays", () => {
    expect(certIssues({ validityDays: 30, earlyRenewalDays: 30 })).toEqual([
      { code: "custom", path: "earlyRenewalDays", message: "must be less than validityDays" },
    ]);
  });

  it("checks existing file names", () => {
    expect(
      certIssues({ source: "existing", keyFile: "a b", certFile: " ", trustBundle: "x/y", bundleFile: 5 }),
    ).toEqual([
      {
        code: "custom",
        path: "keyFile",
        message: '"a b" is not an MMP file name (letters, digits, ".", "_" and "-" only, as `pki list` shows it)',
      },
      { code: "too_small", path: "certFile", message: "must be a file name such as abhiall.cer" },
      { code: "invalid_type", path: "bundleFile", message: "must be a file name such as abhiall.cer" },
      {
        code: "custom",
        path: "trustBundle",
        message:
          '"x/y" is a path; give the bare file name in the node\'s top directory (no "/"), as `pki list` shows it',
      },
    ]);
  });

  it("needs each required existing file at the top or in a node override of that same file", () => {
    expect(
      certIssues({ source: "existing", certFile: "c", trustBundle: "t", nodes: { cb1: { certFile: "c.cer" } } }),
    ).toEqual([{ code: "custom", path: "keyFile", message: "missing" }]);
    expect(
      certificatesConfigSchema.parse({
        source: "existing",
        certFile: "c",
        trustBundle: "t",
        nodes: { cb1: { keyFile: "k" } },
      }),
    ).toEqual({ source: "existing", certFile: "c", trustBundle: "t", nodes: { cb1: { keyFile: "k" } } });
  });
});

describe("existingFileNameProblem", () => {
  it("accepts MMP file names up to 255 characters", () => {
    expect(existingFileNameProblem("abhiall.cer")).toBeUndefined();
    expect(existingFileNameProblem("a".repeat(255))).toBeUndefined();
  });

  it("rejects longer names and other characters", () => {
    const long = "a".repeat(256);
    expect(existingFileNameProblem(long)).toBe(
      `"${long}" is not an MMP file name (letters, digits, ".", "_" and "-" only, as \`pki list\` shows it)`,
    );
    expect(existingFileNameProblem("a\\b")).toBe(
      '"a\\b" is a path; give the bare file name in the node\'s top directory (no "/"), as `pki list` shows it',
    );
  });
});

describe("existingFilesOf and certificatesConfigProblems", () => {
  const base = (over: Partial<ExistingConfig>): ExistingConfig => ({ source: "existing", nodes: {}, ...over });

  it("throws when a required file is set nowhere", () => {
    const message = "certificates.nodes.cb1: the key, certificate or trust file is not set";
    expect(() => existingFilesOf(base({ certFile: "c", trustBundle: "t" }), "cb1")).toThrow(new Error(message));
    expect(() => existingFilesOf(base({ keyFile: "k", trustBundle: "t" }), "cb1")).toThrow(new Error(message));
    expect(() => existingFilesOf(base({ keyFile: "k", certFile: "c" }), "cb1")).toThrow(new Error(message));
    expect(() => existingFilesOf(base({ keyFile: "k", certFile: "c" }), "cb1", "x.certs")).toThrow(
      new Error("x.certs.nodes.cb1: the key, certificate or trust file is not set"),
    );
  });

  it("reports a required file missing everywhere once, and per node when some nodes set it", () => {
    expect(certificatesConfigProblems(base({ certFile: "c", trustBundle: "t" }), ["cb1", "cb2"])).toEqual([
      "certificates.keyFile: missing",
    ]);
    expect(
      certificatesConfigProblems(base({ certFile: "c", trustBundle: "t", nodes: { cb1: { keyFile: "k" } } }), [
        "cb1",
        "cb2",
      ]),
    ).toEqual(["certificates.nodes.cb2.keyFile: missing (no certificates.keyFile applies to every node)"]);
  });
});
