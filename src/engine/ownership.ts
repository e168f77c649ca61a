import { MmpError } from "../clients/mmp/errors";
import {
  conflictDetail,
  type NodeOwner,
  nodesToClaim,
  OWNER_FILE,
  ownershipConflicts,
  parseMarker,
  renderMarker,
} from "../core/ownership";
import type { NodeSessions } from "./sessions";

/** The stack that runs this operation, and whether it may take nodes over from another stack. */
export interface Ownership {
  stack: string;
  takeOver: boolean;
}

/** Reads each node's owner marker over SFTP (one listing and, when present, one download per node). */
export async function readOwners(sessions: NodeSessions, nodes: string[]): Promise<Record<string, NodeOwner>> {
  const entries = await sessions.each(nodes, async (node): Promise<[string, NodeOwner]> => {
    const session = sessions.get(node);
    if (!(await session.list()).includes(OWNER_FILE)) return [node, { kind: "none" }];
    return [node, parseMarker((await session.download(OWNER_FILE)).toString("utf8"))];
  });
  return Object.fromEntries(entries);
}

/** The refusal when another stack holds one of the nodes and this one may not take it over. */
export function ownershipError(ownership: Ownership, owners: Record<string, NodeOwner>): MmpError | undefined {
  if (ownership.takeOver) return undefined;
  const conflicts = ownershipConflicts(ownership.stack, owners);
  if (conflicts.length === 0) return undefined;
  const holders = [...new Set(conflicts.map((c) => c.holder).filter((h) => h !== undefined))];
  const release = holders.length
    ? `run \`pulumi destroy\` on stack ${holders.map((h) => `"${h}"`).join(", ")} to release ${conflicts.length > 1 ? "them" : "it"}, or `
    : "";
  return new MmpError(
    conflicts.map((c) => c.node).join(", "),
    "check ownership",
    `${conflictDetail(conflicts)}; nothing was changed on any node`,
    `${release}set \`takeOwnership: true\` in this stack's cluster config to take ${conflicts.length > 1 ? "them" : "it"} over (${OWNER_FILE} in the node's SFTP root)`,
  );
}

/** Writes this stack's marker on every node that does not hold it yet. */
export async function claimNodes(
  sessions: NodeSessions,
  ownership: Ownership,
  owners: Record<string, NodeOwner>,
  now = new Date(),
): Promise<string[]> {
  const nodes = nodesToClaim(ownership.stack, owners);
  const marker = renderMarker({ stack: ownership.stack, since: now.toISOString() });
  await sessions.each(nodes, (node) => sessions.get(node).upload(OWNER_FILE, marker));
  return nodes;
}

/** Removes this stack's marker from the nodes that hold it (another stack's is left alone). */
export async function releaseNodes(sessions: NodeSessions, stack: string, nodes: string[]): Promise<void> {
  const owners = await readOwners(sessions, nodes);
  const held = Object.entries(owners).filter(([, o]) => o.kind === "marker" && o.marker.stack === stack);
  await sessions.each(
    held.map(([node]) => node),
    (node) => sessions.get(node).remove(OWNER_FILE),
  );
}
