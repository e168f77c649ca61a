export interface CallBridgeEntry {
  name: string;
  domain: string | undefined;
  secret: string | undefined;
}

/**
 * Parses `xmpp callbridge list`: blocks of `Callbridge : <name>`, `Domain : <domain>`, `Secret : <secret>`,
 * separated by lines of asterisks. Every `Callbridge` line starts a new entry.
 */
export function parseCallBridgeList(output: string): CallBridgeEntry[] {
  const entries: CallBridgeEntry[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = line.match(/^\s*(callbridge|call bridge|domain|secret)\s*:\s*(\S*)\s*$/i);
    if (!match) continue;
    const key = match[1].toLowerCase().replace(" ", "");
    const value = match[2];
    if (key === "callbridge") entries.push({ name: value, domain: undefined, secret: undefined });
    else if (entries.length > 0) {
      const current = entries[entries.length - 1];
      if (key === "domain") current.domain = value || undefined;
      else current.secret = value || undefined;
    }
  }
  return entries;
}
