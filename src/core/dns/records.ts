import { isIPv4, isIPv6 } from "node:net";

/** One XMPP node as DNS sees it. `address` is the IPv4 or IPv6 address its A or AAAA record points at. */
export interface DnsNodeInput {
  name: string;
  fqdn: string;
  address: string;
}

export type RecordType = "SRV" | "A" | "AAAA";

/**
 * One RRset. `name` is absolute, lower case, without the trailing dot. `values` are in presentation format
 * ("10 10 5223 cb1.example.com." for SRV, "127.0.1.1" for A), canonical and sorted, so two equal sets compare equal.
 */
export interface RecordSet {
  name: string;
  type: RecordType;
  ttl: number;
  values: string[];
}

export interface SrvValue {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface SrvPreference {
  priority?: number;
  weight?: number;
}

/** What the record model needs from the DNS config; the parsed `dnsConfigSchema` satisfies it. */
export interface DnsRecordOptions {
  /** When given, every record must lie inside this zone. */
  zone?: string;
  ttl: number;
  componentPort: number;
  clientPort: number;
  /** Node names that get a `_xmpp-client._tcp` target; every node when absent. */
  clientNodes?: string[];
  srv: { priority: number; weight: number; perNode?: Record<string, SrvPreference> };
}

export class DnsRecordError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid DNS records:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "DnsRecordError";
  }
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
const MAX_TTL = 2147483647;

/** Lower case, no trailing dot. */
export function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

export function isValidName(name: string): boolean {
  const n = canonicalName(name);
  return n.length > 0 && n.length <= 253 && n.split(".").every((label) => LABEL.test(label));
}

export function isInZone(name: string, zone: string): boolean {
  const n = canonicalName(name);
  const z = canonicalName(zone);
  return n === z || n.endsWith(`.${z}`);
}

export function componentSrvName(domain: string): string {
  return `_xmpp-component._tcp.${canonicalName(domain)}`;
}

export function clientSrvName(domain: string): string {
  return `_xmpp-client._tcp.${canonicalName(domain)}`;
}

export function formatSrv(v: SrvValue): string {
  return `${v.priority} ${v.weight} ${v.port} ${canonicalName(v.target)}.`;
}

export function parseSrv(value: string): SrvValue {
  const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+?)\s*$/.exec(value);
  const [priority, weight, port] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || !isUint16(priority) || !isUint16(weight) || !isUint16(port) || !isValidName(m[4])) {
    throw new DnsRecordError([`"${value}" is not an SRV value "<priority> <weight> <port> <target>"`]);
  }
  return { priority, weight, port, target: canonicalName(m[4]) } as SrvValue;
}

function isUint16(n: number | undefined): n is number {
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 65535;
}

/** The record type an address needs and its canonical text (IPv6 compressed, lower case). */
export function addressRecord(address: string): { type: "A" | "AAAA"; value: string } {
  const a = address.trim();
  if (isIPv4(a)) return { type: "A", value: a.split(".").map(Number).join(".") };
  if (isIPv6(a)) return { type: "AAAA", value: new URL(`http://[${a}]/`).hostname.slice(1, -1) };
  throw new DnsRecordError([`"${address}" is not an IPv4 or IPv6 address`]);
}

/** Canonical, sorted, duplicate-free values; throws when one does not fit the type. */
export function canonicalValues(type: RecordType, values: string[]): string[] {
  if (type === "SRV") {
    const parsed = values.map(parseSrv).sort(compareSrv);
    return [...new Set(parsed.map(formatSrv))];
  }
  const canonical = values.map((v) => {
    const r = addressRecord(v);
    if (r.type !== type) throw new DnsRecordError([`"${v}" is not an ${type} address`]);
    return r.value;
  });
  return [...new Set(canonical)].sort();
}

/** Code-point order, independent of the machine's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSrv(a: SrvValue, b: SrvValue): number {
  return a.priority - b.priority || a.weight - b.weight || a.port - b.port || compareText(a.target, b.target);
}

export function compareRecordSets(a: RecordSet, b: RecordSet): number {
  return compareText(a.name, b.name) || compareText(a.type, b.type);
}

/**
 * The SRV and address records for an XMPP cluster, in canonical order. Every SRV set is built by mapping over the
 * node list, so each node is a target exactly once; duplicate or unknown nodes are rejected rather than repaired.
 */
export function xmppRecordSets(domain: string, nodes: DnsNodeInput[], opts: DnsRecordOptions): RecordSet[] {
  const problems = validate(domain, nodes, opts);
  if (problems.length > 0) throw new DnsRecordError(problems);

  const srvValue = (node: DnsNodeInput, port: number) => {
    const own = opts.srv.perNode?.[node.name] ?? {};
    return {
      priority: own.priority ?? opts.srv.priority,
      weight: own.weight ?? opts.srv.weight,
      port,
      target: node.fqdn,
    };
  };
  const srvSet = (name: string, members: DnsNodeInput[], port: number): RecordSet => ({
    name,
    type: "SRV",
    ttl: opts.ttl,
    values: members
      .map((n) => srvValue(n, port))
      .sort(compareSrv)
      .map(formatSrv),
  });
  const clientMembers = opts.clientNodes ? nodes.filter((n) => opts.clientNodes?.includes(n.name)) : nodes;

  const sets: RecordSet[] = [
    srvSet(componentSrvName(domain), nodes, opts.componentPort),
    srvSet(clientSrvName(domain), clientMembers, opts.clientPort),
    ...nodes.map((n) => {
      const { type, value } = addressRecord(n.address);
      return { name: canonicalName(n.fqdn), type, ttl: opts.ttl, values: [value] };
    }),
  ];
  return sets.sort(compareRecordSets);
}

function validate(domain: string, nodes: DnsNodeInput[], opts: DnsRecordOptions): string[] {
  const problems: string[] = [];
  if (!isValidName(domain)) problems.push(`domain "${domain}" is not a DNS name`);
  if (nodes.length === 0) problems.push("nodes: list at least one XMPP node");

  const firstSeen = new Map<string, string>();
  const unique = (what: string, value: string, node: string) => {
    const key = `${what}:${value.toLowerCase()}`;
    const other = firstSeen.get(key);
    if (other !== undefined) problems.push(`nodes ${other} and ${node} have the same ${what} "${value}"`);
    else firstSeen.set(key, node);
  };
  for (const n of nodes) {
    unique("name", n.name, n.name);
    unique("fqdn", canonicalName(n.fqdn), n.name);
    if (!isValidName(n.fqdn)) problems.push(`node ${n.name}: fqdn "${n.fqdn}" is not a DNS name`);
    try {
      unique("address", addressRecord(n.address).value, n.name);
    } catch {
      problems.push(`node ${n.name}: address "${n.address}" is not an IPv4 or IPv6 address`);
    }
    if (opts.zone && !isInZone(n.fqdn, opts.zone)) {
      problems.push(`node ${n.name}: fqdn "${n.fqdn}" is outside zone "${opts.zone}"`);
    }
  }
  if (opts.zone && !isInZone(domain, opts.zone)) problems.push(`domain "${domain}" is outside zone "${opts.zone}"`);

  const names = new Set(nodes.map((n) => n.name));
  const known = (field: string, name: string) => {
    if (!names.has(name)) problems.push(`${field}: "${name}" is not one of the nodes (${[...names].join(", ")})`);
  };
  if (opts.clientNodes) {
    if (opts.clientNodes.length === 0) problems.push("clientNodes: list at least one node, or leave it out");
    if (new Set(opts.clientNodes).size !== opts.clientNodes.length)
      problems.push("clientNodes: a node is listed twice");
    for (const name of opts.clientNodes) known("clientNodes", name);
  }
  for (const name of Object.keys(opts.srv.perNode ?? {})) known("srv.perNode", name);

  if (!Number.isInteger(opts.ttl) || opts.ttl < 1 || opts.ttl > MAX_TTL)
    problems.push(`ttl ${opts.ttl} is out of range`);
  for (const [field, n] of [
    ["componentPort", opts.componentPort],
    ["clientPort", opts.clientPort],
  ] as const) {
    if (!isUint16(n) || n === 0) problems.push(`${field} ${n} is not a TCP port`);
  }
  const prefs = [["srv", opts.srv], ...Object.entries(opts.srv.perNode ?? {}).map(([k, v]) => [`srv.perNode.${k}`, v])];
  for (const [field, p] of prefs as [string, SrvPreference][]) {
    for (const key of ["priority", "weight"] as const) {
      if (p[key] !== undefined && !isUint16(p[key])) problems.push(`${field}.${key} ${p[key]} is not 0-65535`);
    }
  }
  return problems;
}
