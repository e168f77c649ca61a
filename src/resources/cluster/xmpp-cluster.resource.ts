import * as pulumi from "@pulumi/pulumi";
import { providerShell } from "../dynamic/provider-shell";
import type { ClusterNodeInput, XmppClusterInputs } from "./xmpp-cluster.provider";

const xmppClusterProvider = providerShell("components/providers/xmpp-cluster-impl", [
  "check",
  "diff",
  "create",
  "update",
  "delete",
  "read",
]);

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
  declare readonly notices: pulumi.Output<string[]>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(
      xmppClusterProvider,
      name,
      {
        ...args,
        leader: undefined,
        nodeStates: undefined,
        secrets: undefined,
        plan: undefined,
        members: undefined,
        notices: undefined,
      },
      { ...opts, additionalSecretOutputs: ["secrets"] },
      "cms",
      "XmppCluster",
    );
  }
}
