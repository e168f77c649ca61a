import type { RecordSet } from "./records";

export interface BlastRadius {
  /** Records the stack has now. */
  existing: number;
  /** Of those, the ones the change deletes or replaces (a new TTL replaces a record). */
  removed: string[];
}

/** Records (one per value) that `current` has and `wanted` does not have with the same TTL. */
export function blastRadius(current: RecordSet[], wanted: RecordSet[]): BlastRadius {
  const kept = new Set(wanted.flatMap(recordLines));
  const existing = current.flatMap(recordLines);
  return { existing: existing.length, removed: existing.filter((line) => !kept.has(line)) };
}

/**
 * Refuses a change that deletes or replaces more than a third of the stack's records, unless allowed
 * (OctoDNS guards the same way). Returns the refusal, or undefined when the change may go ahead.
 */
export function blastRadiusRefusal(
  current: RecordSet[],
  wanted: RecordSet[],
  allowLargeChanges: boolean,
): string | undefined {
  const { existing, removed } = blastRadius(current, wanted);
  if (allowLargeChanges || removed.length * 3 <= existing) return undefined;
  const shown = removed.slice(0, 10).map((line) => `\n  - ${line}`);
  const more = removed.length > 10 ? `\n  … and ${removed.length - 10} more` : "";
  return (
    `this change deletes or replaces ${removed.length} of the stack's ${existing} DNS records, more than a third:` +
    `${shown.join("")}${more}\nIf that is intended, set dns.allowLargeChanges: true for this run. Nothing was changed.`
  );
}

function recordLines(set: RecordSet): string[] {
  return set.values.map((value) => `${set.name} ${set.ttl} ${set.type} ${value}`);
}
