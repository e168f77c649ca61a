import { firstValue, keyValueLines, optionalValue, parseFlag } from "./key-value";

/** Facts from the `xmpp` status block. Fields the node did not print stay undefined. */
export interface XmppStatus {
  enabled: boolean | undefined;
  domain: string | undefined;
  listen: string[] | undefined;
  keyFile: string | undefined;
  certificateFile: string | undefined;
  caBundleFile: string | undefined;
  clusterEnabled: boolean | undefined;
  /** Cluster membership as the status block reports it, when it does (it survives `xmpp disable`). */
  clustered: boolean | undefined;
  trustBundle: string | undefined;
}

export function parseXmppStatus(output: string): XmppStatus {
  const pairs = keyValueLines(output);
  const listen = optionalValue(firstValue(pairs, /^listen(ing)?( interfaces?)?$/));
  return {
    enabled: parseFlag(firstValue(pairs, /^(enabled|xmpp enabled|status)$/)),
    domain: optionalValue(firstValue(pairs, /^domain( name)?$/)),
    listen: listen?.split(/[\s,]+/).filter(Boolean),
    keyFile: optionalValue(firstValue(pairs, /^key file$/)),
    certificateFile: optionalValue(firstValue(pairs, /^cert(ificate)? file$/)),
    caBundleFile: optionalValue(firstValue(pairs, /^(ca )?bundle file$|^ca bundle$/)),
    clusterEnabled: parseFlag(firstValue(pairs, /^(cluster enabled|cluster|clustering)$/)),
    clustered: parseFlag(firstValue(pairs, /^clustered$/)),
    trustBundle: optionalValue(firstValue(pairs, /^(cluster )?trust( bundle)?( file)?$/)),
  };
}
