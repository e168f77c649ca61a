import { connect } from "node:net";
import { type DnsServer, queryRecordSet } from "../clients/dns/rfc2136-client";
import { canonicalName, parseSrv, type RecordSet } from "../core/dns/records";
import {
  type DnsObservation,
  type DnsProblem,
  portProbes,
  probeKey,
  scenario1Report,
  verificationProblems,
} from "../core/dns/verification";

export interface VerifyXmppDnsOptions {
  domain: string;
  /** The records the stack wants (XmppDnsRecords.recordSets). */
  expected: RecordSet[];
  /** The DNS server to ask, e.g. the zone's primary or the resolver the Call Bridges use. */
  server: DnsServer;
  timeoutMs?: number;
}

export interface DnsVerification {
  ok: boolean;
  problems: DnsProblem[];
  /** The problems in the words of the TechNote's scenario 1, naming each record. */
  report: string;
  observation: DnsObservation;
}

/**
 * Resolves the XMPP SRV records through `server`, checks every target has an address record that matches its node,
 * and that every target's XMPP port answers on TCP. Run it before pointing Call Bridges at the cluster, and after up.
 */
export async function verifyXmppDns(opts: VerifyXmppDnsOptions): Promise<DnsVerification> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const ask = { server: opts.server, zone: canonicalName(opts.domain), timeoutMs };
  const observation: DnsObservation = { srv: {}, addresses: {}, ports: {} };

  for (const set of opts.expected.filter((s) => s.type === "SRV")) {
    observation.srv[set.name] = (await queryRecordSet(ask, set.name, "SRV"))?.values;
  }
  const targets = new Set(
    Object.values(observation.srv).flatMap((values) => (values ?? []).map((v) => parseSrv(v).target)),
  );
  for (const target of targets) {
    const a = await queryRecordSet(ask, target, "A");
    const aaaa = await queryRecordSet(ask, target, "AAAA");
    observation.addresses[target] = [...(a?.values ?? []), ...(aaaa?.values ?? [])];
  }
  const probes = portProbes(observation);
  const answers = await Promise.all(probes.map((p) => answersOnTcp(p.address, p.port, timeoutMs)));
  probes.forEach((p, i) => {
    observation.ports[probeKey(p.address, p.port)] = answers[i];
  });

  const problems = verificationProblems(opts.expected, observation);
  return { ok: problems.length === 0, problems, report: scenario1Report(opts.domain, problems), observation };
}

function answersOnTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("connect", () => done(true));
    socket.on("error", () => done(false));
  });
}
