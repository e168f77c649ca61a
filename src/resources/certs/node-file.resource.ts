import * as pulumi from "@pulumi/pulumi";
import type { MmpTargetInput } from "../dynamic/mmp-target";
import { DynamicResource, dynamicProvider } from "../dynamic/provider-shell";
import type { CertificateUpload } from "./certificate-material";
import { type NodeFileInputs, provider } from "./node-file.provider";

const nodeFileProvider = dynamicProvider("certs/node-file", provider);

type Inputs = { [K in keyof NodeFileInputs]: pulumi.Input<NodeFileInputs[K]> };

export function toInputs(mmp: pulumi.Input<MmpTargetInput>, upload: CertificateUpload): Inputs {
  return { mmp, name: upload.name, content: upload.secret ? pulumi.secret(upload.content) : upload.content };
}

/**
 * One file in a node's flat MMP namespace, pushed over SFTP and confirmed with `pki list`. A new name replaces
 * the resource create-before-delete, so the old file is removed only after the cluster has switched to the new one.
 */
export class NodeFile extends DynamicResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly sha256: pulumi.Output<string>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(nodeFileProvider, name, { ...args, sha256: undefined }, opts, "cms", "NodeFile");
  }
}
