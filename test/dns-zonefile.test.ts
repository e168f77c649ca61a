import { describe, expect, it } from "vitest";
import { xmppRecordSets } from "../src/core/dns/records";
import { nsupdateScript, zoneFileLines } from "../src/core/dns/zonefile";

const sets = xmppRecordSets(
  "tptac9.com",
  [
    { name: "cb1", fqdn: "cb1.tptac9.com", address: "127.0.1.1" },
    { name: "cb2", fqdn: "cb2.tptac9.com", address: "127.0.1.2" },
  ],
  { ttl: 86400, componentPort: 5223, clientPort: 5222, srv: { priority: 10, weight: 10 } },
);

describe("zone-file output", () => {
  it("writes one zone-file line per record", () => {
    expect(zoneFileLines(sets)).toEqual([
      "_xmpp-client._tcp.tptac9.com. 86400 IN SRV 10 10 5222 cb1.tptac9.com.",
      "_xmpp-client._tcp.tptac9.com. 86400 IN SRV 10 10 5222 cb2.tptac9.com.",
      "_xmpp-component._tcp.tptac9.com. 86400 IN SRV 10 10 5223 cb1.tptac9.com.",
      "_xmpp-component._tcp.tptac9.com. 86400 IN SRV 10 10 5223 cb2.tptac9.com.",
      "cb1.tptac9.com. 86400 IN A 127.0.1.1",
      "cb2.tptac9.com. 86400 IN A 127.0.1.2",
    ]);
  });

  it("writes an nsupdate script that replaces each record set in its own update, for nsupdate -g", () => {
    const script = nsupdateScript(sets.slice(1, 3), { zone: "tptac9.com", server: { host: "127.0.0.1", port: 53 } });
    expect(script).toBe(
      [
        "; Replaces the XMPP cluster's SRV and A records, one record set per update.",
        "; Microsoft DNS (secure updates): kinit <admin>@<REALM>, then: nsupdate -g <this file>",
        "; BIND with a TSIG key: nsupdate -k <keyfile> <this file>",
        "server 127.0.0.1 53",
        "zone tptac9.com.",
        "update delete _xmpp-component._tcp.tptac9.com. SRV",
        "update add _xmpp-component._tcp.tptac9.com. 86400 IN SRV 10 10 5223 cb1.tptac9.com.",
        "update add _xmpp-component._tcp.tptac9.com. 86400 IN SRV 10 10 5223 cb2.tptac9.com.",
        "send",
        "update delete cb1.tptac9.com. A",
        "update add cb1.tptac9.com. 86400 IN A 127.0.1.1",
        "send",
        "",
      ].join("\n"),
    );
    expect(nsupdateScript(sets, { zone: "tptac9.com" })).not.toMatch(/^server /m);
  });
});
