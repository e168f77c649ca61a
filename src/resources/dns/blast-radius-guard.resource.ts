import * as pulumi from "@pulumi/pulumi";
import type { RecordSet } from "../../core/dns/records";
import { fromProgramDir, loadImplementation } from "../dynamic/provider-shell";

type Core = typeof import("../../core/dns/blast-radius");
const CORE = fromProgramDir("components/core/dns/blast-radius");

interface GuardInputs {
  recordSets: RecordSet[];
  allowLargeChanges: boolean;
}

/**
 * Refuses, at check time (so in preview too, before any record changes), a change that deletes or replaces more
 * than a third of the stack's records. Its state is the record list of the last successful run.
 */
const guardProvider: pulumi.dynamic.ResourceProvider<GuardInputs, GuardInputs> = {
  async check(olds, news) {
    const refusal = olds.recordSets
      ? loadImplementation<Core>(CORE).blastRadiusRefusal(olds.recordSets, news.recordSets, news.allowLargeChanges)
      : undefined;
    return { inputs: news, failures: refusal ? [{ property: "recordSets", reason: refusal }] : [] };
  },
  async diff(_id, olds, news) {
    const changed = JSON.stringify(olds.recordSets) !== JSON.stringify(news.recordSets);
    return { changes: changed || olds.allowLargeChanges !== news.allowLargeChanges };
  },
  async create(inputs) {
    return { id: "dns-blast-radius-guard", outs: inputs };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
};

export class BlastRadiusGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: GuardInputs, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, args, opts, "cms", "DnsBlastRadiusGuard");
  }
}
