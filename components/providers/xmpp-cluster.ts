import * as pulumi from "@pulumi/pulumi";
import { implementationPath, loadImplementation } from "./load-implementation";
import type { ClusterNodeInput, XmppClusterInputs } from "./xmpp-cluster-impl";

type Impl = typeof import("./xmpp-cluster-impl") & typeof import("./provider-config");
const IMPL = implementationPath("xmpp-cluster-impl");
const CONFIG = implementationPath("provider-config");

const impl = (): Impl => ({ ...loadImplementation(IMPL), ...loadImplementation(CONFIG) }) as Impl;

/** Shell around xmpp-cluster-impl: captures nothing but two relative paths. */
const xmppClusterProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => impl().setProviderConfig(req.config),
  check: (olds, news) => impl().check(olds, news),
  diff: (id, olds, news) => impl().diff(id, olds, news),
  create: (inputs) => impl().create(inputs),
  update: (id, olds, news) => impl().update(id, olds, news),
  delete: (id, props) => impl().remove(id, props),
  read: (id, props) => impl().read(id, props),
};

type NodeInputs = { [K in keyof ClusterNodeInput]: pulumi.Input<ClusterNodeInput[K]> };
/** Nodes stay a plain array so that a file name still unknown during preview leaves the rest of the node known. */
type Inputs = Omit<{ [K in keyof XmppClusterInputs]: pulumi.Input<XmppClusterInputs[K]> }, "nodes"> & {
  nodes: NodeInputs[];
};

/** The XMPP cluster across all nodes: settings, Call Bridge secrets, membership. One resource, one concern. */
export class XmppCluster extends pulumi.dynamic.Resource {
  declare readonly leader: pulumi.Output<string>;
  declare readonly nodeStates: pulumi.Output<Record<string, unknown>>;
  declare readonly secrets: pulumi.Output<Record<string, string>>;
  declare readonly plan: pulumi.Output<Record<string, string[]>>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(
      xmppClusterProvider,
      name,
      { ...args, leader: undefined, nodeStates: undefined, secrets: undefined, plan: undefined },
      { ...opts, additionalSecretOutputs: ["secrets"] },
      "cms",
      "XmppCluster",
    );
  }
}
