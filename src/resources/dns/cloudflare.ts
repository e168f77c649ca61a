import type * as pulumi from "@pulumi/pulumi";
import { parseSrv, type RecordSet, type SrvValue } from "../../core/dns/records";
import type { CloudflareConfig } from "../../core/dns/schema";
import { requireOptional } from "./optional-package";

/** The part of `@pulumi/cloudflare` used here, declared locally for the same reason as AwsRoute53Module. */
export interface CloudflareModule {
  DnsRecord: new (
    name: string,
    args: { zoneId: string; name: string; type: string; ttl: number; content?: string; data?: SrvValue },
    opts?: pulumi.CustomResourceOptions,
  ) => pulumi.CustomResource;
}

const MAX_CLOUDFLARE_TTL = 86400;

/**
 * One `cloudflare.DnsRecord` per record (Cloudflare has no RRsets), named by owner, type and SRV target or
 * address, so a new priority updates a record in place. `@pulumi/cloudflare` is loaded only here.
 */
export function cloudflareRecords(
  prefix: string,
  sets: RecordSet[],
  cfg: Pick<CloudflareConfig, "zoneId">,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource[] {
  const cloudflare = requireOptional<CloudflareModule>("@pulumi/cloudflare", `dns.backend "cloudflare"`);
  return sets.flatMap((s) => {
    if (s.ttl > MAX_CLOUDFLARE_TTL) throw new Error(`dns.ttl ${s.ttl} is above Cloudflare's maximum of 86400 seconds`);
    return s.values.map((value) => {
      const common = { zoneId: cfg.zoneId, name: s.name, type: s.type, ttl: s.ttl };
      if (s.type !== "SRV") {
        return new cloudflare.DnsRecord(`${prefix}-${s.name}-${s.type}-${value}`, { ...common, content: value }, opts);
      }
      const srv = parseSrv(value);
      return new cloudflare.DnsRecord(`${prefix}-${s.name}-SRV-${srv.target}`, { ...common, data: srv }, opts);
    });
  });
}
