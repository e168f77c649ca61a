import * as pulumi from "@pulumi/pulumi";
import type { ClusterVerificationInputs } from "./cluster-verification-impl";
import { implementationPath, loadImplementation } from "./load-implementation";

type Impl = typeof import("./cluster-verification-impl") & typeof import("./provider-config");
const IMPL = implementationPath("cluster-verification-impl");
const CONFIG = implementationPath("provider-config");

const impl = (): Impl => ({ ...loadImplementation(IMPL), ...loadImplementation(CONFIG) }) as Impl;

const clusterVerificationProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => impl().setProviderConfig(req.config),
  diff: (id, olds, news) => impl().diff(id, olds, news),
  create: (inputs) => impl().create(inputs),
  update: (id, olds, news) => impl().update(id, olds, news),
  read: (id, props) => impl().read(id, props),
};

type Inputs = { [K in keyof ClusterVerificationInputs]: pulumi.Input<ClusterVerificationInputs[K]> };

/** Post-apply checks: one agreed leader, exact peer lists, identical secrets, every Call Bridge connected. */
export class ClusterVerification extends pulumi.dynamic.Resource {
  declare readonly findings: pulumi.Output<string[]>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(clusterVerificationProvider, name, { ...args, findings: undefined }, opts, "cms", "ClusterVerification");
  }
}
