import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { expiryWarning } from "../../core/certs/expiry";
import { type ClusterConfig, ConfigError, configWarnings, type NodeConfig, xmppAddressOf } from "../../core/config";
import { parseStackConfig, type StackConfig } from "../../core/stack-config";
import { certificateMaterial, type NodeCertificateFiles } from "../certs/certificate-material";
import * as nodeFile from "../certs/node-file.resource";
import { NodeFile } from "../certs/node-file.resource";
import { XmppDnsRecords } from "../dns/xmpp-dns-records";
import { type BridgeApiArgs, bridgeApiInputs } from "../dynamic/api-target";
import { type MmpTargetInput, mmpTargetInput } from "../dynamic/mmp-target";
import { startDynamicProviders } from "../dynamic/start-providers";
import { withShortStackTraces } from "../short-stack-traces";
import * as callBridgeSettings from "./callbridge-settings.resource";
import { CallBridgeXmppSettings } from "./callbridge-settings.resource";
import * as clusterVerification from "./cluster-verification.resource";
import { ClusterVerification } from "./cluster-verification.resource";
import {
  type CertificatesArgs,
  type ClusterArgs,
  type DnsArgs,
  type LaterInputs,
  splitLaterInputs,
} from "./later-inputs";
import * as xmppCluster from "./xmpp-cluster.resource";
import { XmppCluster } from "./xmpp-cluster.resource";

/** Stack config keys (`project:key`) of the secrets the providers read in their own process. */
export interface SecretKeys {
  mmpPassword: string;
  apiPassword: string;
}

export interface XmppResilientClusterArgs {
  /**
   * The cluster: domain, nodes, Call Bridges and options, exactly as under the stack config key `cluster` (without
   * its `certificates` and `dns`). Validated by the component; a problem fails the program before any resource
   * exists, with the same field-named messages as the stack config. A node's `hostKeyFingerprint` and
   * `api.caCertPem` may be Outputs of other resources: they are checked the same way once known.
   */
  cluster: ClusterArgs;
  /**
   * Default: per-node certificates from `pki csr` on each node, signed by a CA the stack creates. With `source: byo`
   * the PEMs may be Outputs (e.g. from a secret store); they are checked before anything is uploaded.
   */
  certificates?: CertificatesArgs;
  /** The cluster's SRV and A records. Default: none (the admin keeps DNS by hand). */
  dns?: DnsArgs;
  /** The TSIG secret for `dns.backend: rfc2136`, when it is not in `dns.tsig.secret` (e.g. from a secret store). */
  tsigSecret?: pulumi.Input<string>;
  /**
   * Stack config keys holding the MMP (SSH) and CMS API passwords. Providers read them in the provider process;
   * the values never enter inputs or state. Default `<project>:mmpPassword` and `<project>:apiPassword`.
   */
  secretKeys?: SecretKeys;
}

/**
 * Cisco Meeting Server 2.x XMPP resiliency: certificates on every node, the XMPP cluster (initializer first,
 * then joiners), the DNS records, each Call Bridge pointed at the cluster, and verification after every change.
 */
export class XmppResilientCluster extends pulumi.ComponentResource {
  readonly leader: pulumi.Output<string>;
  readonly nodeStates: pulumi.Output<Record<string, unknown>>;
  readonly callBridgeSecrets: pulumi.Output<Record<string, string>>;
  readonly plan: pulumi.Output<Record<string, string[]>>;
  readonly certificateExpiry: pulumi.Output<{ node: string; notAfter: string; daysLeft: number }[]>;
  readonly findings: pulumi.Output<string[]>;
  /** The DNS records as zone-file lines; undefined without a `dns` backend. */
  readonly dnsRecords?: pulumi.Output<string[]>;

  constructor(name: string, args: XmppResilientClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cms:xmpp:XmppResilientCluster", name, {}, opts);
    const { stack, later } = validated(args);
    const cfg = stack.cluster;
    const project = pulumi.getProject();
    const secretKeys = args.secretKeys ?? {
      mmpPassword: `${project}:mmpPassword`,
      apiPassword: `${project}:apiPassword`,
    };
    requireSecrets(cfg, secretKeys);
    startDynamicProviders();
    const built = withShortStackTraces(() => this.build(name, stack, later, secretKeys));
    this.leader = built.leader;
    this.nodeStates = built.nodeStates;
    this.callBridgeSecrets = built.callBridgeSecrets;
    this.plan = built.plan;
    this.certificateExpiry = built.certificateExpiry;
    this.findings = built.findings;
    this.dnsRecords = built.dnsRecords;
    this.registerOutputs({
      leader: this.leader,
      nodeStates: this.nodeStates,
      callBridgeSecrets: this.callBridgeSecrets,
      certificateExpiry: this.certificateExpiry,
      findings: this.findings,
    });
  }

  /** The child resources, from the validated config. */
  private build(name: string, stack: StackConfig, later: LaterInputs, secretKeys: SecretKeys) {
    const cfg = stack.cluster;
    for (const warning of configWarnings(cfg)) pulumi.log.warn(warning, this);
    const mmp = (node: NodeConfig): pulumi.Input<MmpTargetInput> => {
      const target = mmpTargetInput(cfg, node, secretKeys.mmpPassword);
      const fingerprint = later.hostKeyFingerprints.get(node.name);
      return fingerprint ? fingerprint.apply((hostKeyFingerprint) => ({ ...target, hostKeyFingerprint })) : target;
    };

    const dns =
      stack.dns.backend === "none"
        ? undefined
        : new XmppDnsRecords(
            `${name}-dns`,
            {
              domain: cfg.domain,
              nodes: cfg.nodes.map((n) => ({ name: n.name, fqdn: n.fqdn, address: xmppAddressOf(n) })),
              dns: stack.dns,
              ...(later.tsigSecret ? { tsigSecret: later.tsigSecret } : {}),
            },
            // Built by the program, beside this component, before the component owned it.
            { parent: this, aliases: [{ parent: pulumi.rootStackResource }] },
          );

    const material = certificateMaterial(
      name,
      {
        domain: cfg.domain,
        nodes: cfg.nodes.map((n) => ({ name: n.name, fqdn: n.fqdn, mmp: mmp(n) })),
        config: stack.certificates,
        laterByo: later.byo,
      },
      { parent: this },
    );
    const files = this.uploadFiles(name, cfg, material.files, mmp);
    const bridgeApis: BridgeApiArgs[] = bridgeApiInputs(cfg, secretKeys.apiPassword).map((api) =>
      later.caCertPem ? { ...api, caCertPem: later.caCertPem } : api,
    );
    const cluster = new XmppCluster(`${name}-cluster`, xmppCluster.toInputs(cfg, material.files, mmp, bridgeApis), {
      parent: this,
      dependsOn: [...files, ...material.checks],
    });

    const settings = bridgeApis.map(
      (api) =>
        new CallBridgeXmppSettings(
          `${name}-callbridge-${api.bridge}`,
          callBridgeSettings.toInputs(
            cfg,
            api,
            cluster.secrets.apply((s) => s[api.bridge] ?? ""),
          ),
          // A Call Bridge resolves the cluster through DNS: point it there only once the records exist.
          { parent: this, dependsOn: [cluster, ...(dns?.resources ?? [])] },
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
    const findings = cfg.verification.enabled
      ? new ClusterVerification(
          `${name}-verification`,
          clusterVerification.toInputs(cfg, mmp, bridgeApis, revision, dns?.verification),
          { parent: this, dependsOn: [cluster, ...settings, ...(dns?.resources ?? [])] },
        ).findings
      : pulumi.output([]);

    cluster.notices.apply((notices) => {
      for (const notice of notices ?? []) pulumi.log.warn(notice, this);
    });
    const certificateExpiry = material.expiry;
    certificateExpiry.apply((entries) => {
      for (const warning of entries.map((e) => expiryWarning(e))) if (warning) pulumi.log.warn(warning, this);
    });
    return {
      leader: cluster.leader,
      nodeStates: cluster.nodeStates,
      callBridgeSecrets: pulumi.secret(cluster.secrets),
      plan: cluster.plan,
      certificateExpiry,
      findings,
      dnsRecords: dns?.zoneFileLines,
    };
  }

  private uploadFiles(
    name: string,
    cfg: ClusterConfig,
    files: NodeCertificateFiles[],
    mmp: (node: NodeConfig) => pulumi.Input<MmpTargetInput>,
  ): NodeFile[] {
    return files.flatMap((f) => {
      const node = cfg.nodes.find((n) => n.name === f.node) as NodeConfig;
      return f.uploads.map(
        (u) => new NodeFile(`${name}-${f.node}-${u.role}`, nodeFile.toInputs(mmp(node), u), { parent: this }),
      );
    });
  }
}

/** Validates the args as the stack config is validated; bad input becomes one error listing every problem. */
function validated(args: XmppResilientClusterArgs): { stack: StackConfig; later: LaterInputs } {
  const { cluster, certificates, tsigSecret, later } = splitLaterInputs(
    args.cluster,
    args.certificates,
    args.tsigSecret,
  );
  const raw = { ...cluster, certificates, dns: args.dns ?? { backend: "none" } };
  try {
    const stack = parseStackConfig(raw, tsigSecret);
    return { stack, later };
  } catch (err) {
    throw err instanceof ConfigError ? new pulumi.RunError(err.message) : err;
  }
}

/** The passwords the providers will read: missing ones fail now, with the command that sets them. */
function requireSecrets(cfg: ClusterConfig, keys: { mmpPassword: string; apiPassword: string }): void {
  const needed = [keys.mmpPassword, ...(cfg.callBridges.some((b) => b.apiUrl) ? [keys.apiPassword] : [])];
  for (const key of needed) {
    if (pulumi.runtime.getConfig(key) === undefined) {
      throw new pulumi.RunError(
        `the stack config "${key}" is missing: run \`pulumi config set --secret ${key.split(":").pop()} <value>\``,
      );
    }
  }
}
