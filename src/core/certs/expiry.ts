import { X509Certificate } from "node:crypto";

const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

export interface CertificateExpiry {
  node: string;
  /** ISO 8601, UTC. */
  notAfter: string;
  /** Whole days from `now` to notAfter, rounded down; negative once expired. */
  daysLeft: number;
}

export function certificateExpiry(node: string, certPem: string, now: Date): CertificateExpiry {
  return expiryAt(node, new Date(new X509Certificate(certPem).validTo), now);
}

/** The same from a known notAfter (e.g. read from a node). */
export function expiryAt(node: string, notAfter: Date, now: Date): CertificateExpiry {
  return {
    node,
    notAfter: notAfter.toISOString().replace(/\.\d{3}Z$/, "Z"),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
  };
}

/** A warning when fewer than `thresholdDays` remain. */
export function expiryWarning(expiry: CertificateExpiry, thresholdDays = EXPIRY_WARNING_DAYS): string | undefined {
  if (expiry.daysLeft >= thresholdDays) return undefined;
  const when =
    expiry.daysLeft < 0
      ? `expired on ${expiry.notAfter}, ${-expiry.daysLeft} day(s) ago`
      : `expires on ${expiry.notAfter}, in ${expiry.daysLeft} day(s)`;
  return `the XMPP certificate of node "${expiry.node}" ${when}; renew it: a local CA reissues it on \`pulumi up\` within earlyRenewalDays, an external CA or bring-your-own certificate must be replaced in the stack config, an existing one on the node under a new file name (then name it in the stack config)`;
}
