/** A node as the certificates see it. */
export interface NamedNode {
  name: string;
  fqdn: string;
}

/**
 * The DNS subjectAltNames a certificate must carry, the XMPP domain first: for one node's own certificate the domain
 * and that node's FQDN only, so adding or removing another node leaves it alone; for the `shared` certificate the
 * domain and every node's FQDN, in node order, so a new node needs a new shared certificate.
 */
export function requiredNames(domain: string, nodes: NamedNode[], unit: string): string[] {
  const fqdns = unit === "shared" ? nodes.map((n) => n.fqdn) : nodes.filter((n) => n.name === unit).map((n) => n.fqdn);
  if (unit !== "shared" && fqdns.length === 0) throw new Error(`no node named "${unit}"`);
  const names = [domain, ...fqdns];
  return names.filter((name, i) => names.findIndex((o) => o.toLowerCase() === name.toLowerCase()) === i);
}

/** True when `carried` holds every name of `wanted` (DNS names compare case-insensitively). */
export function coversNames(carried: readonly string[], wanted: readonly string[]): boolean {
  const have = new Set(carried.map((n) => n.toLowerCase()));
  return wanted.every((n) => have.has(n.toLowerCase()));
}
