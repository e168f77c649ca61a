import * as pulumi from "@pulumi/pulumi";
import { providerShell } from "../dynamic/provider-shell";
import type { NodeCsrInputs } from "./node-csr.provider";

const nodeCsrProvider = providerShell("components/certs/on-node-csr-impl", [
  "check",
  "diff",
  "create",
  "update",
  "delete",
  "read",
]);

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
