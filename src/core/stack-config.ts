import { z } from "zod";
import { type CertificatesConfig, certificatesConfigProblems, certificatesConfigSchema } from "./certs/schema";
import { type ClusterConfig, ConfigError, clusterConfigSchema, formatIssues } from "./config";
import { type DnsConfig, dnsConfigSchema } from "./dns/schema";

/** The whole stack config object under `cms-xmpp-resiliency:cluster`, validated before any node is touched. */
export interface StackConfig {
  cluster: ClusterConfig;
  certificates: CertificatesConfig;
  dns: DnsConfig;
}

/**
 * The stack config key `cluster` as written, for the reference docs and the JSON Schema (`npm run docs`).
 * parseStackConfig validates its three parts one by one instead, so that every problem gets its own line.
 */
export const stackConfigSchema = z.strictObject({
  ...clusterConfigSchema.shape,
  certificates: certificatesConfigSchema.prefault({ source: "onNodeCsr" }),
  dns: dnsConfigSchema.prefault({ backend: "none" }),
});

type RawObject = Record<string, unknown>;

function isObject(value: unknown): value is RawObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `tsigSecret` comes from its own secret config key; it is placed into `dns.tsig.secret` before validation so
 * the DNS schema checks it like any other field.
 */
export function parseStackConfig(raw: unknown, tsigSecret?: string): StackConfig {
  if (!isObject(raw)) throw new ConfigError(["cluster: must be a mapping (see stacks/Pulumi.lab.yaml)"]);
  const { certificates: rawCerts, dns: rawDns, ...rawCluster } = raw;
  const dnsInput: RawObject = isObject(rawDns) ? { ...rawDns } : { backend: "none" };
  if (tsigSecret !== undefined && isObject(dnsInput.tsig)) dnsInput.tsig = { ...dnsInput.tsig, secret: tsigSecret };

  const problems: string[] = [];
  const cluster = clusterConfigSchema.safeParse(rawCluster);
  if (!cluster.success) {
    problems.push(...formatIssues(cluster.error, "", clusterConfigSchema, ["certificates", "dns"]));
  }
  const certificates = certificatesConfigSchema.safeParse(rawCerts);
  if (!certificates.success) {
    problems.push(...formatIssues(certificates.error, "certificates.", certificatesConfigSchema));
  }
  const dns = dnsConfigSchema.safeParse(dnsInput);
  if (!dns.success) {
    problems.push(
      ...formatIssues(dns.error, "dns.", dnsConfigSchema).map((p) =>
        p.startsWith("dns.tsig.secret") ? `${p} (set it with \`pulumi config set --secret tsigSecret <base64>\`)` : p,
      ),
    );
  }
  if (cluster.success && certificates.success) {
    const names = cluster.data.nodes.map((n) => n.name);
    problems.push(...certificatesConfigProblems(certificates.data, names).map((p) => `certificates: ${p}`));
  }
  if (cluster.success && dns.success) problems.push(...crossDnsProblems(cluster.data, dns.data));
  if (problems.length > 0 || !cluster.success || !certificates.success || !dns.success) throw new ConfigError(problems);
  return { cluster: cluster.data, certificates: certificates.data, dns: dns.data };
}

function crossDnsProblems(cluster: ClusterConfig, dns: DnsConfig): string[] {
  const problems: string[] = [];
  const names = new Set(cluster.nodes.map((n) => n.name));
  for (const name of dns.clientNodes ?? []) {
    if (!names.has(name)) problems.push(`dns.clientNodes: "${name}" is not one of the nodes`);
  }
  for (const name of Object.keys(dns.srv.perNode ?? {})) {
    if (!names.has(name)) problems.push(`dns.srv.perNode: "${name}" is not one of the nodes`);
  }
  if (dns.zone && !`.${cluster.domain}`.endsWith(`.${dns.zone}`)) {
    problems.push(`dns.zone: ${dns.zone} does not contain the XMPP domain ${cluster.domain}`);
  }
  return problems;
}
