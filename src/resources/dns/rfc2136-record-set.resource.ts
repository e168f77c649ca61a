import * as pulumi from "@pulumi/pulumi";
import type { RecordSet } from "../../core/dns/records";
import type { Rfc2136Config } from "../../core/dns/schema";
import { DynamicResource, dynamicProvider } from "../dynamic/provider-shell";
import { provider, type Rfc2136RecordSetInputs } from "./rfc2136-record-set.provider";

// Captures only the implementation's path: no client, no secret ends up in the serialized provider.
const rfc2136Provider = dynamicProvider("dns/rfc2136-record-set", provider);

export type Rfc2136RecordSetArgs = { [K in keyof Rfc2136RecordSetInputs]: pulumi.Input<Rfc2136RecordSetInputs[K]> };

export function toInputs(dns: Rfc2136Config, set: RecordSet, tsigSecret: pulumi.Input<string>): Rfc2136RecordSetArgs {
  return {
    server: dns.server,
    zone: dns.zone,
    keyName: dns.tsig.name,
    algorithm: dns.tsig.algorithm,
    tsigSecret: pulumi.secret(tsigSecret),
    timeoutSeconds: dns.timeoutSeconds,
    adoptExisting: dns.adoptExisting,
    ...set,
  };
}

/** One RRset on an RFC 2136 server, replaced atomically by a TSIG-signed UPDATE. */
export class Rfc2136RecordSet extends DynamicResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly type: pulumi.Output<string>;
  declare readonly ttl: pulumi.Output<number>;
  declare readonly values: pulumi.Output<string[]>;

  constructor(name: string, args: Rfc2136RecordSetArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      rfc2136Provider,
      name,
      { ...args, tsigSecret: pulumi.secret(args.tsigSecret) },
      { ...opts, additionalSecretOutputs: ["tsigSecret"] },
      "cms",
      "Rfc2136RecordSet",
    );
  }
}
