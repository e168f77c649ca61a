import { firstValue, keyValueLines, optionalValue, parseFlag } from "./key-value";

/**
 * Facts from the `xmpp` status block, whose layout no source shows ([I]). Fields the node did not print stay
 * undefined. For the files, null means the node printed "none".
 */
export interface XmppStatus {
  enabled: boolean | undefined;
  domain: string | undefined;
  listen: string[] | undefined;
  keyFile: string | null | undefined;
  certificateFile: string | null | undefined;
  caBundleFile: string | null | undefined;
  clusterEnabled: boolean | undefined;
  /** Cluster membership as the status block reports it, when it does (it survives `xmpp disable`). */
  clustered: boolean | undefined;
  trustBundle: string | null | undefined;
}

const fileValue = (pairs: [string, string][], key: RegExp): string | null | undefined => {
  const raw = firstValue(pairs, key);
  return raw === undefined ? undefined : (optionalValue(raw) ?? null);
};

export function parseXmppStatus(output: string): XmppStatus {
  const pairs = keyValueLines(output);
  const listen = optionalValue(firstValue(pairs, /^listen(ing)?( interfaces?)?$/));
  return {
    enabled: parseFlag(firstValue(pairs, /^(enabled|xmpp enabled|status)$/)),
    domain: optionalValue(firstValue(pairs, /^domain( name)?$/)),
    listen: listen?.split(/[\s,]+/).filter(Boolean),
    keyFile: fileValue(pairs, /^key file$/),
    certificateFile: fileValue(pairs, /^cert(ificate)? file$/),
    caBundleFile: fileValue(pairs, /^(ca )?bundle file$|^ca bundle$/),
    clusterEnabled: parseFlag(firstValue(pairs, /^(cluster enabled|cluster|clustering)$/)),
    clustered: parseFlag(firstValue(pairs, /^clustered$/)),
    trustBundle: fileValue(pairs, /^(cluster )?trust( bundle)?( file)?$/),
  };
}
