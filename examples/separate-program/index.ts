// A user's own Pulumi program: the cluster is one component from the package. Set the config with
//   pulumi config set --path 'nodes[0].name' cb1 ... (or paste a YAML mapping, see README "Using the package")
//   pulumi config set --secret mmpPassword <the MMP admin password>
import * as pulumi from "@pulumi/pulumi";
import { XmppResilientCluster, type XmppResilientClusterArgs } from "cms-xmpp-resiliency";

const config = new pulumi.Config();

const xmpp = new XmppResilientCluster("xmpp", {
  cluster: config.requireObject<XmppResilientClusterArgs["cluster"]>("cluster"),
  certificates: { source: "onNodeCsr" },
});

export const leader = xmpp.leader;
export const findings = xmpp.findings;
