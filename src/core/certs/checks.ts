import { createPrivateKey, type X509Certificate } from "node:crypto";
import { csrPublicKeyDer } from "./csr-public-key";
import { describeSubject, parseCertificate, parseCertificates } from "./pem";

const DAY_MS = 86_400_000;

function quote(cert: X509Certificate): string {
  return `"${describeSubject(cert)}"`;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function spki(cert: X509Certificate): Buffer {
  return cert.publicKey.export({ type: "spki", format: "der" });
}

/** The key must be the one whose public half the certificate carries. */
export function checkKeyMatchesCert(what: string, keyPem: string, cert: X509Certificate): string | undefined {
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch (err) {
    const reason = (err as Error).message.split("\n")[0];
    return `${what}: the private key cannot be read (${reason}); MMP needs an unencrypted PEM key (remove a passphrase with \`openssl pkey -in in.key -out out.key\`)`;
  }
  if (matches) return undefined;
  return `${what}: the private key does not match the certificate ${quote(cert)} (their public keys differ); supply the key the certificate was issued for, or a certificate issued for this key`;
}

/** A certificate signed from a CSR must carry that CSR's public key. */
export function checkCertMatchesRequest(
  what: string,
  cert: X509Certificate,
  requestPem: string,
  requestName: string,
): string | undefined {
  if (spki(cert).equals(csrPublicKeyDer(requestPem, requestName))) return undefined;
  return `${what}: the certificate ${quote(cert)} was not issued for the request ${requestName} (their public keys differ); have the CA sign ${requestName} itself`;
}

/**
 * Every required name must be a DNS subjectAltName; wildcards count, the CN does not, extra names are fine. A node's
 * own certificate needs the XMPP domain and that node's FQDN; a shared one the domain and every node's FQDN.
 */
export function checkSubjectAltNames(
  what: string,
  cert: X509Certificate,
  requiredNames: string[],
  shared = false,
): string | undefined {
  const missing = requiredNames.filter((name) => cert.checkHost(name, { subject: "never" }) === undefined);
  if (missing.length === 0) return undefined;
  const has = dnsNames(cert);
  const names = missing.map((n) => `"${n}"`).join(", ");
  const rule = shared
    ? "a shared certificate must name the XMPP domain and every node's FQDN (so each new node needs a new shared certificate)"
    : "it must name the XMPP domain and this node's FQDN";
  return `${what}: the certificate ${quote(cert)} does not carry ${names} as DNS subjectAltName${missing.length > 1 ? "s" : ""} (it has: ${has.length ? has.join(", ") : "none"}); ${rule}, so reissue it with subjectAltName ${requiredNames.join(",")}`;
}

/** DNS names in the subjectAltName extension, in order. */
export function dnsNames(cert: X509Certificate): string[] {
  const text = cert.subjectAltName ?? "";
  return [...text.matchAll(/(?:^|, )DNS:("(?:[^"\\]|\\.)*"|[^,]*)/g)].map((m) =>
    m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1],
  );
}

/** The certificate must be valid now. */
export function checkValidity(what: string, cert: X509Certificate, now: Date): string | undefined {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from) {
    return `${what}: the certificate ${quote(cert)} is not valid before ${iso(from)}; check the issuing CA's clock, or wait until then`;
  }
  if (now > to) {
    const days = Math.floor((now.getTime() - to.getTime()) / DAY_MS);
    return `${what}: the certificate ${quote(cert)} expired on ${iso(to)} (${days} day${days === 1 ? "" : "s"} ago); issue a new one and put it in the stack config`;
  }
  return undefined;
}

function issued(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/** The bundle reordered so that each certificate issued the one before it, if its certificates allow that. */
function chainOrder(leaf: X509Certificate, bundle: X509Certificate[]): X509Certificate[] | undefined {
  const left = [...bundle];
  const ordered: X509Certificate[] = [];
  let child = leaf;
  while (left.length > 0) {
    const i = left.findIndex((c) => issued(child, c));
    if (i < 0) return undefined;
    child = left.splice(i, 1)[0];
    ordered.push(child);
  }
  return issued(child, child) ? ordered : undefined;
}

/**
 * The CA bundle: leaf issuer first, root last, each certificate signed by the next, the root self-signed, all of them
 * CA certificates valid now. An empty bundle passes (there is nothing to present).
 */
export function checkCaBundle(
  what: string,
  leaf: X509Certificate,
  bundle: X509Certificate[],
  now: Date,
): string | undefined {
  if (bundle.length === 0) return undefined;
  const label = (i: number) => `certificate #${i + 1} ${quote(bundle[i])}`;
  for (const [i, cert] of bundle.entries()) {
    if (cert.fingerprint256 === leaf.fingerprint256) {
      return `${what}: the CA bundle holds the leaf certificate itself as ${label(i)}; the bundle is only the CA chain, remove it`;
    }
    if (!cert.ca) return `${what}: the CA bundle's ${label(i)} is not a CA certificate; remove it`;
  }
  const chain = [leaf, ...bundle];
  for (let i = 0; i < bundle.length; i++) {
    if (issued(chain[i], bundle[i])) continue;
    const child = i === 0 ? `the certificate ${quote(leaf)}` : label(i - 1);
    const reordered = chainOrder(leaf, bundle);
    if (reordered) {
      return `${what}: the CA bundle is in the wrong order: ${label(i)} did not issue ${child}; order it leaf issuer first and root last: ${reordered.map(quote).join(", then ")}`;
    }
    return `${what}: the CA bundle is broken at ${label(i)}: it did not issue ${child}, whose issuer is "${chain[i].issuer.split("\n").join(", ")}"; the bundle must start with the leaf's issuer, each certificate signed by the next, root last`;
  }
  const last = bundle.length - 1;
  if (!issued(bundle[last], bundle[last])) {
    return `${what}: the CA bundle ends with ${label(last)}, which is not a self-signed root; add its issuer "${bundle[last].issuer.split("\n").join(", ")}" at the end (the root CA comes last)`;
  }
  for (const [i, cert] of bundle.entries()) {
    const problem = checkValidity(`${what}: the CA bundle's certificate #${i + 1}`, cert, now);
    if (problem) return problem;
  }
  return undefined;
}

export interface CertificateMaterial {
  /** Who the material is for and where it came from, e.g. `node "cb1" (certificates.byo.certs.cb1)`. */
  what: string;
  certPem: string;
  /** Checked against the certificate when present. */
  keyPem?: string;
  /** The CSR the certificate was signed from, checked against it when present. */
  request?: { pem: string; name: string };
  bundlePem?: string;
  /** The XMPP domain and the node's FQDN, or every node's FQDN for a shared certificate (see `requiredNames`). */
  requiredNames: string[];
  /** One certificate for all nodes: only changes how a missing name is explained. */
  shared?: boolean;
  now: Date;
}

/** Runs every check; returns each problem found (empty when the material is good). */
export function checkCertificateMaterial(m: CertificateMaterial): string[] {
  const problems: string[] = [];
  const attempt = (check: () => string | undefined) => {
    try {
      const problem = check();
      if (problem) problems.push(problem);
    } catch (err) {
      problems.push((err as Error).message);
    }
  };
  let cert: X509Certificate;
  try {
    cert = parseCertificate(m.certPem, `${m.what} certificate`);
  } catch (err) {
    return [(err as Error).message];
  }
  const { keyPem, request, bundlePem } = m;
  if (keyPem !== undefined) attempt(() => checkKeyMatchesCert(m.what, keyPem, cert));
  if (request) attempt(() => checkCertMatchesRequest(m.what, cert, request.pem, request.name));
  attempt(() => checkSubjectAltNames(m.what, cert, m.requiredNames, m.shared));
  attempt(() => checkValidity(m.what, cert, m.now));
  if (bundlePem?.trim()) {
    attempt(() => checkCaBundle(m.what, cert, parseCertificates(bundlePem, `${m.what} CA bundle`), m.now));
  }
  return problems;
}

/** One message for all problems, saying that nothing was uploaded. */
export function formatCertificateProblems(problems: string[]): string {
  return `certificate checks failed; nothing was uploaded to any node:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
}
