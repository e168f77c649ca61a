import { MmpSessionPool } from "../../clients/mmp/pool";
import type { MmpSession, MmpTarget } from "../../clients/mmp/session";

/**
 * Every dynamic resource of one engine operation runs in the same provider process: they share one SSH connection
 * per node (the certificate files, the CSRs, the cluster and its verification). An idle connection closes after 2 minutes.
 */
const pool = new MmpSessionPool(120_000);

/**
 * How old a read on a shared connection may be for another resource of the same operation to take it as it is
 * (the cluster's update and the verification's first look take what the cluster's check read), provided nothing ran
 * on the connection since that could have changed it. What a step depends on is read again before it runs.
 */
export const REUSE_READS_WITHIN_MS = 60_000;

export function connectShared(target: MmpTarget): Promise<MmpSession> {
  return pool.lease(target);
}

/** Runs `fn` with a lease on the node's shared connection, given back afterwards. */
export async function withSharedSession<T>(target: MmpTarget, fn: (session: MmpSession) => Promise<T>): Promise<T> {
  const session = await pool.lease(target);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}
