import type * as pulumi from "@pulumi/pulumi";
import type { RecordSet } from "../../core/dns/records";
import type { ZoneFileConfig } from "../../core/dns/schema";
import { DynamicResource, dynamicProvider } from "../dynamic/provider-shell";
import { provider, type ZoneFileOutputInputs } from "./zonefile-output.provider";

const zoneFileProvider = dynamicProvider("dns/zonefile-output", provider);

export function toInputs(dns: ZoneFileConfig, recordSets: RecordSet[]): ZoneFileOutputInputs {
  const nsupdateServer = dns.nsupdate?.server;
  const server = dns.server ?? (nsupdateServer ? { host: nsupdateServer, port: 53 } : undefined);
  return { directory: dns.directory, zone: dns.zone, server, recordSets };
}

/**
 * Writes the zone-file lines and an nsupdate script instead of applying them, for DNS servers that only accept
 * Kerberos-signed (GSS-TSIG) updates, such as Microsoft DNS with secure updates: the admin runs `nsupdate -g`.
 */
export class ZoneFileOutput extends DynamicResource {
  constructor(name: string, args: ZoneFileOutputInputs, opts?: pulumi.CustomResourceOptions) {
    super(zoneFileProvider, name, args, opts, "cms", "DnsZoneFileOutput");
  }
}
