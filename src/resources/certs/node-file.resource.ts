import * as pulumi from "@pulumi/pulumi";
import { providerShell } from "../dynamic/provider-shell";
import type { NodeFileInputs } from "./node-file.provider";

const nodeFileProvider = providerShell("components/providers/node-file-impl", [
  "diff",
  "create",
  "update",
  "delete",
  "read",
]);

type Inputs = { [K in keyof NodeFileInputs]: pulumi.Input<NodeFileInputs[K]> };

/**
 * One file in a node's flat MMP namespace, pushed over SFTP and confirmed with `pki list`. A new name replaces
 * the resource create-before-delete, so the old file is removed only after the cluster has switched to the new one.
 */
export class NodeFile extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly sha256: pulumi.Output<string>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(nodeFileProvider, name, { ...args, sha256: undefined }, opts, "cms", "NodeFile");
  }
}
