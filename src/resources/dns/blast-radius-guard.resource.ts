import * as pulumi from "@pulumi/pulumi";
import type { RecordSet } from "../../core/dns/records";
import { dynamicProvider } from "../dynamic/provider-shell";
import { type GuardInputs, provider } from "./blast-radius-guard.provider";

const guardProvider = dynamicProvider("dns/blast-radius-guard", provider);

export function toInputs(recordSets: RecordSet[], dns: { allowLargeChanges: boolean }): GuardInputs {
  return { recordSets, allowLargeChanges: dns.allowLargeChanges };
}

/** Refuses a DNS change that removes or replaces more than a third of the stack's records (see the provider). */
export class BlastRadiusGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: GuardInputs, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, args, opts, "cms", "DnsBlastRadiusGuard");
  }
}
