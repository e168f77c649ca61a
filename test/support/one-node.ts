import { type SimCluster, startSimCluster } from "../../sim";
import type { MmpTargetInput } from "../../src/resources/dynamic/mmp-target";
import { setProviderConfig } from "../../src/resources/dynamic/provider-config";
import { loopbackSubnet } from "../sim-support/loopback-net";

/**
 * One simulated CMS node (cb1) for a provider's tests without the engine: the MMP input a resource would get for
 * it, with the provider config holding its password (`admin`) under the key the input names.
 */
export async function startOneNode(): Promise<{ sim: SimCluster; mmp: MmpTargetInput }> {
  const sim = await startSimCluster({ nodes: [{ name: "cb1", host: `${loopbackSubnet()}.1` }] });
  const node = sim.node("cb1");
  setProviderConfig({ get: (key) => (key === "proj:mmpPassword" ? "admin" : undefined) });
  const mmp = {
    node: "cb1",
    host: node.host,
    port: node.sshPort,
    username: "admin",
    passwordKey: "proj:mmpPassword",
    hostKeyFingerprint: node.hostKeyFingerprint,
    trustOnFirstUse: false,
    timeoutSeconds: 10,
  };
  return { sim, mmp };
}
