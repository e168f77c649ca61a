import * as pulumi from "@pulumi/pulumi";
import { implementationPath, loadImplementation } from "./load-implementation";
import type { NodeFileInputs } from "./node-file-impl";

type Impl = typeof import("./node-file-impl") & typeof import("./provider-config");
const IMPL = implementationPath("node-file-impl");
const CONFIG = implementationPath("provider-config");

const impl = (): Impl => ({ ...loadImplementation(IMPL), ...loadImplementation(CONFIG) }) as Impl;

const nodeFileProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => impl().setProviderConfig(req.config),
  diff: (id, olds, news) => impl().diff(id, olds, news),
  create: (inputs) => impl().create(inputs),
  update: (id, olds, news) => impl().update(id, olds, news),
  delete: (id, props) => impl().remove(id, props),
  read: (id, props) => impl().read(id, props),
};

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
