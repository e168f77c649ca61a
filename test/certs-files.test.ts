import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPkiCsrCommand, subjectValueProblem } from "../src/core/certs/csr-command";
import { certificateExpiry, expiryWarning } from "../src/core/certs/expiry";
import {
  caBundleFileName,
  certFileName,
  csrBaseName,
  isSafeFileName,
  keyFileName,
  shortHash,
  trustFileName,
  unitTag,
} from "../src/core/certs/file-names";
import { planNodeFiles } from "../src/core/certs/node-files";
import {
  certificatesToPem,
  isPemText,
  parseCertificate,
  parseCertificates,
  splitPemBlocks,
} from "../src/core/certs/pem";
import { clusterTrustBundle } from "../src/core/certs/trust-bundle";
import { ALL_NAMES, DOMAIN, FQDNS, type Issued, TestPki } from "./certs-fixtures";

let pki: TestPki;
let certs: Issued[];
let renewed: Issued;
const NODES = ["cb1", "cb2", "cb3"];

beforeAll(() => {
  pki = new TestPki();
  certs = NODES.map(() => pki.issue());
  renewed = pki.issue({ key: certs[0].key });
});
afterAll(() => pki.dispose());

describe("pem", () => {
  it("splits blocks, ignoring text around them and normalising CRLF", () => {
    const text = `subject=CN = x\r\n${certs[0].cert.replace(/\n/g, "\r\n")}issuer=y\n${certs[1].cert}`;
    const blocks = splitPemBlocks(text);
    expect(blocks.map((b) => b.type)).toEqual(["CERTIFICATE", "CERTIFICATE"]);
    expect(blocks[0].pem).toBe(certs[0].cert);
    expect(isPemText(text)).toBe(true);
    expect(isPemText("./certs/cb1.cer")).toBe(false);
  });

  it("parses a bundle in order and re-emits it", () => {
    const bundle = pki.intermediate.cert + pki.root.cert;
    const parsed = parseCertificates(bundle, "bundle");
    expect(parsed.map((c) => c.subject)).toEqual(["CN=Test Intermediate CA", "CN=Test Root CA"]);
    expect(certificatesToPem(parsed)).toBe(bundle);
  });

  it("names what is wrong with the text", () => {
    expect(() => parseCertificates("", "x")).toThrow(
      'x: no PEM certificate found (expected "-----BEGIN CERTIFICATE-----" blocks)',
    );
    expect(() => parseCertificates(certs[0].csr, "x")).toThrow(
      'x: is a "CERTIFICATE REQUEST" block, not a certificate',
    );
    const broken = certs[0].cert.replace(/\n[A-Za-z0-9+/]{20}/, "\nAAAA");
    expect(() => parseCertificates(pki.root.cert + broken, "x")).toThrow(
      /^x, block #2: is not a valid X.509 certificate/,
    );
    expect(() => parseCertificate(pki.intermediate.cert + pki.root.cert, "cert")).toThrow(
      "cert: holds 2 certificates; put only the leaf here and the CA chain in the bundle",
    );
  });
});

describe("file names", () => {
  it("are flat-namespace safe, short and versioned by content", () => {
    const name = certFileName("cb1", certs[0].cert);
    expect(name).toMatch(/^xmpp-cb1-[0-9a-f]{8}\.cer$/);
    expect(name).toBe(`xmpp-cb1-${shortHash(new X509Certificate(certs[0].cert).raw)}.cer`);
    expect(certFileName("cb1", certs[0].cert.replace(/\n/g, "\r\n"))).toBe(name);
    expect(certFileName("cb1", renewed.cert)).not.toBe(name);
    expect(keyFileName("shared", certs[0].cert)).toMatch(/^xmpp-shared-[0-9a-f]{8}\.key$/);
    expect(caBundleFileName("x")).toBe(`xmpp-cabundle-${shortHash("x")}.cer`);
    expect(trustFileName("x")).toBe(`xmpp-trust-${shortHash("x")}.cer`);
    const long = "n".repeat(63);
    for (const n of [
      certFileName(long, certs[0].cert),
      keyFileName(long, certs[0].cert),
      csrBaseName(long, "0a1b2c3d"),
    ]) {
      expect(isSafeFileName(n)).toBe(true);
    }
  });

  it("name the key after its public key: a renewal with the same key keeps the key file", () => {
    expect(keyFileName("cb1", renewed.cert)).toBe(keyFileName("cb1", certs[0].cert));
    expect(keyFileName("cb1", certs[1].cert)).not.toBe(keyFileName("cb1", certs[0].cert));
  });

  it("sanitise unit names and refuse unusable ones", () => {
    expect(unitTag("cb1.tptac9.com")).toBe("cb1-tptac9-com");
    expect(unitTag("-a b/c-")).toBe("a-b-c");
    expect(() => unitTag("..")).toThrow('".." has no letters or digits to name certificate files after');
    expect(isSafeFileName("a/b.cer")).toBe(false);
    expect(isSafeFileName(".hidden")).toBe(false);
    expect(isSafeFileName(`${"a".repeat(65)}`)).toBe(false);
  });

  it("give pki csr a random-versioned base", () => {
    expect(csrBaseName("cb1", "0a1b2c3d")).toBe("xmpp-cb1-csr-0a1b2c3d");
    expect(() => csrBaseName("cb1", "xyz")).toThrow('nonce must be 8 hex digits, got "xyz"');
  });
});

describe("pki csr command", () => {
  it("reproduces the TechNote's command with the canonical attribute name", () => {
    expect(buildPkiCsrCommand({ base: "abhiall", commonName: DOMAIN, subjectAltNames: ALL_NAMES })).toBe(
      "pki csr abhiall CN:tptac9.com subjectAltName:tptac9.com,cb1.tptac9.com,cb2.tptac9.com,cb3.tptac9.com",
    );
  });

  it("adds subject fields in a fixed order, quoting values with spaces or commas, and drops duplicate SANs", () => {
    expect(
      buildPkiCsrCommand({
        base: "b",
        commonName: DOMAIN,
        subjectAltNames: [DOMAIN, "TPTAC9.com", FQDNS[0]],
        subject: { C: "DE", ST: "Bayern", L: "Munich", OU: "Human Resources", O: "Acme, Inc." },
      }),
    ).toBe(
      'pki csr b CN:tptac9.com O:"Acme, Inc." OU:"Human Resources" L:Munich ST:Bayern C:DE subjectAltName:tptac9.com,cb1.tptac9.com',
    );
  });

  it("refuses anything that would break the MMP command line, naming it", () => {
    expect(() =>
      buildPkiCsrCommand({
        base: "a b",
        commonName: "x y",
        subjectAltNames: ["ok.com", "bad_name"],
        subject: { O: 'a"b' },
      }),
    ).toThrow(
      'cannot build the pki csr command: base name "a b" is not a safe MMP file name; "x y" is not a DNS name (letters, digits, hyphens and dots only); "bad_name" is not a DNS name (letters, digits, hyphens and dots only); subject O must not contain ", \\ or : (they would break the MMP command line)',
    );
    expect(() => buildPkiCsrCommand({ base: "b", commonName: DOMAIN, subjectAltNames: [] })).toThrow(
      "at least one subjectAltName is required",
    );
  });

  it("validates subject values", () => {
    expect(subjectValueProblem("C", "de")).toBe("must be a 2-letter ISO country code such as DE");
    expect(subjectValueProblem("O", "a\nb")).toMatch(/printable ASCII/);
    expect(subjectValueProblem("O", "Müller")).toMatch(/printable ASCII/);
    expect(subjectValueProblem("OU", "a:b")).toMatch(/must not contain/);
    expect(subjectValueProblem("OU", " a")).toBe("must not be empty or start or end with a space");
    expect(subjectValueProblem("L", "x".repeat(65))).toBe("must be at most 64 characters");
    expect(subjectValueProblem("O", "Cisco Systems (DE) & Co. / Lab-1")).toBeUndefined();
  });
});

describe("cluster trust bundle", () => {
  it("concatenates every node's certificate in node order", () => {
    const trust = clusterTrustBundle(certs.map((c) => c.cert));
    expect(trust).toBe(certs.map((c) => c.cert).join(""));
    expect(parseCertificates(trust, "t")).toHaveLength(3);
  });

  it("is the certificate itself when it is shared", () => {
    expect(clusterTrustBundle([certs[0].cert, certs[0].cert.replace(/\n/g, "\r\n"), certs[0].cert])).toBe(
      certs[0].cert,
    );
  });
});

describe("expiry", () => {
  it("gives the date and whole days left, and warns under 30 days", () => {
    const notAfter = new Date(new X509Certificate(certs[0].cert).validTo);
    const at = (days: number) => new Date(notAfter.getTime() - days * 86_400_000);
    const e = certificateExpiry("cb1", certs[0].cert, at(30.5));
    expect(e).toEqual({ node: "cb1", notAfter: notAfter.toISOString().replace(".000", ""), daysLeft: 30 });
    expect(expiryWarning(e)).toBeUndefined();
    const soon = certificateExpiry("cb1", certs[0].cert, at(29.5));
    expect(soon.daysLeft).toBe(29);
    expect(expiryWarning(soon)).toBe(
      `the XMPP certificate of node "cb1" expires on ${soon.notAfter}, in 29 day(s); renew it: a local CA reissues it on \`pulumi up\` within earlyRenewalDays, an external CA or bring-your-own certificate must be replaced in the stack config, an existing one on the node under a new file name (then name it in the stack config)`,
    );
    const gone = certificateExpiry("cb1", certs[0].cert, at(-2));
    expect(gone.daysLeft).toBe(-2);
    expect(expiryWarning(gone)).toMatch(/^the XMPP certificate of node "cb1" expired on .*, 2 day\(s\) ago;/);
  });
});

describe("planNodeFiles", () => {
  it("per node: own key and certificate, one CA bundle, and a trust bundle of all three", () => {
    const bundlePem = pki.intermediate.cert + pki.root.cert;
    const plans = planNodeFiles(
      NODES,
      NODES.map((unit, i) => ({ unit, certPem: certs[i].cert, bundlePem })),
    );
    const trustPem = certs.map((c) => c.cert).join("");
    expect(plans).toEqual(
      NODES.map((node, i) => ({
        node,
        unit: node,
        keyFile: keyFileName(node, certs[i].cert),
        uploadKey: true,
        certFile: certFileName(node, certs[i].cert),
        certPem: certs[i].cert,
        bundleFile: caBundleFileName(bundlePem),
        bundlePem,
        trustFile: trustFileName(trustPem),
        trustPem,
      })),
    );
  });

  it("shared on-node CSR: the key stays where pki csr wrote it and goes to the others under the same name", () => {
    const plans = planNodeFiles(NODES, [
      { unit: "shared", certPem: certs[0].cert, onNodeKey: { node: "cb1", file: "xmpp-shared-csr-0a1b2c3d.key" } },
    ]);
    expect(plans.map((p) => [p.node, p.keyFile, p.uploadKey])).toEqual([
      ["cb1", "xmpp-shared-csr-0a1b2c3d.key", false],
      ["cb2", "xmpp-shared-csr-0a1b2c3d.key", true],
      ["cb3", "xmpp-shared-csr-0a1b2c3d.key", true],
    ]);
    const certFile = certFileName("shared", certs[0].cert);
    expect(plans.every((p) => p.certFile === certFile && p.trustFile === certFile && p.trustPem === undefined)).toBe(
      true,
    );
    expect(plans.every((p) => p.bundleFile === undefined && p.bundlePem === undefined)).toBe(true);
  });

  it("canonicalises content so line endings do not change names", () => {
    const crlf = planNodeFiles(
      ["cb1"],
      [{ unit: "cb1", certPem: certs[0].cert.replace(/\n/g, "\r\n"), bundlePem: `\n${pki.root.cert}` }],
    );
    const lf = planNodeFiles(["cb1"], [{ unit: "cb1", certPem: certs[0].cert, bundlePem: pki.root.cert }]);
    expect(crlf).toEqual(lf);
  });

  it("refuses a node without a certificate", () => {
    expect(() => planNodeFiles(["cb1", "cb2"], [{ unit: "cb1", certPem: certs[0].cert }])).toThrow(
      'no certificate for node "cb2"',
    );
  });
});
