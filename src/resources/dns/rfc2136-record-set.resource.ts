import * as pulumi from "@pulumi/pulumi";
import { providerShell } from "../dynamic/provider-shell";
import type { Rfc2136RecordSetInputs } from "./rfc2136-record-set.provider";

// Captures only the implementation's path: no client, no secret ends up in the serialized provider.
const rfc2136Provider = providerShell("components/dns/rfc2136-provider", [
  "check",
  "diff",
  "create",
  "update",
  "delete",
  "read",
]);

export type Rfc2136RecordSetArgs = { [K in keyof Rfc2136RecordSetInputs]: pulumi.Input<Rfc2136RecordSetInputs[K]> };

/** One RRset on an RFC 2136 server, replaced atomically by a TSIG-signed UPDATE. */
export class Rfc2136RecordSet extends pulumi.dynamic.Resource {
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
