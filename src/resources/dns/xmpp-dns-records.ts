import * as pulumi from "@pulumi/pulumi";
import { type DnsNodeInput, type RecordSet, xmppRecordSets } from "../../core/dns/records";
import type { DnsConfig } from "../../core/dns/schema";
import { zoneFileLines } from "../../core/dns/zonefile";
import * as blastRadiusGuard from "./blast-radius-guard.resource";
import { BlastRadiusGuard } from "./blast-radius-guard.resource";
import { cloudflareRecords } from "./cloudflare";
import { nsupdateCommand } from "./nsupdate-command";
import * as rfc2136 from "./rfc2136-record-set.resource";
import { Rfc2136RecordSet } from "./rfc2136-record-set.resource";
import { route53RecordSets } from "./route53";
import * as zoneFileOutput from "./zonefile-output.resource";
import { ZoneFileOutput } from "./zonefile-output.resource";

export interface XmppDnsRecordsArgs {
  /** The XMPP domain, e.g. tptac9.com: the SRV records are `_xmpp-component._tcp.<domain>` and `_xmpp-client._tcp.<domain>`. */
  domain: string;
  /** One entry per XMPP node; each becomes one target in each SRV set and one A or AAAA record. */
  nodes: DnsNodeInput[];
  /** The parsed `dns` section of the stack config (`dnsConfigSchema`). */
  dns: DnsConfig;
  /** The TSIG secret, when it comes from another resource or a secret store instead of `dns.tsig.secret`. */
  tsigSecret?: pulumi.Input<string>;
}

/**
 * The XMPP cluster's SRV and A/AAAA records, built from the node list and kept by the configured backend:
 * RFC 2136 + TSIG (one resource per RRset), Route 53, Cloudflare, zone-file output, or none.
 */
export class XmppDnsRecords extends pulumi.ComponentResource {
  /** The wanted records, in canonical order (also for `verifyXmppDns`). */
  readonly recordSets: RecordSet[];
  /** The records as zone-file lines. */
  readonly zoneFileLines: pulumi.Output<string[]>;
  /** The backend's resources (none for backend "none"); depend on them to act only once DNS is written. */
  readonly resources: pulumi.CustomResource[] = [];
  /** What cluster verification resolves afterwards: only where the stack writes to a server it can query. */
  readonly verification?: { domain: string; server: { host: string; port: number }; expected: RecordSet[] };

  constructor(name: string, args: XmppDnsRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cms:dns:XmppDnsRecords", name, {}, opts);
    const { dns } = args;
    this.recordSets = xmppRecordSets(args.domain, args.nodes, dns);
    this.zoneFileLines = pulumi.output(zoneFileLines(this.recordSets));

    if (dns.backend !== "none") {
      const guard = new BlastRadiusGuard(
        `${name}-guard`,
        blastRadiusGuard.toInputs(this.recordSets, dns, args.tsigSecret),
        {
          parent: this,
        },
      );
      const childOpts: pulumi.CustomResourceOptions = { parent: this, dependsOn: [guard] };
      switch (dns.backend) {
        case "rfc2136":
          this.resources = this.recordSets.map(
            (set) =>
              new Rfc2136RecordSet(
                `${name}-${set.name}-${set.type}`,
                rfc2136.toInputs(dns, set, args.tsigSecret ?? dns.tsig.secret),
                childOpts,
              ),
          );
          this.verification = { domain: args.domain, server: dns.server, expected: this.recordSets };
          break;
        case "route53":
          this.resources = route53RecordSets(name, this.recordSets, dns, childOpts);
          break;
        case "cloudflare":
          this.resources = cloudflareRecords(name, this.recordSets, dns, childOpts);
          break;
        case "zonefile": {
          const inputs = zoneFileOutput.toInputs(dns, this.recordSets);
          const zoneFile = new ZoneFileOutput(`${name}-zonefile`, inputs, childOpts);
          this.resources = [zoneFile];
          if (dns.nsupdate?.run) {
            this.resources.push(nsupdateCommand(`${name}-nsupdate`, inputs, { parent: this, dependsOn: [zoneFile] }));
          }
          break;
        }
      }
    }
    this.registerOutputs({ zoneFileLines: this.zoneFileLines });
  }
}
