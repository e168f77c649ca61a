import * as pulumi from "@pulumi/pulumi";
import { checkCertificateMaterial, formatCertificateProblems } from "../../core/certs/checks";
import { type CertificateExpiry, certificateExpiry } from "../../core/certs/expiry";
import { requiredNames } from "../../core/certs/names";
import { type NodeFilePlan, planNodeFiles } from "../../core/certs/node-files";
import { type CertificatesConfig, certificatesConfigProblems, certificateUnits } from "../../core/certs/schema";
import type { MmpTargetInput } from "../dynamic/mmp-target";
import { byoSources, type LaterByoMaterial } from "./byo-source";
import { existingFiles } from "./existing-source";
import { localCa } from "./local-ca";
import { offNodeSource } from "./off-node-source";
import { onNodeCsrSources } from "./on-node-csr-source";
import { outputRunError } from "./output-error";
import type { UnitSource } from "./unit-source";

export interface CertificateNode {
  name: string;
  fqdn: string;
  mmp: pulumi.Input<MmpTargetInput>;
}

export interface CertificateUpload {
  /** Stable per node across rotations; the lead's NodeFile resources are named after it. */
  role: "key" | "cert" | "bundle" | "trust";
  name: pulumi.Output<string>;
  content: pulumi.Output<string>;
  /** True for the private key: its content is a Pulumi secret. */
  secret: boolean;
}

/** A node's `xmpp certs <keyFile> <certFile> [<bundleFile>]` and `xmpp cluster trust <trustFile>`, and what to upload. */
export interface NodeCertificateFiles {
  node: string;
  keyFile: pulumi.Output<string>;
  certFile: pulumi.Output<string>;
  bundleFile?: pulumi.Output<string>;
  trustFile: pulumi.Output<string>;
  /** Not the key `pki csr` wrote on this node: that one is already there. Empty with `source: existing`. */
  uploads: CertificateUpload[];
  /** Empty when unknown (`source: existing` with a certificate file that could not be read). */
  notAfter: pulumi.Output<string>;
}

export interface CertificateMaterialArgs {
  domain: string;
  /** In cluster order: the trust bundle follows it, and a shared on-node CSR runs on the first node. */
  nodes: CertificateNode[];
  config: CertificatesConfig;
  /** How messages name the `certificates` config (default `certificates`, as config validation does). */
  configPath?: string;
  /**
   * The stack config key that holds it, for the `pulumi config set --path '<configKey>.<configPath>…'` commands printed
   * while an external CA is pending. Default `cluster`: the main program reads `cms-xmpp-resiliency:cluster`.
   */
  configKey?: string;
  /** `source: byo`: the PEMs given as Outputs, by unit. */
  laterByo?: LaterByoMaterial;
}

export interface CertificateMaterial {
  files: NodeCertificateFiles[];
  /** The CA chain (signing CA first) the node certificates chain to, when the stack has it. */
  caCertPem?: pulumi.Output<string>;
  /** Nodes whose expiry is unknown are left out. */
  expiry: pulumi.Output<CertificateExpiry[]>;
  /**
   * Resources that check the files already on the nodes (`source: existing`; empty otherwise): the cluster must
   * depend on them, as it depends on the uploads.
   */
  checks: pulumi.Resource[];
}

/** Groups the certificate resources under one node of the resource tree. */
class CertificateMaterialGroup extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("cms:certs:CertificateMaterial", name, {}, opts);
    this.registerOutputs({});
  }
}

type ObtainedConfig = Exclude<CertificatesConfig, { source: "existing" }>;

function obtain(
  name: string,
  args: CertificateMaterialArgs & { config: ObtainedConfig },
  units: string[],
  namesOf: (unit: string) => string[],
  parent: pulumi.Resource,
): { sources: UnitSource[]; caCertPem?: pulumi.Output<string> } {
  const cfg = args.config;
  if (cfg.source === "byo") return { sources: byoSources(cfg, units, namesOf, new Date(), args.laterByo) };
  if (cfg.source === "offNode") {
    const ca = localCa(name, cfg.ca, args.domain, cfg.subject, parent);
    return {
      sources: units.map((unit) =>
        offNodeSource(name, unit, { domain: args.domain, names: namesOf(unit), subject: cfg.subject }, ca, cfg, parent),
      ),
      caCertPem: ca.bundlePem,
    };
  }
  return onNodeCsrSources(
    name,
    { ...args, config: cfg, configPath: args.configPath ?? "certificates", configKey: args.configKey ?? "cluster" },
    units,
    parent,
  );
}

/** Checks every certificate (SANs, validity, CSR match, CA bundle order), then plans the files; one error for all. */
function checkedPlan(
  sources: UnitSource[],
  nodeNames: string[],
  namesOf: (unit: string) => string[],
): pulumi.Output<NodeFilePlan[]> {
  const known = sources.map((s) =>
    pulumi
      .all([s.certPem, s.bundlePem, s.onNodeKey?.file, s.request?.pem, s.request?.name])
      .apply(([certPem, bundlePem, keyFile, requestPem, requestName]) => ({
        certPem,
        bundlePem,
        keyFile,
        requestPem,
        requestName,
      })),
  );
  return pulumi.all(known).apply((values) => {
    const now = new Date();
    const problems = values.flatMap((v, i) =>
      checkCertificateMaterial({
        what: sources[i].what,
        certPem: v.certPem,
        bundlePem: v.bundlePem,
        request: v.requestPem && v.requestName ? { pem: v.requestPem, name: v.requestName } : undefined,
        requiredNames: namesOf(sources[i].unit),
        shared: sources[i].unit === "shared",
        now,
      }),
    );
    if (problems.length > 0) throw outputRunError(formatCertificateProblems(problems));
    return planNodeFiles(
      nodeNames,
      values.map((v, i) => ({
        unit: sources[i].unit,
        certPem: v.certPem,
        bundlePem: v.bundlePem,
        onNodeKey: sources[i].onNodeKey && v.keyFile ? { node: sources[i].onNodeKey.node, file: v.keyFile } : undefined,
      })),
    );
  });
}

/**
 * The XMPP certificate files for every node from the configured source, checked before anything is uploaded. The
 * lead's cluster component uploads `uploads` and passes the file names to `xmpp certs` / `xmpp cluster trust`.
 */
export function certificateMaterial(
  name: string,
  args: CertificateMaterialArgs,
  opts?: pulumi.ComponentResourceOptions,
): CertificateMaterial {
  const parent = new CertificateMaterialGroup(name, opts);
  const nodeNames = args.nodes.map((n) => n.name);
  const configProblems = certificatesConfigProblems(args.config, nodeNames);
  if (configProblems.length > 0) throw new pulumi.RunError(formatCertificateProblems(configProblems));
  const cfg = args.config;
  if (cfg.source === "existing") return existingFiles(name, { ...args, config: cfg }, parent);
  const units = certificateUnits(cfg.shared, nodeNames);
  const namesOf = (unit: string) => requiredNames(args.domain, args.nodes, unit);
  const { sources, caCertPem } = obtain(name, { ...args, config: cfg }, units, namesOf, parent);
  const plan = checkedPlan(sources, nodeNames, namesOf);
  const expiry = plan.apply((plans) => {
    const now = new Date();
    return plans.map((p) => certificateExpiry(p.node, p.certPem, now));
  });
  const files = nodeNames.map((node, i): NodeCertificateFiles => {
    const source = sources.find((s) => s.unit === node) ?? sources[0];
    const mine = plan.apply((plans) => plans[i]);
    const field = (pick: (p: NodeFilePlan) => string | undefined) => mine.apply((p) => pick(p) as string);
    const keyFile = field((p) => p.keyFile);
    const certFile = field((p) => p.certFile);
    const bundleFile = source.bundlePem ? field((p) => p.bundleFile) : undefined;
    const trustFile = field((p) => p.trustFile);
    const uploads: CertificateUpload[] = [];
    if (source.keyPem && source.onNodeKey?.node !== node) {
      uploads.push({ role: "key", name: keyFile, content: pulumi.secret(source.keyPem), secret: true });
    }
    uploads.push({ role: "cert", name: certFile, content: field((p) => p.certPem), secret: false });
    if (bundleFile)
      uploads.push({ role: "bundle", name: bundleFile, content: field((p) => p.bundlePem), secret: false });
    if (units.length > 1)
      uploads.push({ role: "trust", name: trustFile, content: field((p) => p.trustPem), secret: false });
    return { node, keyFile, certFile, bundleFile, trustFile, uploads, notAfter: expiry.apply((e) => e[i].notAfter) };
  });
  return { files, caCertPem, expiry, checks: [] };
}
