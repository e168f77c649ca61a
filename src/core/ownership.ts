/**
 * Which stack manages a node, as a small file in the node's SFTP root (as k0sctl keeps a lock on its hosts): two
 * stacks pointed at the same nodes would undo each other's changes and reset each other's cluster on destroy.
 */
export const OWNER_FILE = "cms-xmpp-resiliency.owner";

export interface OwnerMarker {
  /** `<organization>/<project>/<stack>`. */
  stack: string;
  /** When the stack claimed the node (ISO 8601). */
  since: string;
}

/** What a node holds: no marker, a marker, or a file of that name this tool cannot read. */
export type NodeOwner = { kind: "none" } | { kind: "marker"; marker: OwnerMarker } | { kind: "unreadable" };

export function renderMarker(marker: OwnerMarker): string {
  return `${JSON.stringify({ stack: marker.stack, since: marker.since })}\n`;
}

export function parseMarker(text: string): NodeOwner {
  try {
    const value = JSON.parse(text) as Partial<OwnerMarker>;
    if (typeof value.stack === "string" && value.stack !== "" && typeof value.since === "string") {
      return { kind: "marker", marker: { stack: value.stack, since: value.since } };
    }
  } catch {
    // Not ours, or damaged: as foreign as another stack's marker.
  }
  return { kind: "unreadable" };
}

export interface OwnershipConflict {
  node: string;
  /** The other stack, or undefined when the file could not be read. */
  holder: string | undefined;
  since: string | undefined;
}

/** The nodes another stack (or an unreadable marker) holds. */
export function ownershipConflicts(stack: string, owners: Record<string, NodeOwner>): OwnershipConflict[] {
  return Object.entries(owners).flatMap(([node, owner]): OwnershipConflict[] => {
    if (owner.kind === "none") return [];
    if (owner.kind === "unreadable") return [{ node, holder: undefined, since: undefined }];
    return owner.marker.stack === stack ? [] : [{ node, holder: owner.marker.stack, since: owner.marker.since }];
  });
}

/** The nodes whose marker must be written for `stack` to hold them all (none, or another's when taking over). */
export function nodesToClaim(stack: string, owners: Record<string, NodeOwner>): string[] {
  return Object.entries(owners)
    .filter(([, owner]) => owner.kind !== "marker" || owner.marker.stack !== stack)
    .map(([node]) => node);
}

export function conflictDetail(conflicts: OwnershipConflict[]): string {
  return conflicts
    .map((c) =>
      c.holder === undefined
        ? `${c.node} holds a ${OWNER_FILE} file this tool cannot read`
        : `${c.node} is managed by stack "${c.holder}" (since ${c.since})`,
    )
    .join("; ");
}
