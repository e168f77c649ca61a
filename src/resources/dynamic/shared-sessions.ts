import { MmpSessionPool } from "../../clients/mmp/pool";
import type { MmpSession, MmpTarget } from "../../clients/mmp/session";

/**
 * Every dynamic resource of one engine operation runs in the same provider process: they share one SSH connection
 * per node (the certificate files, the CSRs, the cluster and its verification). An idle connection closes after 2 minutes.
 */
const pool = new MmpSessionPool(120_000);

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
