import type { Finding } from "../../src/core/verify";
import { type VerifyRequest, verifyClusterOutcome } from "../../src/engine/verify-cluster";

/** The findings of one verification run. */
export async function verifyCluster(req: VerifyRequest): Promise<Finding[]> {
  return (await verifyClusterOutcome(req)).findings;
}
