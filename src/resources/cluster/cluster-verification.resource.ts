import * as pulumi from "@pulumi/pulumi";
import { type ClusterConfig, type NodeConfig, xmppAddressOf } from "../../core/config";
import type { BridgeApiArgs } from "../dynamic/api-target";
import type { MmpTargetInput } from "../dynamic/mmp-target";
import { DynamicResource, dynamicProvider } from "../dynamic/provider-shell";
import { type ClusterVerificationInputs, provider } from "./cluster-verification.provider";

const clusterVerificationProvider = dynamicProvider("cluster/cluster-verification", provider);

type Inputs = { [K in keyof ClusterVerificationInputs]: pulumi.Input<ClusterVerificationInputs[K]> };

export function toInputs(
  cfg: ClusterConfig,
  mmp: (node: NodeConfig) => pulumi.Input<MmpTargetInput>,
  bridgeApis: BridgeApiArgs[],
  revision: pulumi.Input<string>,
  dns: ClusterVerificationInputs["dns"] | undefined,
): Inputs {
  return {
    nodes: pulumi.output(cfg.nodes.map((n) => ({ name: n.name, xmppAddress: xmppAddressOf(n), mmp: mmp(n) }))),
    callBridges: cfg.callBridges.map((b) => b.name),
    bridgeApis: pulumi.output(bridgeApis),
    timeoutSeconds: cfg.verification.timeoutSeconds,
    revision,
    ...(dns ? { dns } : {}),
    // Left out when off, so that stacks made before it see no change.
    ...(cfg.oneNodeAtATime ? { oneNodeAtATime: true } : {}),
  };
}

/** Post-apply checks: one agreed leader, exact peer lists, identical secrets, every Call Bridge connected. */
export class ClusterVerification extends DynamicResource {
  declare readonly findings: pulumi.Output<string[]>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(clusterVerificationProvider, name, { ...args, findings: undefined }, opts, "cms", "ClusterVerification");
  }
}
