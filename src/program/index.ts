// The stack program: the stack config `cluster` (with its `certificates` and `dns`) and `tsigSecret` become one
// XmppResilientCluster, which validates them before any resource exists.
import * as pulumi from "@pulumi/pulumi";
import { XmppResilientCluster } from "../resources/cluster/xmpp-resilient-cluster";

const key = (name: string) => `${pulumi.getProject()}:${name}`;
const raw = pulumi.runtime.getConfig(key("cluster"));
if (!raw) throw new pulumi.RunError(`stack config "cluster" is missing: copy stacks/Pulumi.lab.yaml as a start`);
const { certificates, dns, ...cluster } = JSON.parse(raw);

const xmpp = new XmppResilientCluster("xmpp", {
  cluster,
  certificates,
  dns,
  tsigSecret: pulumi.runtime.getConfig(key("tsigSecret")),
});

export const leader = xmpp.leader;
export const nodes = xmpp.nodeStates;
export const callBridgeSecrets = xmpp.callBridgeSecrets;
export const pendingPlan = xmpp.plan;
export const certificateExpiry = xmpp.certificateExpiry;
export const verificationFindings = xmpp.findings;
export const dnsRecords = xmpp.dnsRecords;
