import * as pulumi from "@pulumi/pulumi";
import { providerShell } from "../dynamic/provider-shell";
import type { ClusterVerificationInputs } from "./cluster-verification.provider";

const clusterVerificationProvider = providerShell("components/providers/cluster-verification-impl", [
  "diff",
  "create",
  "update",
  "read",
]);

type Inputs = { [K in keyof ClusterVerificationInputs]: pulumi.Input<ClusterVerificationInputs[K]> };

/** Post-apply checks: one agreed leader, exact peer lists, identical secrets, every Call Bridge connected. */
export class ClusterVerification extends pulumi.dynamic.Resource {
  declare readonly findings: pulumi.Output<string[]>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(clusterVerificationProvider, name, { ...args, findings: undefined }, opts, "cms", "ClusterVerification");
  }
}
