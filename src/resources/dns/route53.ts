import type * as pulumi from "@pulumi/pulumi";
import type { RecordSet } from "../../core/dns/records";
import type { Route53Config } from "../../core/dns/schema";
import { requireOptional } from "./optional-package";

/**
 * The part of `@pulumi/aws` used here. Declared locally because referencing the package's own types would make
 * every program that imports this file type-check @pulumi/aws (thousands of files, about 20 s) on each run.
 */
export interface AwsRoute53Module {
  route53: {
    Record: new (
      name: string,
      args: { zoneId: string; name: string; type: string; ttl: number; records: string[] },
      opts?: pulumi.CustomResourceOptions,
    ) => pulumi.CustomResource;
  };
}

/**
 * One `aws.route53.Record` per RRset. `@pulumi/aws` is an optional peer dependency, loaded only here, so stacks
 * that do not use Route 53 never need it installed.
 */
export function route53RecordSets(
  prefix: string,
  sets: RecordSet[],
  cfg: Pick<Route53Config, "zoneId">,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource[] {
  const aws = requireOptional<AwsRoute53Module>("@pulumi/aws", `dns.backend "route53"`);
  return sets.map(
    (s) =>
      new aws.route53.Record(
        `${prefix}-${s.name}-${s.type}`,
        { zoneId: cfg.zoneId, name: s.name, type: s.type, ttl: s.ttl, records: s.values },
        opts,
      ),
  );
}
