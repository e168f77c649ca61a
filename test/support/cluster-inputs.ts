import type { XmppClusterInputs } from "../../src/resources/cluster/xmpp-cluster.provider";
import type { SimLab } from "./sim-lab";

/** The provider config key the inputs name for the MMP password. */
export const PASSWORD_KEY = "cms-xmpp-resiliency:mmpPassword";

/** XmppCluster inputs for the lab's three nodes, as the component would pass them (3 s MMP timeout). */
export function clusterInputs(lab: SimLab, overrides: Partial<XmppClusterInputs> = {}): XmppClusterInputs {
  return {
    domain: lab.domain,
    initializer: "cb1",
    listen: ["a"],
    callBridges: ["cb1", "cb2", "cb3"],
    nodes: lab.sim.nodes.map((n) => ({
      name: n.name,
      xmppAddress: n.host,
      mmp: {
        node: n.name,
        host: n.host,
        port: n.sshPort,
        username: "admin",
        passwordKey: PASSWORD_KEY,
        hostKeyFingerprint: n.hostKeyFingerprint,
        trustOnFirstUse: false,
        timeoutSeconds: 3,
      },
      keyFile: "xmpp.key",
      certFile: "xmpp.cer",
      bundleFile: "xmpp-ca.cer",
      trustBundle: "xmpp.cer",
    })),
    confirmNodeRemoval: false,
    retainOnDelete: false,
    settleSeconds: 10,
    ...overrides,
  };
}
