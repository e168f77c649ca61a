import type { X509Certificate } from "node:crypto";

export type ChainResult =
  | { ok: true; chain: X509Certificate[] }
  | { ok: false; reason: string; chain: X509Certificate[] };

const isSelfSigned = (certificate: X509Certificate): boolean =>
  certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);

function findIssuer(certificate: X509Certificate, pool: X509Certificate[]): X509Certificate | undefined {
  return pool.find(
    (candidate) =>
      candidate !== certificate && certificate.checkIssued(candidate) && certificate.verify(candidate.publicKey),
  );
}

function checkDates(certificate: X509Certificate, now: Date): string | null {
  if (new Date(certificate.validFrom) > now)
    return `certificate ${certificate.subject.replace(/\n/g, ", ")} is not yet valid`;
  if (new Date(certificate.validTo) < now) return `certificate ${certificate.subject.replace(/\n/g, ", ")} has expired`;
  return null;
}

/**
 * Builds the chain from `leaf` through `pool` up to a self-signed root that is in `anchors`
 * (or, without anchors, any self-signed certificate found).
 */
export function verifyChain(
  leaf: X509Certificate,
  pool: X509Certificate[],
  anchors: X509Certificate[] | null,
  now = new Date(),
): ChainResult {
  const chain = [leaf];
  for (let current = leaf; ; ) {
    const expired = checkDates(current, now);
    if (expired) return { ok: false, reason: expired, chain };
    const trusted = anchors?.some((anchor) => anchor.fingerprint256 === current.fingerprint256);
    if (trusted || (anchors === null && isSelfSigned(current))) return { ok: true, chain };
    if (isSelfSigned(current)) return { ok: false, reason: "self-signed certificate not in CA bundle", chain };
    const issuer = findIssuer(current, [...pool, ...(anchors ?? [])]);
    if (!issuer || chain.includes(issuer)) return { ok: false, reason: "unable to get issuer certificate", chain };
    chain.push(issuer);
    current = issuer;
  }
}

/** A peer's certificate is trusted when it, or a certificate that issued it, is in the trust bundle. */
export function isTrustedBy(peer: X509Certificate, bundle: X509Certificate[]): boolean {
  return verifyChain(peer, bundle, bundle).ok;
}
