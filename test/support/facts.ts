import type { NodeFacts } from "../../src/core/facts";
import type { ClusterStatus } from "../../src/core/parsers/cluster-status";
import type { ClusterIntent } from "../../src/core/plan";

export const LAB = [
  { name: "cb1", xmppAddress: "10.106.81.30" },
  { name: "cb2", xmppAddress: "10.106.81.31" },
  { name: "cb3", xmppAddress: "10.106.81.32" },
];

export function labIntent(overrides: Partial<ClusterIntent> = {}): ClusterIntent {
  return {
    domain: "tptac9.com",
    initializer: "cb1",
    callBridges: ["cb1", "cb2", "cb3"],
    nodes: LAB.map((n) => ({
      ...n,
      listen: ["a"],
      certs: { keyFile: "abhiall.key", certFile: "abhiall.cer", bundleFile: "certall.cer" },
      trustBundle: "xmpp-cluster-bundle.crt",
    })),
    ...overrides,
  };
}

/** `xmpp cluster status` of a node that is in no cluster and has no files configured. */
export const NO_CLUSTER = {
  state: undefined,
  peers: [],
  leader: undefined,
  duplicates: [],
  keyFile: null,
  certificateFile: null,
  trustBundle: null,
} as const satisfies ClusterStatus;

export function blankFacts(node: string): NodeFacts {
  return {
    node,
    version: { major: 2, minor: 9, patch: 8, text: "2.9.8" },
    xmpp: {
      enabled: false,
      domain: undefined,
      listen: undefined,
      keyFile: undefined,
      certificateFile: undefined,
      caBundleFile: undefined,
      clusterEnabled: false,
      clustered: false,
      trustBundle: undefined,
    },
    callBridges: [],
    cluster: NO_CLUSTER,
  };
}

export const SECRETS: Record<string, string> = {
  cb1: "kvgP1SRzWVabhiPVAb1",
  cb2: "uBiLLdIU8vVqj86CAb1",
  cb3: "RJTmSh4smhLYguGpAb1",
};

/** Facts of a node in the converged seed lab: configured, clustered behind cb1, holding all three secrets. */
export function convergedFacts(node: string, leader = "10.106.81.30"): NodeFacts {
  return {
    node,
    version: { major: 2, minor: 9, patch: 8, text: "2.9.8" },
    xmpp: {
      enabled: true,
      domain: "tptac9.com",
      listen: ["a"],
      keyFile: "abhiall.key",
      certificateFile: "abhiall.cer",
      caBundleFile: "certall.cer",
      clusterEnabled: true,
      clustered: true,
      trustBundle: "xmpp-cluster-bundle.crt",
    },
    callBridges: ["cb1", "cb2", "cb3"].map((name) => ({ name, domain: "tptac9.com", secret: SECRETS[name] })),
    cluster: {
      state: LAB.find((n) => n.name === node)?.xmppAddress === leader ? "LEADER" : "FOLLOWER",
      peers: LAB.map((n) => ({ address: n.xmppAddress, port: 5222, leader: n.xmppAddress === leader })),
      leader: `${leader}:5222`,
      duplicates: [],
      keyFile: "abhiall.key",
      certificateFile: "abhiall.cer",
      trustBundle: "xmpp-cluster-bundle.crt",
    },
  };
}

export function convergedLab(): Record<string, NodeFacts> {
  return Object.fromEntries(LAB.map((n) => [n.name, convergedFacts(n.name)]));
}
