import type { SimCluster } from "../../sim";
import type { TestConfig } from "./engine";

export const SIM_PASSWORD = "Mmp-Test-Pw-7f3k9q";
/** The CMS API password: another string than the MMP one, so that a mix-up of the two config keys fails. */
export const SIM_API_PASSWORD = "Api-Test-Pw-2m8v4r";
/** A simulated node's accounts: `admin` with the MMP password on SSH, with the API password on the API. */
export const SIM_USERS = {
  users: [{ username: "admin", password: SIM_PASSWORD }],
  apiUsers: [{ username: "admin", password: SIM_API_PASSWORD }],
};

/** Stack config for the repo's main program, pointing at simulated nodes; Call Bridges pinned to their own node. */
export function clusterStackConfig(sim: SimCluster, cluster: Record<string, unknown> = {}): TestConfig {
  const body = {
    domain: "tptac9.com",
    nodes: sim.nodes.map((n) => ({
      name: n.name,
      address: n.host,
      sshPort: n.sshPort,
      fqdn: `${n.name}.tptac9.com`,
      hostKeyFingerprint: n.hostKeyFingerprint,
    })),
    callBridges: sim.nodes.map((n) => ({
      name: n.name,
      apiUrl: `https://${n.host}:${n.apiPort}`,
      serverAddress: `${n.host}:5223`,
    })),
    api: { caCertPem: sim.nodes.map((n) => n.apiCertPem).join("") },
    mmp: { timeoutSeconds: 20 },
    verification: { timeoutSeconds: 30 },
    certificates: { source: "offNode" },
    ...cluster,
  };
  return {
    "cms-xmpp-resiliency:cluster": { value: JSON.stringify(body) },
    "cms-xmpp-resiliency:mmpPassword": { value: SIM_PASSWORD, secret: true },
    "cms-xmpp-resiliency:apiPassword": { value: SIM_API_PASSWORD, secret: true },
  };
}
