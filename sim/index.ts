export type { BridgeStatus } from "./callbridge/call-bridge";
export { type SimCluster, startSimCluster } from "./cluster";
export type { Faults } from "./faults";
export type { SimNode } from "./node";
export {
  BEHAVIOUR_CHOICES,
  DEFAULT_BEHAVIOUR,
  LAYOUTS,
  RICH_LAYOUT,
  type SimBehaviour,
  type SimClusterOptions,
  type SimNodeOptions,
  type SimUser,
  TECHNOTE_LAYOUT,
} from "./options";
export { createCa, issueKeyAndCertificate, type KeyAndCertificate, signCsr } from "./pki/ca";
export { parseCsr } from "./pki/csr";
export type { SimNodeSnapshot } from "./snapshot";
export type { TranscriptEntry } from "./transcript";
