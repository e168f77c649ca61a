import * as pulumi from "@pulumi/pulumi";
import { ConfigError, xmppAddressOf } from "../core/config";
import { parseStackConfig } from "../core/stack-config";
import { XmppResilientCluster } from "../resources/cluster/xmpp-resilient-cluster";
import { XmppDnsRecords } from "../resources/dns/xmpp-dns-records";

const project = pulumi.getProject();
const config = new pulumi.Config();
const key = (name: string) => `${project}:${name}`;

// Validated in full before any resource exists, so bad input never reaches a node.
const raw = pulumi.runtime.getConfig(key("cluster"));
if (!raw) throw new pulumi.RunError(`stack config "cluster" is missing: copy stacks/Pulumi.lab.yaml as a start`);
const stack = (() => {
  try {
    return parseStackConfig(JSON.parse(raw), pulumi.runtime.getConfig(key("tsigSecret")));
  } catch (err) {
    throw err instanceof ConfigError ? new pulumi.RunError(err.message) : err;
  }
})();
config.requireSecret("mmpPassword");
if (stack.cluster.callBridges.some((b) => b.apiUrl)) config.requireSecret("apiPassword");

const dns =
  stack.dns.backend === "none"
    ? undefined
    : new XmppDnsRecords("xmpp-dns", {
        domain: stack.cluster.domain,
        nodes: stack.cluster.nodes.map((n) => ({ name: n.name, fqdn: n.fqdn, address: xmppAddressOf(n) })),
        dns: stack.dns,
      });

const cluster = new XmppResilientCluster("xmpp", {
  cluster: stack.cluster,
  certificates: stack.certificates,
  secretKeys: { mmpPassword: key("mmpPassword"), apiPassword: key("apiPassword") },
  callBridgesDependOn: dns?.resources,
  dnsCheck:
    dns && stack.dns.backend === "rfc2136"
      ? { domain: stack.cluster.domain, server: stack.dns.server, expected: dns.recordSets }
      : undefined,
});

export const leader = cluster.leader;
export const nodes = cluster.nodeStates;
export const callBridgeSecrets = cluster.callBridgeSecrets;
export const pendingPlan = cluster.plan;
export const certificateExpiry = cluster.certificateExpiry;
export const verificationFindings = cluster.findings;
export const dnsRecords = dns?.zoneFileLines;
