import type * as pulumi from "@pulumi/pulumi";
import type { CertificateSubject } from "../../core/certs/csr-command";
import { requiredNames } from "../../core/certs/names";
import { DynamicResource, dynamicProvider } from "../dynamic/provider-shell";
import type { CertificateNode } from "./certificate-material";
import { type NodeCsrInputs, provider } from "./node-csr.provider";

const nodeCsrProvider = dynamicProvider("certs/node-csr", provider);

type Inputs = { [K in keyof NodeCsrInputs]: pulumi.Input<NodeCsrInputs[K]> };

/** The CSR for one certificate unit (a node, or `shared`), made on `holder`, naming every name the unit needs. */
export function toInputs(
  domain: string,
  nodes: CertificateNode[],
  holder: CertificateNode,
  unit: string,
  request: { subject: CertificateSubject; exportKey: boolean },
): Inputs {
  return {
    node: holder.name,
    unit,
    mmp: holder.mmp,
    commonName: domain,
    subjectAltNames: requiredNames(domain, nodes, unit),
    subject: request.subject,
    exportKey: request.exportKey,
  };
}

/**
 * `pki csr` on a node: the key is generated there and stays there. Outputs the CSR for signing; `keyPem` (a secret)
 * only with `exportKey`, for a certificate shared by all nodes.
 */
export class NodeCsr extends DynamicResource {
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
