import { describe, expect, it } from "vitest";
import { describeFailure, RCODES } from "../src/core/dns/rcode";
import { TSIG_ERRORS } from "../src/core/dns/tsig";

const ctx = { zone: "tptac9.com", keyName: "cms-xmpp-key", server: "127.0.0.1:5397" };

describe("response codes in plain words", () => {
  it.each([
    [
      RCODES.REFUSED,
      undefined,
      /\(REFUSED\): the TSIG key is wrong or not allowed: .*key "cms-xmpp-key" may not update/,
    ],
    [
      RCODES.NOTAUTH,
      TSIG_ERRORS.BADSIG,
      /\(NOTAUTH\/BADSIG\): the TSIG key is wrong or not allowed: the secret of key "cms-xmpp-key"/,
    ],
    [
      RCODES.NOTAUTH,
      TSIG_ERRORS.BADKEY,
      /\(NOTAUTH\/BADKEY\): the TSIG key is wrong or not allowed: the server has no key named/,
    ],
    [RCODES.NOTAUTH, TSIG_ERRORS.BADTIME, /\(NOTAUTH\/BADTIME\): the clocks .* differ by more than 5 minutes/],
    [
      RCODES.NOTAUTH,
      undefined,
      /\(NOTAUTH\): the TSIG key is wrong or not allowed, or the zone is wrong: .*not authoritative for "tptac9.com"/,
    ],
    [RCODES.NOTZONE, undefined, /\(NOTZONE\): the zone is wrong: a record name is not inside "tptac9.com"/],
    [RCODES.NXRRSET, undefined, /\(NXRRSET\): the records on the server changed .* run `pulumi refresh`/],
    [RCODES.YXRRSET, undefined, /\(YXRRSET\): the records on the server changed/],
    [RCODES.SERVFAIL, undefined, /\(SERVFAIL\): the server failed/],
    [RCODES.NOTIMP, undefined, /\(NOTIMP\): the server does not accept RFC 2136/],
    [13, undefined, /\(RCODE13\): unexpected response code 13/],
  ])("rcode %i / TSIG error %s", (rcode, tsigError, pattern) => {
    const text = describeFailure({ ...ctx, rcode, tsigError });
    expect(text).toMatch(/^DNS server 127.0.0.1:5397 rejected the change to zone "tptac9.com"/);
    expect(text).toMatch(pattern);
  });
});
