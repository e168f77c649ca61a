import { canonicalName, type RecordSet } from "./records";

/** Zone-file lines, e.g. `_xmpp-component._tcp.tptac9.com. 86400 IN SRV 10 10 5223 cb1.tptac9.com.` */
export function zoneFileLines(sets: RecordSet[]): string[] {
  return sets.flatMap((s) => s.values.map((v) => `${canonicalName(s.name)}. ${s.ttl} IN ${s.type} ${v}`));
}

export interface NsupdateScriptOptions {
  zone: string;
  /** Omit to let nsupdate find the primary server from the zone's SOA. */
  server?: { host: string; port: number };
}

/**
 * An nsupdate script that replaces each record set atomically, one `send` per set, for admins who must apply it
 * themselves, e.g. on Microsoft DNS with secure updates: `kinit admin@REALM && nsupdate -g records.nsupdate`.
 */
export function nsupdateScript(sets: RecordSet[], opts: NsupdateScriptOptions): string {
  const head = [
    "; Replaces the XMPP cluster's SRV and A records, one record set per update.",
    "; Microsoft DNS (secure updates): kinit <admin>@<REALM>, then: nsupdate -g <this file>",
    "; BIND with a TSIG key: nsupdate -k <keyfile> <this file>",
    ...(opts.server ? [`server ${opts.server.host} ${opts.server.port}`] : []),
    `zone ${canonicalName(opts.zone)}.`,
  ];
  const blocks = sets.map((s) => {
    const name = `${canonicalName(s.name)}.`;
    return [
      `update delete ${name} ${s.type}`,
      ...s.values.map((v) => `update add ${name} ${s.ttl} IN ${s.type} ${v}`),
      "send",
    ].join("\n");
  });
  return `${[...head, ...blocks].join("\n")}\n`;
}

/** An nsupdate script that deletes exactly these records (and no others at the same names). */
export function nsupdateRemovalScript(sets: RecordSet[], opts: NsupdateScriptOptions): string {
  const head = [
    "; Removes the XMPP cluster's SRV and A records that the stack wrote; other records at these names stay.",
    "; Microsoft DNS (secure updates): kinit <admin>@<REALM>, then: nsupdate -g <this file>",
    ...(opts.server ? [`server ${opts.server.host} ${opts.server.port}`] : []),
    `zone ${canonicalName(opts.zone)}.`,
  ];
  const lines = sets.flatMap((s) => s.values.map((v) => `update delete ${canonicalName(s.name)}. ${s.type} ${v}`));
  return `${[...head, ...lines, "send"].join("\n")}\n`;
}
