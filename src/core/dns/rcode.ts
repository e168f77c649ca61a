import { TSIG_ERRORS } from "./tsig";

export const RCODES = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
} as const;

export interface FailureContext {
  rcode: number;
  /** The TSIG error field of the reply, when it carried one. */
  tsigError?: number;
  zone: string;
  keyName: string;
  server: string;
}

const KEY_WRONG = "the TSIG key is wrong or not allowed";

/** Plain words for a failed UPDATE or query, naming the zone, key and server involved. Never includes the secret. */
export function describeFailure(f: FailureContext): string {
  const code = `${rcodeName(f.rcode)}${f.tsigError ? `/${tsigErrorName(f.tsigError)}` : ""}`;
  return `DNS server ${f.server} rejected the change to zone "${f.zone}" (${code}): ${reason(f)}`;
}

function reason(f: FailureContext): string {
  switch (f.tsigError) {
    case TSIG_ERRORS.BADSIG:
      return `${KEY_WRONG}: the secret of key "${f.keyName}" does not match the server's`;
    case TSIG_ERRORS.BADKEY:
      return `${KEY_WRONG}: the server has no key named "${f.keyName}" with algorithm hmac-sha256`;
    case TSIG_ERRORS.BADTIME:
      return "the clocks of this machine and the DNS server differ by more than 5 minutes; fix NTP and retry";
  }
  switch (f.rcode) {
    case RCODES.REFUSED:
      return `${KEY_WRONG}: the server refused it; key "${f.keyName}" may not update this zone (check update-policy or allow-update)`;
    case RCODES.NOTAUTH:
      return `${KEY_WRONG}, or the zone is wrong: the server is not authoritative for "${f.zone}" (is it the zone's primary?)`;
    case RCODES.NOTZONE:
      return `the zone is wrong: a record name is not inside "${f.zone}"`;
    case RCODES.NXRRSET:
    case RCODES.YXRRSET:
    case RCODES.YXDOMAIN:
      return "the records on the server changed since this stack last read them (edited by hand?); run `pulumi refresh`, check the diff, then `pulumi up`";
    case RCODES.SERVFAIL:
      return "the server failed while applying the change; its log says why (often an unwritable zone journal)";
    case RCODES.NOTIMP:
    case RCODES.FORMERR:
      return "the server does not accept RFC 2136 dynamic updates in this form";
    default:
      return `unexpected response code ${f.rcode}`;
  }
}

export function rcodeName(rcode: number): string {
  return Object.entries(RCODES).find(([, v]) => v === rcode)?.[0] ?? `RCODE${rcode}`;
}

export function tsigErrorName(error: number): string {
  return Object.entries(TSIG_ERRORS).find(([, v]) => v === error)?.[0] ?? `TSIG error ${error}`;
}
