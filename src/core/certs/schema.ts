import { z } from "zod";
import { type CertificateSubject, subjectValueProblem } from "./csr-command";

/** PEM text, or a path (relative to the Pulumi project) to a PEM file. Keys: set them with `pulumi config set --secret`. */
const pemOrPath = z.string().trim().min(1, "must be PEM text or the path of a PEM file");

const subjectField = (field: keyof CertificateSubject) =>
  z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? undefined : subjectValueProblem(field, value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

const subjectSchema = z
  .strictObject({
    O: subjectField("O"),
    OU: subjectField("OU"),
    L: subjectField("L"),
    ST: subjectField("ST"),
    C: subjectField("C"),
  })
  .default({});

/** A CA the stack creates (tls.PrivateKey + tls.SelfSignedCert); its key is a Pulumi secret. */
const localCaSchema = z.strictObject({
  type: z.literal("local"),
  validityDays: z.number().int().min(1).max(36500).default(3650),
});

/** A CA the admin supplies; `cert` may be the signing CA followed by its chain up to the root. */
const suppliedCaSchema = z.strictObject({ type: z.literal("localSupplied"), cert: pemOrPath, key: pemOrPath });

/** A CA outside the stack (e.g. an enterprise Microsoft CA): `up` stops until the signed certificates are in config. */
const externalCaSchema = z.strictObject({
  type: z.literal("external"),
  /** Signed certificate per node name, or under `shared` when one certificate is shared. */
  signedCerts: z.record(z.string(), pemOrPath).default({}),
  /** The CA chain: the leaf's issuer first, the root last. */
  caBundle: pemOrPath.optional(),
});

const DEFAULT_LOCAL_CA = { type: "local" as const, validityDays: 3650 };

const caError = (types: string) => ({ error: `must be one of ${types}` });

const commonFields = {
  /** One certificate for all nodes (as in the TechNote's lab) instead of one per node (the default). */
  shared: z.boolean().default(false),
  validityDays: z.number().int().min(1).max(3650).default(365),
  /** Reissue this many days before expiry (local CA only). */
  earlyRenewalDays: z.number().int().min(0).default(30),
  subject: subjectSchema,
};

const onNodeCsrSchema = z.strictObject({
  source: z.literal("onNodeCsr"),
  ...commonFields,
  ca: z
    .discriminatedUnion(
      "type",
      [localCaSchema, suppliedCaSchema, externalCaSchema],
      caError('"local", "localSupplied" or "external"'),
    )
    .default(DEFAULT_LOCAL_CA),
});

const offNodeSchema = z.strictObject({
  source: z.literal("offNode"),
  ...commonFields,
  ca: z
    .discriminatedUnion("type", [localCaSchema, suppliedCaSchema], caError('"local" or "localSupplied"'))
    .default(DEFAULT_LOCAL_CA),
});

const byoMaterialSchema = z.strictObject({ key: pemOrPath, cert: pemOrPath, chain: pemOrPath.optional() });

const byoSchema = z.strictObject({
  source: z.literal("byo"),
  shared: z.boolean().default(false),
  /** Key, certificate and optional CA chain per node name, or under `shared` when one certificate is shared. */
  certs: z.record(z.string(), byoMaterialSchema),
});

/** Entries keyed by unit must use `shared` exactly when the certificate is shared. */
function checkUnitKeys(ctx: z.RefinementCtx, shared: boolean, keys: string[], path: string[]): void {
  if (shared && keys.some((k) => k !== "shared")) {
    ctx.addIssue({ code: "custom", path, message: 'with shared: true, the only entry must be "shared"' });
  }
  if (!shared && keys.includes("shared")) {
    ctx.addIssue({
      code: "custom",
      path,
      message: 'a "shared" entry needs shared: true; otherwise key entries by node name',
    });
  }
}

/** A file already in the node's flat MMP namespace, as `pki list` shows it. */
const existingFileName = z
  .string({ error: "must be a file name such as abhiall.cer" })
  .trim()
  .min(1, "must be a file name such as abhiall.cer")
  .superRefine((value, ctx) => {
    const problem = value === "" ? undefined : existingFileNameProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Why `name` cannot be a file in the node's top directory, or undefined when it can. */
export function existingFileNameProblem(name: string): string | undefined {
  if (/[/\\]/.test(name)) {
    return `"${name}" is a path; give the bare file name in the node's top directory (no "/"), as \`pki list\` shows it`;
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.length > 255) {
    return `"${name}" is not an MMP file name (letters, digits, ".", "_" and "-" only, as \`pki list\` shows it)`;
  }
  return undefined;
}

const existingFields = {
  keyFile: existingFileName,
  certFile: existingFileName,
  bundleFile: existingFileName,
  trustBundle: existingFileName,
};

/** The four file names, each optional: per-node overrides of the defaults for every node. */
const existingOverrideSchema = z.strictObject({
  keyFile: existingFields.keyFile.optional(),
  certFile: existingFields.certFile.optional(),
  bundleFile: existingFields.bundleFile.optional(),
  trustBundle: existingFields.trustBundle.optional(),
});

/**
 * Files the admin already put on every node (TechNote 213479 by hand): nothing is uploaded or deleted; each node's
 * files are checked over MMP (`pki list`, `pki match`) before the cluster is touched.
 */
const existingSchema = z.strictObject({
  source: z.literal("existing"),
  /** The file given to `xmpp certs` as the key. */
  keyFile: existingFields.keyFile.optional(),
  certFile: existingFields.certFile.optional(),
  /** The CA bundle given to `xmpp certs`; none when omitted. */
  bundleFile: existingFields.bundleFile.optional(),
  /** The file given to `xmpp cluster trust`: every node's certificate (or the shared one). */
  trustBundle: existingFields.trustBundle.optional(),
  /** Per node name: overrides of any of the four. */
  nodes: z.record(z.string(), existingOverrideSchema).default({}),
});

/** The fields every node needs from `source: existing`, after its overrides. */
export const EXISTING_REQUIRED = ["keyFile", "certFile", "trustBundle"] as const;

const certificatesUnion = z
  .discriminatedUnion("source", [onNodeCsrSchema, offNodeSchema, byoSchema, existingSchema], {
    error: (issue) =>
      typeof issue.input === "object"
        ? 'must be "onNodeCsr" (the default), "offNode", "byo" or "existing"'
        : "must be a mapping such as { source: onNodeCsr, shared: false }",
  })
  .superRefine((cfg, ctx) => {
    if (cfg.source === "existing") {
      const overridden = (field: string) =>
        Object.values(cfg.nodes).some((n) => (n as Record<string, unknown>)[field] !== undefined);
      for (const field of EXISTING_REQUIRED) {
        if (cfg[field] === undefined && !overridden(field)) {
          ctx.addIssue({ code: "custom", path: [field], message: "missing" });
        }
      }
      return;
    }
    if (cfg.source === "byo") {
      checkUnitKeys(ctx, cfg.shared, Object.keys(cfg.certs), ["certs"]);
      return;
    }
    if (cfg.earlyRenewalDays >= cfg.validityDays) {
      ctx.addIssue({ code: "custom", path: ["earlyRenewalDays"], message: "must be less than validityDays" });
    }
    if (cfg.ca.type === "external")
      checkUnitKeys(ctx, cfg.shared, Object.keys(cfg.ca.signedCerts), ["ca", "signedCerts"]);
  });

/** `source` defaults to onNodeCsr, also when the whole section is left out. */
export const certificatesConfigSchema = z.preprocess((raw) => {
  if (raw === undefined || raw === null) return { source: "onNodeCsr" };
  if (typeof raw === "object" && !Array.isArray(raw) && !("source" in raw)) return { source: "onNodeCsr", ...raw };
  return raw;
}, certificatesUnion);

export type CertificatesConfig = z.infer<typeof certificatesConfigSchema>;
/** The section as written: any source, or onNodeCsr options without `source`. */
export type CertificatesConfigInput =
  | z.input<typeof certificatesUnion>
  | Omit<z.input<typeof onNodeCsrSchema>, "source">;
export type OnNodeCsrConfig = z.infer<typeof onNodeCsrSchema>;
export type ByoConfig = z.infer<typeof byoSchema>;
export type CaConfig = OnNodeCsrConfig["ca"];
export type ExistingConfig = z.infer<typeof existingSchema>;

/** The files `xmpp certs` and `xmpp cluster trust` get on one node, and the config field each came from. */
export interface ExistingNodeFileNames {
  keyFile: string;
  certFile: string;
  bundleFile?: string;
  trustBundle: string;
  /** Per file: the config field that named it, e.g. `certificates.nodes.cb2.keyFile`. */
  fields: { keyFile: string; certFile: string; bundleFile?: string; trustBundle: string };
}

/** One node's file names: its overrides, else the defaults. Throws when a required one is set nowhere. */
export function existingFilesOf(cfg: ExistingConfig, node: string, configPath = "certificates"): ExistingNodeFileNames {
  const own = cfg.nodes[node] ?? {};
  const pick = (field: "keyFile" | "certFile" | "bundleFile" | "trustBundle") =>
    own[field] !== undefined
      ? { name: own[field], field: `${configPath}.nodes.${node}.${field}` }
      : cfg[field] !== undefined
        ? { name: cfg[field], field: `${configPath}.${field}` }
        : undefined;
  const [key, cert, bundle, trust] = (["keyFile", "certFile", "bundleFile", "trustBundle"] as const).map(pick);
  if (!key || !cert || !trust)
    throw new Error(`${configPath}.nodes.${node}: the key, certificate or trust file is not set`);
  return {
    keyFile: key.name,
    certFile: cert.name,
    ...(bundle ? { bundleFile: bundle.name } : {}),
    trustBundle: trust.name,
    fields: {
      keyFile: key.field,
      certFile: cert.field,
      ...(bundle ? { bundleFile: bundle.field } : {}),
      trustBundle: trust.field,
    },
  };
}

/** `shared`, or the node names: the certificates to obtain. */
export function certificateUnits(shared: boolean, nodeNames: string[]): string[] {
  return shared ? ["shared"] : nodeNames;
}

/** Problems that need the node list: entries for unknown nodes, or nodes without an entry. */
export function certificatesConfigProblems(cfg: CertificatesConfig, nodeNames: string[]): string[] {
  if (cfg.source === "existing") return existingConfigProblems(cfg, nodeNames);
  const entries =
    cfg.source === "byo"
      ? { path: "certificates.certs", keys: Object.keys(cfg.certs), required: true }
      : cfg.ca.type === "external"
        ? { path: "certificates.ca.signedCerts", keys: Object.keys(cfg.ca.signedCerts), required: false }
        : undefined;
  if (!entries) return [];
  const units = certificateUnits(cfg.shared, nodeNames);
  const problems = entries.keys
    .filter((key) => !units.includes(key))
    .map((key) => `${entries.path}.${key}: not one of the nodes (${nodeNames.join(", ")})`);
  if (entries.required) {
    problems.push(...units.filter((u) => !entries.keys.includes(u)).map((u) => `${entries.path}.${u}: missing`));
  }
  return problems;
}

/** Per-node entries must name nodes, and every node must end up with a key, certificate and trust file. */
function existingConfigProblems(cfg: ExistingConfig, nodeNames: string[]): string[] {
  const problems = Object.keys(cfg.nodes)
    .filter((key) => !nodeNames.includes(key))
    .map((key) => `certificates.nodes.${key}: not one of the nodes (${nodeNames.join(", ")})`);
  for (const field of EXISTING_REQUIRED) {
    if (cfg[field] !== undefined) continue;
    const without = nodeNames.filter((node) => cfg.nodes[node]?.[field] === undefined);
    if (without.length === nodeNames.length) problems.push(`certificates.${field}: missing`);
    else
      problems.push(
        ...without.map(
          (node) => `certificates.nodes.${node}.${field}: missing (no certificates.${field} applies to every node)`,
        ),
      );
  }
  return problems;
}
