import * as pulumi from "@pulumi/pulumi";
import { type ClusterConfig, initializerOf, type NodeConfig, xmppAddressOf } from "../../core/config";
import type { NodeCertificateFiles } from "../certs/certificate-material";
import type { BridgeApiArgs } from "../dynamic/api-target";
import type { MmpTargetInput } from "../dynamic/mmp-target";
import { DynamicResource, dynamicProvider } from "../dynamic/provider-shell";
import { type ClusterNodeInput, provider, type XmppClusterInputs } from "./xmpp-cluster.provider";

const xmppClusterProvider = dynamicProvider("cluster/xmpp-cluster", provider);

type NodeInputs = { [K in keyof ClusterNodeInput]: pulumi.Input<ClusterNodeInput[K]> };
/**
 * The stack's organization, as the owner marker names it. A program's own unit tests under `setMocks` may name none
 * (Pulumi then throws); the DIY backends' organization is "organization", so that is what such a test sees.
 */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "organization";
  }
}

/** Nodes stay a plain array so that a file name still unknown during preview leaves the rest of the node known. */
type Inputs = Omit<{ [K in keyof XmppClusterInputs]: pulumi.Input<XmppClusterInputs[K]> }, "nodes" | "clockApis"> & {
  nodes: NodeInputs[];
  clockApis?: { node: string; api: BridgeApiArgs }[];
};

/** The node a Call Bridge API runs on: the one whose address or FQDN is the API URL's host. */
function nodeOfApi(cfg: ClusterConfig, apiUrl: string): string | undefined {
  const host = new URL(apiUrl).hostname;
  return cfg.nodes.find((n) => n.address === host || n.fqdn === host)?.name;
}

/** For the clock check: the first Call Bridge API on each node that has one. */
function clockApis(cfg: ClusterConfig, bridgeApis: BridgeApiArgs[]) {
  const byNode = new Map<string, BridgeApiArgs>();
  for (const api of bridgeApis) {
    const node = nodeOfApi(cfg, api.apiUrl);
    if (node && !byNode.has(node)) byNode.set(node, api);
  }
  return [...byNode].map(([node, api]) => ({ node, api }));
}

export function toInputs(
  cfg: ClusterConfig,
  files: NodeCertificateFiles[],
  mmp: (node: NodeConfig) => pulumi.Input<MmpTargetInput>,
  bridgeApis: BridgeApiArgs[] = [],
): Inputs {
  const byNode = new Map(files.map((f) => [f.node, f]));
  const clocks = clockApis(cfg, bridgeApis);
  return {
    domain: cfg.domain,
    initializer: initializerOf(cfg).name,
    listen: cfg.listen,
    callBridges: cfg.callBridges.map((b) => b.name),
    nodes: cfg.nodes.map((n) => {
      const f = byNode.get(n.name) as NodeCertificateFiles;
      return {
        name: n.name,
        xmppAddress: xmppAddressOf(n),
        mmp: mmp(n),
        keyFile: f.keyFile,
        certFile: f.certFile,
        ...(f.bundleFile ? { bundleFile: f.bundleFile } : {}),
        trustBundle: f.trustFile,
      };
    }),
    confirmNodeRemoval: cfg.confirmNodeRemoval,
    // Left out when off, so that stacks made before it see no change.
    ...(cfg.oneNodeAtATime ? { oneNodeAtATime: true } : {}),
    retainOnDelete: cfg.retainOnDelete,
    owner: `${organization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
    takeOwnership: cfg.takeOwnership,
    settleSeconds: cfg.verification.timeoutSeconds,
    restartAfterTrustChange: cfg.restartAfterTrustChange,
    ...(clocks.length > 0 ? { clockApis: clocks } : {}),
  };
}

/** The XMPP cluster across all nodes: settings, Call Bridge secrets, membership. One resource, one concern. */
export class XmppCluster extends DynamicResource {
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
