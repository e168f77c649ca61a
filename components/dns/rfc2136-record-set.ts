import * as pulumi from "@pulumi/pulumi";
import { implementationPath, loadImplementation } from "../providers/load-implementation";
import type { Rfc2136RecordSetInputs } from "./rfc2136-provider";

type Impl = typeof import("./rfc2136-provider");
const IMPL = implementationPath("../dns/rfc2136-provider");
const impl = (): Impl => loadImplementation<Impl>(IMPL);

// Captures only the implementation's path: no client, no secret ends up in the serialized provider.
const rfc2136Provider: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => impl().check(olds, news),
  diff: (id, olds, news) => impl().diff(id, olds, news),
  create: (inputs) => impl().create(inputs),
  update: (id, olds, news) => impl().update(id, olds, news),
  delete: (id, props) => impl().remove(id, props),
  read: (id, props) => impl().read(id, props),
};

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
