import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { type HostPort, isLoopback, parseHostPort } from "../net/loopback";
import { orderSrvRecords } from "./srv-order";

export const COMPONENT_PORT = 5223;

export type Targets = { ok: true; targets: HostPort[] } | { ok: false; reason: string };

export interface DnsServer {
  host: string;
  port: number;
}

/** Queries go from the node's own address to its DNS server, like on a real network. */
export interface DnsClient {
  server: DnsServer | undefined;
  localAddress: string;
  timeoutMs: number;
}

function resolverFor(dns: DnsClient, server: DnsServer): Resolver {
  const resolver = new Resolver({ timeout: dns.timeoutMs, tries: 2 });
  resolver.setServers([`${server.host}:${server.port}`]);
  resolver.setLocalAddress(dns.localAddress);
  return resolver;
}

/** A records of `name` (IP literals and localhost need no query). Only loopback addresses are kept. */
export async function resolveHost(name: string, dns: DnsClient): Promise<string[]> {
  if (isIP(name)) return isLoopback(name) ? [name] : [];
  if (name === "localhost") return ["127.0.0.1"];
  if (!dns.server) return [];
  try {
    return (await resolverFor(dns, dns.server).resolve4(name)).filter(isLoopback);
  } catch {
    return [];
  }
}

/**
 * Where a Call Bridge should connect, in order. A pinned Server address skips DNS; a blank one means
 * an SRV query for _xmpp-component._tcp.<domain>, then A queries for each target.
 */
export async function resolveComponentTargets(domain: string, serverAddress: string, dns: DnsClient): Promise<Targets> {
  if (serverAddress.trim() !== "") {
    const pinned = parseHostPort(serverAddress, COMPONENT_PORT);
    if (!pinned) return { ok: false, reason: `Invalid server address ${serverAddress}` };
    const addresses = await resolveHost(pinned.host, dns);
    if (addresses.length === 0) return { ok: false, reason: `No DNS A or AAAA records for ${pinned.host}` };
    return { ok: true, targets: addresses.map((host) => ({ host, port: pinned.port })) };
  }
  const srvName = `_xmpp-component._tcp.${domain}`;
  if (!dns.server) return { ok: false, reason: `No DNS server configured to resolve ${srvName}` };
  let records: Awaited<ReturnType<Resolver["resolveSrv"]>>;
  try {
    records = await resolverFor(dns, dns.server).resolveSrv(srvName);
  } catch {
    records = [];
  }
  if (records.length === 0) return { ok: false, reason: `No DNS A or AAAA records for ${srvName}` };
  const targets: HostPort[] = [];
  for (const record of orderSrvRecords(records)) {
    for (const host of await resolveHost(record.name, dns)) targets.push({ host, port: record.port });
  }
  if (targets.length === 0) {
    return { ok: false, reason: `No DNS A or AAAA records for ${records.map((record) => record.name).join(", ")}` };
  }
  return { ok: true, targets };
}
