import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { expiryWarning } from "../../core/certs/expiry";
import type { CertificatesConfig } from "../../core/certs/schema";
import { type ClusterConfig, configWarnings, initializerOf, type NodeConfig, xmppAddressOf } from "../../core/config";
import { certificateMaterial, type NodeCertificateFiles } from "../certs/certificate-material";
import { NodeFile } from "../certs/node-file.resource";
import type { MmpTargetInput } from "../dynamic/mmp-target";
import { CallBridgeXmppSettings } from "./callbridge-settings.resource";
import type { ClusterVerificationInputs } from "./cluster-verification.provider";
import { ClusterVerification } from "./cluster-verification.resource";
import { XmppCluster } from "./xmpp-cluster.resource";

export interface XmppResilientClusterArgs {
  /** Validated with parseClusterConfig before this component is built. */
  cluster: ClusterConfig;
  certificates: CertificatesConfig;
  /** Full stack-config keys of the secrets the providers read in `configure`; values never enter state. */
  secretKeys: { mmpPassword: string; apiPassword: string };
  /** Resources the Call Bridges must wait for, e.g. the DNS records they resolve. */
  callBridgesDependOn?: pulumi.Input<pulumi.Resource>[];
  /** Where verification resolves the cluster's SRV and A records (when the stack writes them to a server). */
  dnsCheck?: ClusterVerificationInputs["dns"];
}

/**
 * Cisco Meeting Server 2.x XMPP resiliency: certificates on every node, the XMPP cluster (initializer first,
 * then joiners), each Call Bridge pointed at the cluster, and verification after every change.
 */
export class XmppResilientCluster extends pulumi.ComponentResource {
  readonly leader: pulumi.Output<string>;
  readonly nodeStates: pulumi.Output<Record<string, unknown>>;
  readonly callBridgeSecrets: pulumi.Output<Record<string, string>>;
  readonly plan: pulumi.Output<Record<string, string[]>>;
  readonly certificateExpiry: pulumi.Output<{ node: string; notAfter: string; daysLeft: number }[]>;
  readonly findings: pulumi.Output<string[]>;

  constructor(name: string, args: XmppResilientClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cms:xmpp:XmppResilientCluster", name, {}, opts);
    const cfg = args.cluster;
    for (const warning of configWarnings(cfg)) pulumi.log.warn(warning, this);

    const mmp = (node: NodeConfig): MmpTargetInput => ({
      node: node.name,
      host: node.address,
      port: node.sshPort,
      username: cfg.mmp.username,
      passwordKey: args.secretKeys.mmpPassword,
      hostKeyFingerprint: node.hostKeyFingerprint,
      trustOnFirstUse: cfg.mmp.trustOnFirstUse,
      timeoutSeconds: cfg.mmp.timeoutSeconds,
    });

    const material = certificateMaterial(
      name,
      {
        domain: cfg.domain,
        nodes: cfg.nodes.map((n) => ({ name: n.name, fqdn: n.fqdn, mmp: mmp(n) })),
        config: args.certificates,
      },
      { parent: this },
    );
    const files = this.uploadFiles(name, cfg, material.files, mmp);

    const byNode = new Map(material.files.map((f) => [f.node, f]));
    const cluster = new XmppCluster(
      `${name}-cluster`,
      {
        domain: cfg.domain,
        initializer: initializerOf(cfg).name,
        listen: cfg.listen,
        callBridges: cfg.callBridges.map((b) => b.name),
        nodes: cfg.nodes.map((n) => {
          const f = byNode.get(n.name) as NodeCertificateFiles;
          return {
            name: n.name,
            xmppAddress: xmppAddressOf(n),
            mmp: mmp(n),
            keyFile: f.keyFile,
            certFile: f.certFile,
            ...(f.bundleFile ? { bundleFile: f.bundleFile } : {}),
            trustBundle: f.trustFile,
          };
        }),
        confirmNodeRemoval: cfg.confirmNodeRemoval,
        retainOnDelete: cfg.retainOnDelete,
        settleSeconds: cfg.verification.timeoutSeconds,
        restartAfterTrustChange: cfg.restartAfterTrustChange,
      },
      { parent: this, dependsOn: [...files, ...material.checks] },
    );

    const bridgeApis = cfg.callBridges.flatMap((b) =>
      b.apiUrl
        ? [
            {
              bridge: b.name,
              apiUrl: b.apiUrl,
              username: cfg.api.username,
              passwordKey: args.secretKeys.apiPassword,
              caCertPem: cfg.api.caCertPem,
              insecureSkipVerify: cfg.api.insecureSkipVerify,
            },
          ]
        : [],
    );
    const settings = bridgeApis.map(
      (api) =>
        new CallBridgeXmppSettings(
          `${name}-callbridge-${api.bridge}`,
          {
            ...api,
            domain: cfg.domain,
            serverAddress: cfg.callBridges.find((b) => b.name === api.bridge)?.serverAddress ?? "",
            sharedSecret: cluster.secrets.apply((s) => s[api.bridge] ?? ""),
            retainOnDelete: cfg.retainOnDelete,
          },
          { parent: this, dependsOn: [cluster, ...(args.callBridgesDependOn ?? [])] },
        ),
    );

    const revision = pulumi
      .all([
        cluster.nodeStates,
        pulumi.all(files.map((f) => f.sha256)),
        pulumi.all(settings.map((s) => s.id)),
        pulumi.all(settings.map((s) => s.sharedSecretHash)),
        cfg.callBridges.map((b) => b.serverAddress ?? ""),
      ])
      .apply((parts) => createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16));
    this.findings = cfg.verification.enabled
      ? new ClusterVerification(
          `${name}-verification`,
          {
            nodes: cfg.nodes.map((n) => ({ name: n.name, xmppAddress: xmppAddressOf(n), mmp: mmp(n) })),
            callBridges: cfg.callBridges.map((b) => b.name),
            bridgeApis,
            timeoutSeconds: cfg.verification.timeoutSeconds,
            revision,
            ...(args.dnsCheck ? { dns: args.dnsCheck } : {}),
          },
          { parent: this, dependsOn: [cluster, ...settings] },
        ).findings
      : pulumi.output([]);

    cluster.notices.apply((notices) => {
      for (const notice of notices ?? []) pulumi.log.warn(notice, this);
    });
    this.leader = cluster.leader;
    this.nodeStates = cluster.nodeStates;
    this.callBridgeSecrets = pulumi.secret(cluster.secrets);
    this.plan = cluster.plan;
    this.certificateExpiry = material.expiry;
    this.certificateExpiry.apply((entries) => {
      for (const warning of entries.map((e) => expiryWarning(e))) if (warning) pulumi.log.warn(warning, this);
    });
    this.registerOutputs({
      leader: this.leader,
      nodeStates: this.nodeStates,
      callBridgeSecrets: this.callBridgeSecrets,
      certificateExpiry: this.certificateExpiry,
      findings: this.findings,
    });
  }

  private uploadFiles(
    name: string,
    cfg: ClusterConfig,
    files: NodeCertificateFiles[],
    mmp: (node: NodeConfig) => MmpTargetInput,
  ): NodeFile[] {
    return files.flatMap((f) => {
      const node = cfg.nodes.find((n) => n.name === f.node) as NodeConfig;
      return f.uploads.map(
        (u) =>
          new NodeFile(
            `${name}-${f.node}-${u.role}`,
            { mmp: mmp(node), name: u.name, content: u.secret ? pulumi.secret(u.content) : u.content },
            { parent: this },
          ),
      );
    });
  }
}
