// The package's public API: `require("cms-xmpp-resiliency")`.

export type { CertificatesConfig } from "./core/certs/schema";
export { type ClusterConfig, ConfigError, parseClusterConfig } from "./core/config";
export type { DnsConfig } from "./core/dns/schema";
export { parseStackConfig, type StackConfig } from "./core/stack-config";
export type {
  ByoMaterialArgs,
  CertificatesArgs,
  ClusterArgs,
  DnsArgs,
  NodeArgs,
} from "./resources/cluster/later-inputs";
export { XmppResilientCluster, type XmppResilientClusterArgs } from "./resources/cluster/xmpp-resilient-cluster";
export { XmppDnsRecords, type XmppDnsRecordsArgs } from "./resources/dns/xmpp-dns-records";
