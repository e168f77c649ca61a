import * as pulumi from "@pulumi/pulumi";
import { implementationPath, loadImplementation } from "../providers/load-implementation";
import type { NodeCsrInputs } from "./on-node-csr-impl";

type Impl = typeof import("./on-node-csr-impl") & typeof import("../providers/provider-config");
const IMPL = implementationPath("../certs/on-node-csr-impl");
const CONFIG = implementationPath("provider-config");

const impl = (): Impl => ({ ...loadImplementation(IMPL), ...loadImplementation(CONFIG) }) as Impl;

/** Shell around on-node-csr-impl: captures nothing but two relative paths. */
const nodeCsrProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => impl().setProviderConfig(req.config),
  check: (olds, news) => impl().check(olds, news),
  diff: (id, olds, news) => impl().diff(id, olds, news),
  create: (inputs) => impl().create(inputs),
  update: (id, olds, news) => impl().update(id, olds, news),
  delete: (id, props) => impl().remove(id, props),
  read: (id, props) => impl().read(id, props),
};

type Inputs = { [K in keyof NodeCsrInputs]: pulumi.Input<NodeCsrInputs[K]> };

/**
 * `pki csr` on a node: the key is generated there and stays there. Outputs the CSR for signing; `keyPem` (a secret)
 * only with `exportKey`, for a certificate shared by all nodes.
 */
export class NodeCsr extends pulumi.dynamic.Resource {
  declare readonly keyFile: pulumi.Output<string>;
  declare readonly csrFile: pulumi.Output<string>;
  declare readonly certRequestPem: pulumi.Output<string>;
  declare readonly keyPem: pulumi.Output<string | undefined>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(
      nodeCsrProvider,
      name,
      { ...args, keyFile: undefined, csrFile: undefined, certRequestPem: undefined, keyPem: undefined },
      { ...opts, additionalSecretOutputs: ["keyPem"] },
      "cms",
      "NodeCsr",
    );
  }
}
