import { X509Certificate } from "node:crypto";
import { certificatesToPem } from "./pem";

/**
 * The `xmpp cluster trust` bundle: every node's certificate concatenated in node order, each certificate once, so a
 * shared certificate yields the certificate itself (as in the TechNote: `xmpp cluster trust abhiall.cer`).
 */
export function clusterTrustBundle(nodeCertPems: string[]): string {
  const seen = new Set<string>();
  const certs = nodeCertPems
    .map((pem) => new X509Certificate(pem))
    .filter((cert) => !seen.has(cert.fingerprint256) && seen.add(cert.fingerprint256));
  return certificatesToPem(certs);
}
