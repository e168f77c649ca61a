import { describe, expect, it } from "vitest";
import { xmppRecordSets } from "../src/core/dns/records";
import {
  type DnsObservation,
  portProbes,
  probeKey,
  scenario1Report,
  verificationProblems,
} from "../src/core/dns/verification";

const nodes = [1, 2, 3].map((i) => ({ name: `cb${i}`, fqdn: `cb${i}.tptac9.com`, address: `127.0.1.${i}` }));
const expected = xmppRecordSets("tptac9.com", nodes, {
  ttl: 86400,
  componentPort: 5223,
  clientPort: 5222,
  srv: { priority: 0, weight: 0 },
});
const component = "_xmpp-component._tcp.tptac9.com";
const client = "_xmpp-client._tcp.tptac9.com";

function healthy(): DnsObservation {
  const obs: DnsObservation = { srv: {}, addresses: {}, ports: {} };
  for (const set of expected) {
    if (set.type === "SRV") obs.srv[set.name] = [...set.values];
    else obs.addresses[set.name] = [...set.values];
  }
  for (const p of portProbes(obs)) obs.ports[probeKey(p.address, p.port)] = true;
  return obs;
}

describe("DNS verification (TechNote scenario 1)", () => {
  it("finds nothing wrong when DNS matches and every port answers", () => {
    const obs = healthy();
    expect(portProbes(obs)).toHaveLength(6);
    expect(verificationProblems(expected, obs)).toEqual([]);
    expect(scenario1Report("tptac9.com", [])).toMatch(/matches the cluster/);
  });

  it("reports the TechNote's own example: cb2 twice, cb3 missing, one target on port 5222", () => {
    const obs = healthy();
    obs.srv[component] = ["0 0 5222 cb1.tptac9.com.", "0 0 5223 cb2.tptac9.com.", "0 0 5223 cb2.tptac9.com."];
    const problems = verificationProblems(expected, obs);
    expect(problems).toEqual([
      { record: component, message: "cb2.tptac9.com is a target 2 times; each node must be listed once" },
      { record: component, message: "cb3.tptac9.com is missing; no Call Bridge can fail over to it" },
      { record: component, message: "cb1.tptac9.com has port 5222; the cluster uses 5223" },
    ]);
    const report = scenario1Report("tptac9.com", problems);
    expect(report).toMatch(/"No DNS A or AAAA records for\n_xmpp-component._tcp.tptac9.com"/);
    expect(report).toMatch(/failure reason "dns error" \(TechNote scenario 1\)/);
    expect(report).toMatch(/ {2}- _xmpp-component._tcp.tptac9.com: cb3.tptac9.com is missing/);
  });

  it("reports a missing SRV set in the Call Bridge's own words", () => {
    const obs = healthy();
    delete obs.srv[component];
    expect(verificationProblems(expected, obs)).toEqual([
      {
        record: component,
        message: "No DNS A or AAAA records for _xmpp-component._tcp.tptac9.com: the SRV record set is missing",
      },
    ]);
  });

  it("reports a target without an A record, a wrong address, a stranger and a dead port", () => {
    const obs = healthy();
    delete obs.addresses["cb2.tptac9.com"];
    obs.addresses["cb3.tptac9.com"] = ["127.0.1.33"];
    obs.srv[client] = [...(obs.srv[client] ?? []), "0 0 5222 old.tptac9.com."];
    obs.addresses["old.tptac9.com"] = ["127.0.1.9"];
    obs.ports[probeKey("127.0.1.1", 5223)] = false;
    const lines = verificationProblems(expected, obs).map((p) => `${p.record}: ${p.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        `${component}: No DNS A or AAAA records for cb2.tptac9.com, a target of ${component}`,
        "cb3.tptac9.com: resolves to 127.0.1.33; the node's address is 127.0.1.3",
        `${client}: old.tptac9.com is a target but not a node of this cluster`,
        "cb1.tptac9.com: 127.0.1.1 port 5223 does not answer on TCP (is XMPP enabled there?)",
      ]),
    );
  });

  it("reports a priority or weight that differs from the stack's", () => {
    const obs = healthy();
    obs.srv[component] = ["0 0 5223 cb1.tptac9.com.", "0 0 5223 cb2.tptac9.com.", "5 0 5223 cb3.tptac9.com."];
    expect(verificationProblems(expected, obs)).toEqual([
      { record: component, message: "cb3.tptac9.com has priority 5 weight 0; the stack wants priority 0 weight 0" },
    ]);
  });
});
