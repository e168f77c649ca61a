import { canonicalName, parseSrv, type RecordSet, type SrvValue } from "./records";

/** What the DNS server answered, and which XMPP ports answered on TCP. */
export interface DnsObservation {
  /** SRV values by SRV name; absent or empty when the server has none. */
  srv: Record<string, string[] | undefined>;
  /** A and AAAA values by host name (lower case, no trailing dot). */
  addresses: Record<string, string[] | undefined>;
  /** "address port" → whether a TCP connection succeeded. */
  ports: Record<string, boolean>;
}

export interface DnsProblem {
  /** The record (or host:port) the problem is about. */
  record: string;
  message: string;
}

/** The TCP endpoints to probe: every resolved address of every SRV target, at the SRV's port. */
export function portProbes(obs: Pick<DnsObservation, "srv" | "addresses">): { address: string; port: number }[] {
  const probes = new Map<string, { address: string; port: number }>();
  for (const values of Object.values(obs.srv)) {
    for (const srv of (values ?? []).map(parseSrv)) {
      for (const address of obs.addresses[srv.target] ?? [])
        probes.set(probeKey(address, srv.port), { address, port: srv.port });
    }
  }
  return [...probes.values()];
}

export function probeKey(address: string, port: number): string {
  return `${address} ${port}`;
}

/** Compares what DNS serves with the records the stack wants. Empty when everything matches and answers. */
export function verificationProblems(expected: RecordSet[], obs: DnsObservation): DnsProblem[] {
  const problems: DnsProblem[] = [];
  const wantedAddress = new Map(expected.filter((s) => s.type !== "SRV").map((s) => [s.name, s.values]));
  for (const set of expected.filter((s) => s.type === "SRV")) {
    problems.push(...srvProblems(set, obs.srv[set.name] ?? [], obs, wantedAddress));
  }
  return problems;
}

function srvProblems(
  want: RecordSet,
  seen: string[],
  obs: DnsObservation,
  wantedAddress: Map<string, string[]>,
): DnsProblem[] {
  const record = want.name;
  if (seen.length === 0) {
    return [{ record, message: `No DNS A or AAAA records for ${record}: the SRV record set is missing` }];
  }
  const problems: DnsProblem[] = [];
  const wanted = new Map(want.values.map(parseSrv).map((v) => [v.target, v]));
  const found = seen.map(parseSrv);
  const counts = new Map<string, number>();
  for (const v of found) counts.set(v.target, (counts.get(v.target) ?? 0) + 1);

  for (const [target, count] of counts) {
    if (count > 1)
      problems.push({ record, message: `${target} is a target ${count} times; each node must be listed once` });
  }
  for (const target of wanted.keys()) {
    if (!counts.has(target))
      problems.push({ record, message: `${target} is missing; no Call Bridge can fail over to it` });
  }
  for (const v of found) {
    const w = wanted.get(v.target);
    if (!w) {
      problems.push({ record, message: `${v.target} is a target but not a node of this cluster` });
    } else if (v.port !== w.port) {
      problems.push({ record, message: `${v.target} has port ${v.port}; the cluster uses ${w.port}` });
    } else if (v.priority !== w.priority || v.weight !== w.weight) {
      problems.push({ record, message: `${v.target} has ${prefText(v)}; the stack wants ${prefText(w)}` });
    }
    problems.push(...targetProblems(record, v, obs, wantedAddress.get(v.target)));
  }
  return dedupe(problems);
}

function targetProblems(record: string, v: SrvValue, obs: DnsObservation, wanted?: string[]): DnsProblem[] {
  const addresses = obs.addresses[canonicalName(v.target)] ?? [];
  if (addresses.length === 0) {
    return [{ record, message: `No DNS A or AAAA records for ${v.target}, a target of ${record}` }];
  }
  const problems: DnsProblem[] = [];
  if (wanted && wanted.join(",") !== [...addresses].sort().join(",")) {
    problems.push({
      record: v.target,
      message: `resolves to ${addresses.join(", ")}; the node's address is ${wanted.join(", ")}`,
    });
  }
  for (const address of addresses) {
    if (!obs.ports[probeKey(address, v.port)]) {
      problems.push({
        record: v.target,
        message: `${address} port ${v.port} does not answer on TCP (is XMPP enabled there?)`,
      });
    }
  }
  return problems;
}

function prefText(v: SrvValue): string {
  return `priority ${v.priority} weight ${v.weight}`;
}

function dedupe(problems: DnsProblem[]): DnsProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.record}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The report in the words of the TechNote's scenario 1, so an admin recognises the Call Bridge's log lines. */
export function scenario1Report(domain: string, problems: DnsProblem[]): string {
  if (problems.length === 0)
    return `DNS for ${canonicalName(domain)} matches the cluster, and every XMPP port answers.`;
  return [
    `DNS for ${canonicalName(domain)} does not match the cluster. Call Bridges will log "No DNS A or AAAA records for`,
    `_xmpp-component._tcp.${canonicalName(domain)}" and disconnect with failure reason "dns error" (TechNote scenario 1):`,
    ...problems.map((p) => `  - ${p.record}: ${p.message}`),
  ].join("\n");
}
