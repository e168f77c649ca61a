import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../dynamic/provider-shell";
import { type GuardInputs, provider } from "./blast-radius-guard.provider";

const guardProvider = dynamicProvider("dns/blast-radius-guard", provider);

/** Refuses a DNS change that removes or replaces more than a third of the stack's records (see the provider). */
export class BlastRadiusGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: GuardInputs, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, args, opts, "cms", "DnsBlastRadiusGuard");
  }
}
