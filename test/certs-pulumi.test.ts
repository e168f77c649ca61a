import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caBundleFileName, certFileName, keyFileName, trustFileName } from "../src/core/certs/file-names";
import { certificatesConfigSchema } from "../src/core/certs/schema";
import { type CertificateMaterial, certificateMaterial } from "../src/resources/certs/certificate-material";
import { outputRunError } from "../src/resources/certs/output-error";
import { ALL_NAMES, DOMAIN, FQDNS, type Issued, TestPki } from "./certs-fixtures";
import { routeRunErrors } from "./support/run-errors";

/** What the mocked engine saw. */
interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const NODE_CSR = "pulumi-nodejs:dynamic/cms:NodeCsr";
const UNITS = ["cb1", "cb2", "cb3", "shared"];

let pki: TestPki;
const registered: Registered[] = [];
/** Per unit: a key with a certificate from the root (the stack's CA) and one from the intermediate (a supplied CA). */
const byRoot = new Map<string, Issued>();
const byIntermediate = new Map<string, Issued>();
const unitOfName = (name: string) => UNITS.find((u) => name.includes(`-${u}-`)) as string;

function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "tls:index/privateKey:PrivateKey":
      return { privateKeyPem: name.endsWith("-ca-key") ? pki.root.key : byRoot.get(unitOfName(name))?.key };
    case "tls:index/selfSignedCert:SelfSignedCert":
      return { certPem: pki.root.cert };
    case "tls:index/certRequest:CertRequest":
      return { certRequestPem: byRoot.get(unitOfName(name))?.csr };
    case "tls:index/locallySignedCert:LocallySignedCert": {
      const issued = inputs.caCertPem === pki.root.cert ? byRoot : byIntermediate;
      return { certPem: issued.get(unitOfName(name))?.cert };
    }
    case NODE_CSR: {
      const unit = inputs.unit as string;
      const base = `xmpp-${unit}-csr-0000000${UNITS.indexOf(unit)}`;
      const keyPem = inputs.exportKey ? { keyPem: byRoot.get(unit)?.key } : {};
      return { keyFile: `${base}.key`, csrFile: `${base}.csr`, certRequestPem: byRoot.get(unit)?.csr, ...keyPem };
    }
    default:
      return {};
  }
}

beforeAll(() => {
  pki = new TestPki();
  for (const unit of UNITS) {
    const root = pki.issue({ issuer: "root" });
    byRoot.set(unit, root);
    byIntermediate.set(unit, pki.issue({ key: root.key }));
  }
  routeRunErrors();
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...mockState(args.type, args.name, args.inputs) } };
      },
      call: (args) => args.inputs,
    },
    "proj",
    "stack",
    false,
  );
});
afterAll(() => pki.dispose());

const NODES = ["cb1", "cb2", "cb3"].map((name, i) => ({
  name,
  fqdn: FQDNS[i],
  mmp: {
    node: name,
    host: "127.0.0.1",
    port: 2201 + i,
    username: "admin",
    passwordKey: "proj:mmpPassword",
    trustOnFirstUse: true,
    timeoutSeconds: 5,
  },
}));

const value = <T>(output: pulumi.Output<T>): Promise<T> => (output as unknown as { promise(): Promise<T> }).promise();

/**
 * Each build gets its own name: registrations reach the mock asynchronously, some after the test that made them.
 * The helpers below show the current build's resources under the name `xmpp`.
 */
let builds = 0;
let current = "";
function build(config: unknown, nodes = NODES): CertificateMaterial {
  current = `t${++builds}`;
  return certificateMaterial(current, { domain: DOMAIN, nodes, config: certificatesConfigSchema.parse(config) });
}
const mine = () =>
  registered
    .filter((r) => r.name === current || r.name.startsWith(`${current}-`))
    .map((r) => ({ ...r, name: r.name.replace(current, "xmpp") }));

/** Every file of every node, resolved, with the upload roles and whether the content is secret. */
async function resolved(material: CertificateMaterial) {
  return Promise.all(
    material.files.map(async (f) => ({
      node: f.node,
      keyFile: await value(f.keyFile),
      certFile: await value(f.certFile),
      bundleFile: f.bundleFile ? await value(f.bundleFile) : undefined,
      trustFile: await value(f.trustFile),
      notAfter: await value(f.notAfter),
      uploads: await Promise.all(
        f.uploads.map(async (u) => ({
          role: u.role,
          name: await value(u.name),
          content: await value(u.content),
          secret: u.secret,
          isSecret: await pulumi.isSecret(u.content),
        })),
      ),
    })),
  );
}

/** Registration order across independent resources is not defined: compare sorted. */
const graph = () =>
  mine()
    .map((r) => `${r.type} ${r.name}`)
    .sort();
const sorted = (list: string[]) => [...list].sort();
/** How the mock monitor shows a secret input. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const secretValue = (input: unknown) => {
  const wrapped = input as Record<string, unknown>;
  expect(wrapped[SECRET_SIG]).toBeDefined();
  return wrapped.value;
};
const inputsOf = (name: string) => mine().find((r) => r.name === name)?.inputs ?? {};
const mmpOf = (i: number) => NODES[i].mmp;

async function stopsWith(material: CertificateMaterial): Promise<string> {
  const error = await value(material.files[0].certFile).then(
    () => undefined,
    (err: Error) => err,
  );
  expect(pulumi.RunError.isInstance(error)).toBe(true);
  return (error as Error).message;
}

describe("on-node CSR (default): per node, signed by a CA the stack creates", () => {
  it("registers a CA, one NodeCsr and one LocallySignedCert per node", async () => {
    const material = build({});
    const files = await resolved(material);
    expect(graph()).toEqual(
      sorted([
        "cms:certs:CertificateMaterial xmpp",
        "pulumi-nodejs:dynamic/cms:NodeCsr xmpp-cb1-csr",
        "pulumi-nodejs:dynamic/cms:NodeCsr xmpp-cb2-csr",
        "pulumi-nodejs:dynamic/cms:NodeCsr xmpp-cb3-csr",
        "tls:index/privateKey:PrivateKey xmpp-ca-key",
        "tls:index/selfSignedCert:SelfSignedCert xmpp-ca",
        "tls:index/locallySignedCert:LocallySignedCert xmpp-cb1-cert",
        "tls:index/locallySignedCert:LocallySignedCert xmpp-cb2-cert",
        "tls:index/locallySignedCert:LocallySignedCert xmpp-cb3-cert",
      ]),
    );
    const csr = inputsOf("xmpp-cb2-csr");
    expect(typeof csr.__provider).toBe("string");
    expect({ ...csr, __provider: undefined }).toEqual({
      __provider: undefined,
      node: "cb2",
      unit: "cb2",
      mmp: mmpOf(1),
      commonName: DOMAIN,
      subjectAltNames: [DOMAIN, "cb2.tptac9.com"],
      subject: {},
      exportKey: false,
    });
    // Each node's CSR names the domain and that node only.
    expect(["cb1", "cb3"].map((n) => inputsOf(`xmpp-${n}-csr`).subjectAltNames)).toEqual([
      [DOMAIN, "cb1.tptac9.com"],
      [DOMAIN, "cb3.tptac9.com"],
    ]);
    expect(inputsOf("xmpp-ca-key")).toEqual({ algorithm: "RSA", rsaBits: 3072 });
    expect(secretValue(inputsOf("xmpp-ca").privateKeyPem)).toBe(pki.root.key);
    expect({ ...inputsOf("xmpp-ca"), privateKeyPem: "(secret)" }).toEqual({
      privateKeyPem: "(secret)",
      subject: { commonName: "tptac9.com XMPP CA" },
      validityPeriodHours: 3650 * 24,
      isCaCertificate: true,
      setSubjectKeyId: true,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    });
    const signing = inputsOf("xmpp-cb3-cert");
    expect(secretValue(signing.caPrivateKeyPem)).toBe(pki.root.key);
    expect({ ...signing, caPrivateKeyPem: "(secret)" }).toEqual({
      certRequestPem: byRoot.get("cb3")?.csr,
      caCertPem: pki.root.cert,
      caPrivateKeyPem: "(secret)",
      validityPeriodHours: 365 * 24,
      earlyRenewalHours: 30 * 24,
      setSubjectKeyId: true,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
    });

    const certs = ["cb1", "cb2", "cb3"].map((u) => byRoot.get(u)?.cert as string);
    const trust = certs.join("");
    expect(files.map((f) => f.keyFile)).toEqual([0, 1, 2].map((i) => `xmpp-cb${i + 1}-csr-0000000${i}.key`));
    for (const [i, f] of files.entries()) {
      expect(f.certFile).toBe(certFileName(f.node, certs[i]));
      expect(f.bundleFile).toBe(caBundleFileName(pki.root.cert));
      expect(f.trustFile).toBe(trustFileName(trust));
      expect(f.notAfter).toBe(new Date(new X509Certificate(certs[i]).validTo).toISOString().replace(".000", ""));
      expect(f.uploads).toEqual([
        { role: "cert", name: f.certFile, content: certs[i], secret: false, isSecret: false },
        { role: "bundle", name: f.bundleFile, content: pki.root.cert, secret: false, isSecret: false },
        { role: "trust", name: f.trustFile, content: trust, secret: false, isSecret: false },
      ]);
      expect(pki.verify(certs[i], [pki.root.cert])).toBe(true);
    }
    expect(await value(material.caCertPem as pulumi.Output<string>)).toBe(pki.root.cert);
    const expiry = await value(material.expiry);
    expect(expiry.map((e) => [e.node, e.daysLeft])).toEqual([
      ["cb1", 364],
      ["cb2", 364],
      ["cb3", 364],
    ]);
  });

  it("shared: pki csr once on the first node; its key goes to the others as a secret", async () => {
    const files = await resolved(build({ shared: true, subject: { O: "TAC Lab" } }));
    expect(graph().filter((g) => g.startsWith(NODE_CSR) || g.includes("LocallySigned"))).toEqual([
      `${NODE_CSR} xmpp-shared-csr`,
      "tls:index/locallySignedCert:LocallySignedCert xmpp-shared-cert",
    ]);
    expect(inputsOf("xmpp-shared-csr")).toMatchObject({
      node: "cb1",
      unit: "shared",
      exportKey: true,
      subject: { O: "TAC Lab" },
    });
    // One certificate for every node: it names them all.
    expect(inputsOf("xmpp-shared-csr").subjectAltNames).toEqual([
      "tptac9.com",
      "cb1.tptac9.com",
      "cb2.tptac9.com",
      "cb3.tptac9.com",
    ]);
    expect(inputsOf("xmpp-ca")).toMatchObject({
      subject: { commonName: "tptac9.com XMPP CA", organization: "TAC Lab" },
    });
    const shared = byRoot.get("shared") as Issued;
    const certFile = certFileName("shared", shared.cert);
    const keyFile = "xmpp-shared-csr-00000003.key";
    expect(files.map((f) => [f.keyFile, f.certFile, f.trustFile])).toEqual(
      Array(3).fill([keyFile, certFile, certFile]),
    );
    expect(files.map((f) => f.uploads.map((u) => u.role))).toEqual([
      ["cert", "bundle"],
      ["key", "cert", "bundle"],
      ["key", "cert", "bundle"],
    ]);
    expect(files[1].uploads[0]).toEqual({
      role: "key",
      name: keyFile,
      content: shared.key,
      secret: true,
      isSecret: true,
    });
  });

  it("shared on a single node: nothing to export, no key upload", async () => {
    const files = await resolved(build({ shared: true }, NODES.slice(0, 1)));
    expect(inputsOf("xmpp-shared-csr")).toMatchObject({ exportKey: false });
    expect(files[0].uploads.map((u) => u.role)).toEqual(["cert", "bundle"]);
  });
});

describe("on-node CSR with an external CA", () => {
  const chain = () => pki.intermediate.cert + pki.root.cert;

  it("stops after the CSRs, listing them and the commands to resume", async () => {
    const message = await stopsWith(build({ ca: { type: "external" } }));
    expect(graph()).toEqual([
      "cms:certs:CertificateMaterial xmpp",
      `${NODE_CSR} xmpp-cb1-csr`,
      `${NODE_CSR} xmpp-cb2-csr`,
      `${NODE_CSR} xmpp-cb3-csr`,
    ]);
    expect(message).toBe(
      [
        "certificates: waiting for the external CA to sign 3 CSRs. The CSRs are on the nodes; nothing was uploaded and XMPP was not changed.",
        "  1. Download each CSR over SFTP (the MMP login) and have the CA sign it as a web server (TLS server and client) certificate:",
        "       cb1 (127.0.0.1:2201): xmpp-cb1-csr-00000000.csr",
        "       cb2 (127.0.0.1:2202): xmpp-cb2-csr-00000001.csr",
        "       cb3 (127.0.0.1:2203): xmpp-cb3-csr-00000002.csr",
        "  2. Put each signed certificate (PEM text, or the path of the file) in the stack config:",
        `       pulumi config set --path 'cluster.certificates.ca.signedCerts.cb1' -- "$(cat cb1.cer)"`,
        `       pulumi config set --path 'cluster.certificates.ca.signedCerts.cb2' -- "$(cat cb2.cer)"`,
        `       pulumi config set --path 'cluster.certificates.ca.signedCerts.cb3' -- "$(cat cb3.cer)"`,
        "     and the CA chain, the certificate that signed them first and the root last:",
        `       pulumi config set --path 'cluster.certificates.ca.caBundle' -- "$(cat ca-bundle.cer)"`,
        "  3. Run `pulumi up` again: it resumes from here and keeps the keys already made on the nodes.",
      ].join("\n"),
    );
  });

  it("resumes with the signed certificates (PEM or file) and the chain", async () => {
    const cb2File = join(pki.dir, "cb2-signed.cer");
    writeFileSync(cb2File, byIntermediate.get("cb2")?.cert as string);
    const files = await resolved(
      build({
        ca: {
          type: "external",
          signedCerts: { cb1: byIntermediate.get("cb1")?.cert, cb2: cb2File, cb3: byIntermediate.get("cb3")?.cert },
          caBundle: chain(),
        },
      }),
    );
    expect(graph().filter((g) => g.startsWith("tls:"))).toEqual([]);
    for (const [i, f] of files.entries()) {
      const cert = byIntermediate.get(f.node)?.cert as string;
      expect(f.keyFile).toBe(`xmpp-${f.node}-csr-0000000${i}.key`);
      expect(f.certFile).toBe(certFileName(f.node, cert));
      expect(f.bundleFile).toBe(caBundleFileName(chain()));
      expect(f.uploads.map((u) => u.role)).toEqual(["cert", "bundle", "trust"]);
      expect(pki.verify(cert, [pki.intermediate.cert, pki.root.cert])).toBe(true);
    }
  });

  it("asks again for a certificate signed for an earlier CSR, and only for that one", async () => {
    const message = await stopsWith(
      build({
        shared: true,
        ca: { type: "external", signedCerts: { shared: byIntermediate.get("cb1")?.cert }, caBundle: chain() },
      }),
    );
    expect(message).toContain(
      "cb1 (127.0.0.1:2201): xmpp-shared-csr-00000003.csr  (the certificate in config was signed for an earlier CSR)",
    );
    expect(message).toContain(
      `pulumi config set --path 'cluster.certificates.ca.signedCerts.shared' -- "$(cat shared.cer)"`,
    );
    expect(message).not.toContain("caBundle");
  });

  it("rejects a signed certificate with a missing SAN or a wrong chain before any upload", async () => {
    const noSan = pki.issue({ key: byRoot.get("shared")?.key, sans: [DOMAIN, FQDNS[0]] });
    const message = await stopsWith(
      build({
        shared: true,
        ca: { type: "external", signedCerts: { shared: noSan.cert }, caBundle: pki.root.cert + pki.intermediate.cert },
      }),
    );
    expect(message).toMatch(/^certificate checks failed; nothing was uploaded to any node:\n/);
    expect(message).toContain(
      'certificates.ca.signedCerts.shared: the certificate "CN=tptac9.com" does not carry "cb2.tptac9.com", "cb3.tptac9.com" as DNS subjectAltNames',
    );
    expect(message).toContain("certificates.ca.signedCerts.shared: the CA bundle is in the wrong order");
  });

  it("names an unreadable signed certificate file", () => {
    expect(() => build({ ca: { type: "external", signedCerts: { cb1: "./nowhere/cb1.cer" } } })).toThrow(
      "certificate checks failed; nothing was uploaded to any node:\n  - certificates.ca.signedCerts.cb1: is neither PEM text nor the path of a readable file (ENOENT); give the PEM itself (starting with -----BEGIN) or a path relative to the Pulumi project directory",
    );
  });
});

describe("off-node keys", () => {
  it("registers key, request and signed certificate per node; the key is uploaded as a secret", async () => {
    const files = await resolved(
      build({ source: "offNode", validityDays: 90, earlyRenewalDays: 20, subject: { C: "DE" } }),
    );
    expect(graph()).toEqual(
      sorted([
        "cms:certs:CertificateMaterial xmpp",
        "tls:index/privateKey:PrivateKey xmpp-ca-key",
        "tls:index/selfSignedCert:SelfSignedCert xmpp-ca",
        ...["cb1", "cb2", "cb3"].flatMap((n) => [
          `tls:index/privateKey:PrivateKey xmpp-${n}-key`,
          `tls:index/certRequest:CertRequest xmpp-${n}-csr`,
          `tls:index/locallySignedCert:LocallySignedCert xmpp-${n}-cert`,
        ]),
      ]),
    );
    expect(inputsOf("xmpp-cb1-key")).toEqual({ algorithm: "RSA", rsaBits: 2048 });
    expect(secretValue(inputsOf("xmpp-cb1-csr").privateKeyPem)).toBe(byRoot.get("cb1")?.key);
    expect({ ...inputsOf("xmpp-cb1-csr"), privateKeyPem: "(secret)" }).toEqual({
      privateKeyPem: "(secret)",
      subject: { commonName: DOMAIN, country: "DE" },
      dnsNames: [DOMAIN, "cb1.tptac9.com"],
    });
    expect(["cb2", "cb3"].map((n) => inputsOf(`xmpp-${n}-csr`).dnsNames)).toEqual([
      [DOMAIN, "cb2.tptac9.com"],
      [DOMAIN, "cb3.tptac9.com"],
    ]);
    expect(inputsOf("xmpp-cb1-cert")).toMatchObject({ validityPeriodHours: 90 * 24, earlyRenewalHours: 20 * 24 });
    for (const f of files) {
      const issued = byRoot.get(f.node) as Issued;
      expect(f.keyFile).toBe(keyFileName(f.node, issued.cert));
      expect(f.uploads.map((u) => [u.role, u.secret, u.isSecret])).toEqual([
        ["key", true, true],
        ["cert", false, false],
        ["bundle", false, false],
        ["trust", false, false],
      ]);
      expect(f.uploads[0].content).toBe(issued.key);
    }
  });

  it("signs with a supplied CA and chain; its key stays secret and no CA resource is made", async () => {
    const files = await resolved(
      build({
        source: "offNode",
        shared: true,
        ca: { type: "localSupplied", cert: pki.intermediate.cert + pki.root.cert, key: pki.intermediate.key },
      }),
    );
    expect(graph()).toEqual(
      sorted([
        "cms:certs:CertificateMaterial xmpp",
        "tls:index/privateKey:PrivateKey xmpp-shared-key",
        "tls:index/certRequest:CertRequest xmpp-shared-csr",
        "tls:index/locallySignedCert:LocallySignedCert xmpp-shared-cert",
      ]),
    );
    expect(inputsOf("xmpp-shared-cert")).toMatchObject({ caCertPem: pki.intermediate.cert });
    expect(inputsOf("xmpp-shared-csr").dnsNames).toEqual(ALL_NAMES);
    expect(secretValue(inputsOf("xmpp-shared-cert").caPrivateKeyPem)).toBe(pki.intermediate.key.trim());
    const cert = byIntermediate.get("shared")?.cert as string;
    expect(files[2].bundleFile).toBe(caBundleFileName(pki.intermediate.cert + pki.root.cert));
    expect(files[2].uploads.map((u) => u.role)).toEqual(["key", "cert", "bundle"]);
    expect(pki.verify(cert, [pki.intermediate.cert, pki.root.cert])).toBe(true);
  });

  it("refuses a supplied CA whose key, type or chain is wrong, before registering anything", () => {
    expect(() =>
      build({
        source: "offNode",
        ca: { type: "localSupplied", cert: pki.root.cert + pki.intermediate.cert, key: pki.root.key },
      }),
    ).toThrow(
      'certificate checks failed; nothing was uploaded to any node:\n  - certificates.ca (localSupplied) chain: the CA bundle is broken at certificate #1 "CN=Test Intermediate CA": it did not issue the certificate "CN=Test Root CA", whose issuer is "CN=Test Root CA"; the bundle must start with the leaf\'s issuer, each certificate signed by the next, root last',
    );
    expect(() =>
      build({ source: "offNode", ca: { type: "localSupplied", cert: byRoot.get("cb1")?.cert, key: pki.root.key } }),
    ).toThrow(/is not a CA certificate\n {2}- certificates.ca \(localSupplied\): the private key does not match/);
    expect(graph().filter((g) => g.startsWith("tls:"))).toEqual([]);
  });
});

describe("bring your own", () => {
  const entry = (i: Issued, chain?: string) => ({ key: i.key, cert: i.cert, ...(chain ? { chain } : {}) });

  it("uploads the admin's key, certificate and chain, from PEM or files; nothing else is registered", async () => {
    const cb1 = pki.issue();
    const keyFile = join(pki.dir, "cb1.key");
    writeFileSync(keyFile, cb1.key);
    const chain = pki.intermediate.cert + pki.root.cert;
    const files = await resolved(
      build({
        source: "byo",
        certs: {
          cb1: { key: keyFile, cert: cb1.cert, chain },
          cb2: entry(pki.issue(), chain),
          cb3: entry(pki.issue(), chain),
        },
      }),
    );
    expect(graph()).toEqual(["cms:certs:CertificateMaterial xmpp"]);
    expect(files[0].keyFile).toBe(keyFileName("cb1", cb1.cert));
    expect(files[0].uploads[0]).toEqual({
      role: "key",
      name: files[0].keyFile,
      content: cb1.key,
      secret: true,
      isSecret: true,
    });
    expect(files.map((f) => f.uploads.map((u) => u.role))).toEqual(Array(3).fill(["key", "cert", "bundle", "trust"]));
  });

  it("gives one error for every bad input: key mismatch, missing SAN, bundle order, expiry", () => {
    const good = pki.issue();
    const expired = pki.issue({ start: "20200101000000Z", end: "20210101000000Z" });
    let message = "";
    try {
      build({
        source: "byo",
        certs: {
          cb1: { key: pki.newKey(), cert: good.cert },
          cb2: entry(pki.issue({ sans: [DOMAIN, FQDNS[0], FQDNS[2]] })),
          cb3: { ...entry(expired), chain: pki.root.cert + pki.intermediate.cert },
        },
      });
    } catch (err) {
      expect(pulumi.RunError.isInstance(err)).toBe(true);
      message = (err as Error).message;
    }
    expect(message.split("\n  - ")).toEqual([
      "certificate checks failed; nothing was uploaded to any node:",
      expect.stringMatching(
        /^certificates\.certs\.cb1: the private key does not match the certificate "CN=tptac9.com"/,
      ),
      expect.stringMatching(
        /^certificates\.certs\.cb2: the certificate "CN=tptac9.com" does not carry "cb2.tptac9.com" as DNS subjectAltName \(it has: tptac9.com, cb1.tptac9.com, cb3.tptac9.com\); it must name the XMPP domain and this node's FQDN, so reissue it with subjectAltName tptac9.com,cb2.tptac9.com$/,
      ),
      expect.stringMatching(
        /^certificates\.certs\.cb3: the certificate "CN=tptac9.com" expired on 2021-01-01T00:00:00Z/,
      ),
      expect.stringMatching(/^certificates\.certs\.cb3: the CA bundle is in the wrong order/),
    ]);
    expect(graph().filter((g) => !g.startsWith("cms:certs"))).toEqual([]);
  });

  it("needs only the domain and the node's own FQDN per node, and every FQDN when shared", async () => {
    const own = (i: number) => entry(pki.issue({ sans: [DOMAIN, FQDNS[i]] }));
    const files = await resolved(build({ source: "byo", certs: { cb1: own(0), cb2: own(1), cb3: own(2) } }));
    expect(files.map((f) => f.uploads.map((u) => u.role))).toEqual(Array(3).fill(["key", "cert", "trust"]));
    expect(() => build({ source: "byo", shared: true, certs: { shared: own(0) } })).toThrow(
      'certificate checks failed; nothing was uploaded to any node:\n  - certificates.certs.shared: the certificate "CN=tptac9.com" does not carry "cb2.tptac9.com", "cb3.tptac9.com" as DNS subjectAltNames (it has: tptac9.com, cb1.tptac9.com); a shared certificate must name the XMPP domain and every node\'s FQDN (so each new node needs a new shared certificate), so reissue it with subjectAltName tptac9.com,cb1.tptac9.com,cb2.tptac9.com,cb3.tptac9.com',
    );
  });

  it("names missing and unknown node entries", () => {
    expect(() => build({ source: "byo", certs: { cb1: entry(pki.issue()), cb7: entry(pki.issue()) } })).toThrow(
      "certificate checks failed; nothing was uploaded to any node:\n  - certificates.certs.cb7: not one of the nodes (cb1, cb2, cb3)\n  - certificates.certs.cb2: missing\n  - certificates.certs.cb3: missing",
    );
  });
});

describe("secrets", () => {
  it("no private key appears in any non-secret input or output", async () => {
    const material = build({ source: "offNode" });
    const files = await resolved(material);
    const keys = [...byRoot.values()].map((i) => i.key.split("\n")[1]);
    const plain = JSON.stringify(files.map((f) => ({ ...f, uploads: f.uploads.filter((u) => !u.isSecret) })));
    for (const key of keys) expect(plain).not.toContain(key);
    const csrInputs = build({ shared: true });
    await resolved(csrInputs);
    expect(JSON.stringify(inputsOf("xmpp-shared-csr"))).not.toMatch(/password"|PRIVATE KEY/);
  });
});

describe("errors thrown inside outputs", () => {
  it("keep their message as written and carry no stack frames for util.inspect to choke on", () => {
    const err = outputRunError("certificates: waiting for the external CA");
    err.message = `error serializing property "nodes": ${err.message}`;
    expect(err.message).toBe("certificates: waiting for the external CA");
    expect(pulumi.RunError.isInstance(err)).toBe(true);
    // Node 20's util.inspect loops on source-mapped frames like `node_modules/@pulumi/output.ts:516`.
    expect(err.stack).toBe("RunError: certificates: waiting for the external CA");
    expect(inspect(err, { colors: true })).toContain("waiting for the external CA");
  });
});
