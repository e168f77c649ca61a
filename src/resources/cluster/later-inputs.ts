import * as pulumi from "@pulumi/pulumi";
import type { CertificatesConfigInput } from "../../core/certs/schema";
import { type ClusterConfigInput, nodeSchema } from "../../core/config";
import type { DnsConfigInput } from "../../core/dns/schema";
import { outputRunError } from "../certs/output-error";
import { readPemInput } from "../certs/pem-input";

type NodeConfigInput = ClusterConfigInput["nodes"][number];
type ApiConfigInput = NonNullable<ClusterConfigInput["api"]>;
type ByoConfigInput = Extract<CertificatesConfigInput, { source: "byo" }>;

/** A node; its host key fingerprint may come from another resource or a secret store. */
export type NodeArgs = Omit<NodeConfigInput, "hostKeyFingerprint"> & { hostKeyFingerprint?: pulumi.Input<string> };

/** `cluster` of the stack config; host keys and the CMS API's CA may be Outputs of other resources. */
export type ClusterArgs = Omit<ClusterConfigInput, "nodes" | "api"> & {
  nodes: NodeArgs[];
  api?: Omit<ApiConfigInput, "caCertPem"> & { caCertPem?: pulumi.Input<string> };
};

/** One unit's own key, certificate and chain: PEM text (or a file path) or Outputs, e.g. from a secret store. */
export interface ByoMaterialArgs {
  key: pulumi.Input<string>;
  cert: pulumi.Input<string>;
  chain?: pulumi.Input<string>;
}

/** `certificates` of the stack config; with `source: byo` the PEMs may be Outputs. */
export type CertificatesArgs =
  | Exclude<CertificatesConfigInput, { source: "byo" }>
  | (Omit<ByoConfigInput, "certs"> & { certs: Record<string, ByoMaterialArgs> });

type Rfc2136ConfigInput = Extract<DnsConfigInput, { backend: "rfc2136" }>;

/** `dns` of the stack config; with rfc2136, `tsig.secret` may be left out when `tsigSecret` is given instead. */
export type DnsArgs =
  | Exclude<DnsConfigInput, { backend: "rfc2136" }>
  | (Omit<Rfc2136ConfigInput, "tsig"> & {
      tsig: Omit<Rfc2136ConfigInput["tsig"], "secret"> & { secret?: string };
    });

/** The values of the args that are not known when the program runs: checked as soon as they are. */
export interface LaterInputs {
  /** By node name; only nodes whose fingerprint is an Output or a Promise. */
  hostKeyFingerprints: Map<string, pulumi.Output<string>>;
  caCertPem?: pulumi.Output<string>;
  /** The TSIG secret for rfc2136, when it is an Output or a Promise. */
  tsigSecret?: pulumi.Input<string>;
  /** By unit (node name or `shared`); only the fields that are Outputs or Promises, read and checked as PEM. */
  byo: Map<string, { key?: pulumi.Output<string>; cert?: pulumi.Output<string>; chain?: pulumi.Output<string> }>;
}

// Stand-ins that pass the config schema, so the rest of the config is validated at once.
const PENDING_FINGERPRINT = `SHA256:${"A".repeat(43)}`;
const PENDING_PEM = "-----BEGIN PENDING-----\n-----END PENDING-----\n";
const PENDING_TSIG_SECRET = Buffer.alloc(32).toString("base64");

/** Anything else is left to the config schema, which names what is wrong with it. */
function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isLater(value);
}

function isLater(value: unknown): value is pulumi.Output<string> | Promise<string> {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** Fails the run, once the value is known, with the field and what the config schema says about it. */
function checkedFingerprint(node: string, index: number, value: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(value).apply((fingerprint) => {
    const result = nodeSchema.shape.hostKeyFingerprint.safeParse(fingerprint);
    if (!result.success) {
      throw outputRunError(
        `nodes[${index}].hostKeyFingerprint (node ${node}, from another resource): ${result.error.issues[0].message}`,
      );
    }
    return fingerprint;
  });
}

/** `trim` as the config schema does for that field when it is given as text. */
function checkedPem(field: string, value: pulumi.Input<string>, trim: boolean): pulumi.Output<string> {
  return pulumi.output(value).apply((text) => {
    try {
      return readPemInput(trim ? text.trim() : text, field);
    } catch (err) {
      throw outputRunError(`${(err as Error).message} (the value came from another resource)`);
    }
  });
}

/**
 * Splits the args into config the schema can validate now (each later-known value replaced by a stand-in) and the
 * later-known values, each checked when it resolves.
 */
export function splitLaterInputs(
  cluster: ClusterArgs,
  certificates: CertificatesArgs | undefined,
  tsigSecret: pulumi.Input<string> | undefined,
): {
  cluster: ClusterConfigInput;
  certificates: CertificatesConfigInput | undefined;
  tsigSecret: string | undefined;
  later: LaterInputs;
} {
  const later: LaterInputs = { hostKeyFingerprints: new Map(), byo: new Map() };
  if (isLater(tsigSecret)) later.tsigSecret = tsigSecret;
  const nodes = cluster.nodes.map((node, i) => {
    if (!isLater(node.hostKeyFingerprint)) return node as NodeConfigInput;
    later.hostKeyFingerprints.set(node.name, checkedFingerprint(node.name, i, node.hostKeyFingerprint));
    return { ...node, hostKeyFingerprint: PENDING_FINGERPRINT };
  });
  let api = cluster.api as ApiConfigInput | undefined;
  if (cluster.api && isLater(cluster.api.caCertPem)) {
    later.caCertPem = checkedPem("api.caCertPem", cluster.api.caCertPem, false);
    api = { ...cluster.api, caCertPem: PENDING_PEM };
  }
  return {
    cluster: { ...cluster, nodes, ...(api ? { api } : {}) } as ClusterConfigInput,
    certificates: isByo(certificates) ? splitByo(certificates, later) : (certificates as CertificatesConfigInput),
    tsigSecret: later.tsigSecret ? PENDING_TSIG_SECRET : (tsigSecret as string | undefined),
    later,
  };
}

type ByoArgs = Extract<CertificatesArgs, { source: "byo" }>;

function isByo(certificates: CertificatesArgs | undefined): certificates is ByoArgs {
  return isMapping(certificates) && (certificates as { source?: unknown }).source === "byo";
}

function splitByo(certificates: ByoArgs, later: LaterInputs): CertificatesConfigInput {
  if (!isMapping(certificates.certs)) return certificates as CertificatesConfigInput;
  const certs: Record<string, unknown> = {};
  for (const [unit, material] of Object.entries(certificates.certs)) {
    if (!isMapping(material)) {
      certs[unit] = material;
      continue;
    }
    const plain: Record<string, unknown> = {};
    const laterFields: Record<string, pulumi.Output<string>> = {};
    for (const [field, value] of Object.entries(material)) {
      if (isLater(value)) {
        laterFields[field] = checkedPem(`certificates.certs.${unit}.${field}`, value, true);
        plain[field] = PENDING_PEM;
      } else {
        plain[field] = value;
      }
    }
    if (Object.keys(laterFields).length > 0) later.byo.set(unit, laterFields);
    certs[unit] = plain;
  }
  return { ...certificates, certs } as CertificatesConfigInput;
}
