import * as pulumi from "@pulumi/pulumi";
import type { RecordSet } from "../../core/dns/records";
import type { DnsConfig } from "../../core/dns/schema";
import { DynamicResource, dynamicProvider } from "../dynamic/provider-shell";
import { type GuardInputs, type KeyCheck, provider } from "./blast-radius-guard.provider";

const guardProvider = dynamicProvider("dns/blast-radius-guard", provider);

export type GuardArgs = Omit<GuardInputs, "tsigSecret"> & { tsigSecret?: pulumi.Input<string> };

/** With `backend: rfc2136` the guard also proves the TSIG key (a secret input) before any record set is written. */
export function toInputs(recordSets: RecordSet[], dns: DnsConfig, tsigSecret?: pulumi.Input<string>): GuardArgs {
  const inputs: GuardArgs = { recordSets, allowLargeChanges: dns.allowLargeChanges };
  if (dns.backend !== "rfc2136") return inputs;
  const secret = tsigSecret ?? dns.tsig.secret;
  if (secret === undefined) return inputs;
  const keyCheck: KeyCheck = {
    server: dns.server,
    zone: dns.zone,
    keyName: dns.tsig.name,
    algorithm: dns.tsig.algorithm,
    timeoutSeconds: dns.timeoutSeconds,
  };
  return { ...inputs, keyCheck, tsigSecret: pulumi.secret(secret) };
}

/** Refuses a DNS change that removes or replaces more than a third of the stack's records (see the provider). */
export class BlastRadiusGuard extends DynamicResource {
  constructor(name: string, args: GuardArgs, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, args, opts, "cms", "DnsBlastRadiusGuard");
  }
}
