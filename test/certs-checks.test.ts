import { createPrivateKey, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkCaBundle,
  checkCertificateMaterial,
  checkCertMatchesRequest,
  checkKeyMatchesCert,
  checkSubjectAltNames,
  checkValidity,
  dnsNames,
  formatCertificateProblems,
} from "../src/core/certs/checks";
import { csrPublicKeyDer } from "../src/core/certs/csr-public-key";
import { ALL_NAMES, DOMAIN, FQDNS, type Issued, TestPki } from "./certs-fixtures";

let pki: TestPki;
let leaf: Issued;
let rsaLeaf: Issued;
let now: Date;
const x509 = (pem: string) => new X509Certificate(pem);
const what = 'node "cb1" (certificates.byo.certs.cb1)';

beforeAll(() => {
  pki = new TestPki();
  leaf = pki.issue();
  rsaLeaf = pki.issue({ rsa: true });
  now = new Date();
});
afterAll(() => pki.dispose());

describe("checkKeyMatchesCert", () => {
  it("accepts the key the certificate was issued for (EC and RSA)", () => {
    expect(checkKeyMatchesCert(what, leaf.key, x509(leaf.cert))).toBeUndefined();
    expect(checkKeyMatchesCert(what, rsaLeaf.key, x509(rsaLeaf.cert))).toBeUndefined();
  });

  it("names the certificate when the key is another one", () => {
    expect(checkKeyMatchesCert(what, pki.newKey(), x509(leaf.cert))).toBe(
      `${what}: the private key does not match the certificate "CN=tptac9.com" (their public keys differ); supply the key the certificate was issued for, or a certificate issued for this key`,
    );
  });

  it("rejects a key of another algorithm", () => {
    expect(checkKeyMatchesCert(what, leaf.key, x509(rsaLeaf.cert))).toMatch(/does not match the certificate/);
  });

  it("explains an encrypted or unreadable key without echoing it", () => {
    const encrypted = createPrivateKey(leaf.key)
      .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" })
      .toString();
    const problem = checkKeyMatchesCert(what, encrypted, x509(leaf.cert));
    expect(problem).toMatch(/the private key cannot be read .*MMP needs an unencrypted PEM key/);
    expect(problem).not.toContain(encrypted.split("\n")[1]);
    const garbage = checkKeyMatchesCert(
      what,
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
      x509(leaf.cert),
    );
    expect(garbage).toMatch(/cannot be read/);
  });
});

describe("checkCertMatchesRequest", () => {
  it("accepts a certificate signed from the request", () => {
    expect(checkCertMatchesRequest(what, x509(leaf.cert), leaf.csr, "xmpp-cb1-csr-0a1b2c3d.csr")).toBeUndefined();
  });

  it("rejects a certificate issued for another request", () => {
    expect(checkCertMatchesRequest(what, x509(rsaLeaf.cert), leaf.csr, "xmpp-cb1-csr-0a1b2c3d.csr")).toBe(
      `${what}: the certificate "CN=tptac9.com" was not issued for the request xmpp-cb1-csr-0a1b2c3d.csr (their public keys differ); have the CA sign xmpp-cb1-csr-0a1b2c3d.csr itself`,
    );
  });

  it("reads the public key of RSA and EC requests", () => {
    const spki = (pem: string) => x509(pem).publicKey.export({ type: "spki", format: "der" });
    expect(csrPublicKeyDer(leaf.csr, "r").equals(spki(leaf.cert))).toBe(true);
    expect(csrPublicKeyDer(rsaLeaf.csr, "r").equals(spki(rsaLeaf.cert))).toBe(true);
  });

  it("rejects text that is not a request", () => {
    expect(() => csrPublicKeyDer(leaf.cert, "cb1.csr")).toThrow(
      'cb1.csr: no "-----BEGIN CERTIFICATE REQUEST-----" block found',
    );
    expect(() =>
      csrPublicKeyDer("-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQA=\n-----END CERTIFICATE REQUEST-----\n", "cb1.csr"),
    ).toThrow(/cb1.csr: is not a valid certificate request/);
  });
});

describe("checkSubjectAltNames", () => {
  it("accepts a certificate naming the domain and every node FQDN", () => {
    expect(checkSubjectAltNames(what, x509(leaf.cert), ALL_NAMES)).toBeUndefined();
    expect(dnsNames(x509(leaf.cert))).toEqual(ALL_NAMES);
  });

  it("says which name is missing and what the certificate has", () => {
    const cert = pki.issue({ sans: [DOMAIN, "cb2.tptac9.com"] });
    expect(checkSubjectAltNames(what, x509(cert.cert), [DOMAIN, FQDNS[0]])).toBe(
      `${what}: the certificate "CN=tptac9.com" does not carry "cb1.tptac9.com" as DNS subjectAltName (it has: tptac9.com, cb2.tptac9.com); it must name the XMPP domain and this node's FQDN, so reissue it with subjectAltName tptac9.com,cb1.tptac9.com`,
    );
  });

  it("explains that a shared certificate needs every node's FQDN", () => {
    const cert = pki.issue({ sans: [DOMAIN, "cb1.tptac9.com", "cb2.tptac9.com"] });
    expect(checkSubjectAltNames("shared certificate", x509(cert.cert), ALL_NAMES, true)).toBe(
      `shared certificate: the certificate "CN=tptac9.com" does not carry "cb3.tptac9.com" as DNS subjectAltName (it has: tptac9.com, cb1.tptac9.com, cb2.tptac9.com); a shared certificate must name the XMPP domain and every node's FQDN (so each new node needs a new shared certificate), so reissue it with subjectAltName tptac9.com,cb1.tptac9.com,cb2.tptac9.com,cb3.tptac9.com`,
    );
  });

  it("accepts extra names: a node's certificate issued for every node still serves that node", () => {
    expect(checkSubjectAltNames(what, x509(leaf.cert), [DOMAIN, FQDNS[1]])).toBeUndefined();
  });

  it("does not count the CN, and lists every missing name", () => {
    const cert = pki.issue({ sans: [] });
    expect(checkSubjectAltNames(what, x509(cert.cert), ALL_NAMES)).toMatch(
      /does not carry "tptac9.com", "cb1.tptac9.com", "cb2.tptac9.com", "cb3.tptac9.com" as DNS subjectAltNames \(it has: none\)/,
    );
  });

  it("matches case-insensitively and honours a wildcard for node names but not the bare domain", () => {
    const upper = pki.issue({ sans: ALL_NAMES.map((n) => n.toUpperCase()) });
    expect(checkSubjectAltNames(what, x509(upper.cert), ALL_NAMES)).toBeUndefined();
    const wildcard = pki.issue({ sans: ["*.tptac9.com"] });
    expect(checkSubjectAltNames(what, x509(wildcard.cert), FQDNS)).toBeUndefined();
    expect(checkSubjectAltNames(what, x509(wildcard.cert), ALL_NAMES)).toMatch(/does not carry "tptac9.com" as/);
  });
});
describe("checkValidity", () => {
  it("accepts a current certificate", () => {
    expect(checkValidity(what, x509(leaf.cert), now)).toBeUndefined();
  });

  it("rejects an expired certificate with its date", () => {
    const expired = pki.issue({ start: "20200101000000Z", end: "20210101000000Z" });
    expect(checkValidity(what, x509(expired.cert), new Date("2021-01-11T00:00:00Z"))).toBe(
      `${what}: the certificate "CN=tptac9.com" expired on 2021-01-01T00:00:00Z (10 days ago); issue a new one and put it in the stack config`,
    );
    expect(checkValidity(what, x509(expired.cert), now)).toMatch(/expired on 2021-01-01T00:00:00Z/);
  });

  it("rejects a certificate that is not valid yet", () => {
    const future = pki.issue({ start: "20990101000000Z", end: "21000101000000Z" });
    expect(checkValidity(what, x509(future.cert), now)).toBe(
      `${what}: the certificate "CN=tptac9.com" is not valid before 2099-01-01T00:00:00Z; check the issuing CA's clock, or wait until then`,
    );
  });
});

describe("checkCaBundle", () => {
  const bundle = (...pems: string[]) => pems.map(x509);

  it("accepts leaf issuer first and root last, as openssl verify does", () => {
    expect(checkCaBundle(what, x509(leaf.cert), bundle(pki.intermediate.cert, pki.root.cert), now)).toBeUndefined();
    expect(pki.verify(leaf.cert, [pki.intermediate.cert, pki.root.cert])).toBe(true);
  });

  it("accepts a leaf signed by the root with the root alone, and an empty bundle", () => {
    const direct = pki.issue({ issuer: "root" });
    expect(checkCaBundle(what, x509(direct.cert), bundle(pki.root.cert), now)).toBeUndefined();
    expect(pki.verify(direct.cert, [pki.root.cert])).toBe(true);
    expect(checkCaBundle(what, x509(leaf.cert), [], now)).toBeUndefined();
  });

  it("rejects the root first and says the right order (openssl would accept it)", () => {
    expect(checkCaBundle(what, x509(leaf.cert), bundle(pki.root.cert, pki.intermediate.cert), now)).toBe(
      `${what}: the CA bundle is in the wrong order: certificate #1 "CN=Test Root CA" did not issue the certificate "CN=tptac9.com"; order it leaf issuer first and root last: "CN=Test Intermediate CA", then "CN=Test Root CA"`,
    );
  });

  it("rejects a bundle missing the intermediate, like openssl verify", () => {
    expect(checkCaBundle(what, x509(leaf.cert), bundle(pki.root.cert), now)).toBe(
      `${what}: the CA bundle is broken at certificate #1 "CN=Test Root CA": it did not issue the certificate "CN=tptac9.com", whose issuer is "CN=Test Intermediate CA"; the bundle must start with the leaf's issuer, each certificate signed by the next, root last`,
    );
    expect(pki.verify(leaf.cert, [pki.root.cert])).toBe(false);
  });

  it("rejects a chain that continues into an unrelated root, like openssl verify", () => {
    expect(checkCaBundle(what, x509(leaf.cert), bundle(pki.intermediate.cert, pki.other.cert), now)).toMatch(
      /is broken at certificate #2 "CN=Other Root CA": it did not issue certificate #1 "CN=Test Intermediate CA", whose issuer is "CN=Test Root CA"/,
    );
    expect(pki.verify(leaf.cert, [pki.intermediate.cert, pki.other.cert])).toBe(false);
  });

  it("rejects a bundle without its root", () => {
    expect(checkCaBundle(what, x509(leaf.cert), bundle(pki.intermediate.cert), now)).toBe(
      `${what}: the CA bundle ends with certificate #1 "CN=Test Intermediate CA", which is not a self-signed root; add its issuer "CN=Test Root CA" at the end (the root CA comes last)`,
    );
  });

  it("rejects the leaf itself or a non-CA certificate in the bundle", () => {
    expect(checkCaBundle(what, x509(leaf.cert), bundle(leaf.cert, pki.intermediate.cert, pki.root.cert), now)).toMatch(
      /holds the leaf certificate itself as certificate #1 "CN=tptac9.com"; the bundle is only the CA chain, remove it/,
    );
    expect(checkCaBundle(what, x509(leaf.cert), bundle(rsaLeaf.cert, pki.root.cert), now)).toBe(
      `${what}: the CA bundle's certificate #1 "CN=tptac9.com" is not a CA certificate; remove it`,
    );
  });

  it("rejects an expired CA in the bundle, naming it", () => {
    const oldCa = pki.issue({
      cn: "Old Intermediate CA",
      issuer: "root",
      ca: true,
      start: "20200101000000Z",
      end: "20210101000000Z",
    });
    const leafOfOld = pki.issue({ issuer: oldCa, start: "20200201000000Z", end: "20201201000000Z" });
    expect(checkCaBundle(what, x509(leafOfOld.cert), bundle(oldCa.cert, pki.root.cert), now)).toMatch(
      /the CA bundle's certificate #1: the certificate "CN=Old Intermediate CA" expired on 2021-01-01T00:00:00Z/,
    );
  });
});

describe("checkCertificateMaterial", () => {
  const base = { what, requiredNames: ALL_NAMES };

  it("passes good material", () => {
    const bundlePem = pki.intermediate.cert + pki.root.cert;
    expect(checkCertificateMaterial({ ...base, now, certPem: leaf.cert, keyPem: leaf.key, bundlePem })).toEqual([]);
    expect(
      checkCertificateMaterial({ ...base, now, certPem: leaf.cert, request: { pem: leaf.csr, name: "a.csr" } }),
    ).toEqual([]);
  });

  it("reports every problem at once", () => {
    const bad = pki.issue({ sans: [DOMAIN], start: "20200101000000Z", end: "20210101000000Z" });
    const problems = checkCertificateMaterial({
      ...base,
      now,
      certPem: bad.cert,
      keyPem: leaf.key,
      request: { pem: leaf.csr, name: "x.csr" },
      bundlePem: pki.root.cert + pki.intermediate.cert,
    });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/private key does not match/);
    expect(problems[1]).toMatch(/not issued for the request x.csr/);
    expect(problems[2]).toMatch(/does not carry "cb1.tptac9.com", "cb2.tptac9.com", "cb3.tptac9.com"/);
    expect(problems[3]).toMatch(/expired on 2021-01-01/);
    expect(problems[4]).toMatch(/wrong order/);
  });

  it("reports unparseable certificate or bundle text", () => {
    expect(checkCertificateMaterial({ ...base, now, certPem: "not a pem" })).toEqual([
      `${what} certificate: no PEM certificate found (expected "-----BEGIN CERTIFICATE-----" blocks)`,
    ]);
    expect(
      checkCertificateMaterial({ ...base, now, certPem: leaf.cert, bundlePem: `${pki.root.cert}${leaf.key}` }),
    ).toEqual([`${what} CA bundle, block #2: is a "PRIVATE KEY" block, not a certificate`]);
  });

  it("formats the problems as one error saying nothing was uploaded", () => {
    expect(formatCertificateProblems(["a", "b"])).toBe(
      "certificate checks failed; nothing was uploaded to any node:\n  - a\n  - b",
    );
  });
});
