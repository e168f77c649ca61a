import { z } from "zod";
import { type CertificateSubject, subjectValueProblem } from "./csr-command";

/** PEM text, or a path (relative to the Pulumi project) to a PEM file. */
const pemOrPath = z.string().trim().min(1, "must be PEM text or the path of a PEM file");
/** A private key: the docs and the JSON Schema mark it to be set with `pulumi config set --secret --path`. */
const secretPemOrPath = (description: string) => pemOrPath.meta({ description, secret: true });

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
    O: subjectField("O").describe("Organization."),
    OU: subjectField("OU").describe("Organizational unit."),
    L: subjectField("L").describe("Locality (city)."),
    ST: subjectField("ST").describe("State or province."),
    C: subjectField("C").describe("Country, two letters."),
  })
  .default({})
  .describe("Subject fields of the certificates besides CN (which is the domain).");

const localCaSchema = z
  .strictObject({
    type: z.literal("local"),
    validityDays: z.number().int().min(1).max(36500).default(3650).describe("Lifetime of the CA certificate."),
  })
  .describe("A CA the stack creates (`@pulumi/tls`); its key is a Pulumi secret in the stack state.");

const suppliedCaSchema = z
  .strictObject({
    type: z.literal("localSupplied"),
    cert: pemOrPath.describe(
      "The signing CA's certificate, PEM or a file path; may be followed by its chain up to the root.",
    ),
    key: secretPemOrPath("The signing CA's private key, PEM or a file path."),
  })
  .describe("A CA you supply, which the stack signs with.");

const externalCaSchema = z
  .strictObject({
    type: z.literal("external"),
    signedCerts: z
      .record(z.string(), pemOrPath)
      .default({})
      .describe(
        "The signed certificate per node name, or under `shared` when `shared: true`; PEM or a file path. `up` prints the exact `pulumi config set --path` commands.",
      ),
    caBundle: pemOrPath
      .optional()
      .describe("The CA chain, PEM or a file path: the leaf's issuer first, the root last."),
  })
  .describe(
    "A CA outside the stack, e.g. an enterprise Microsoft CA: `up` runs `pki csr`, stops with the CSR to take to the CA, and goes on once the signed certificates are in the config.",
  );

const DEFAULT_LOCAL_CA = { type: "local" as const, validityDays: 3650 };

const caError = (types: string) => ({ error: `must be one of ${types}` });

const sharedField = z
  .boolean()
  .default(false)
  .describe(
    "One certificate (and key) for all nodes, as in the TechNote's lab, instead of one per node. A shared certificate carries the domain and every node's FQDN, so a new node means a new certificate on every node.",
  );

/** The fields of the sources whose certificates the stack issues. */
const issuedFields = {
  shared: sharedField,
  validityDays: z.number().int().min(1).max(3650).default(365).describe("Lifetime of each node certificate."),
  earlyRenewalDays: z
    .number()
    .int()
    .min(0)
    .default(30)
    .describe("Reissue this many days before expiry (with a CA the stack signs with); less than `validityDays`."),
  subject: subjectSchema,
};

const caDescription = "The CA that signs the node certificates, chosen by `type`.";

const onNodeCsrSchema = z
  .strictObject({
    source: z.literal("onNodeCsr").default("onNodeCsr"),
    ...issuedFields,
    ca: z
      .discriminatedUnion(
        "type",
        [localCaSchema, suppliedCaSchema, externalCaSchema],
        caError('"local", "localSupplied" or "external"'),
      )
      .default(DEFAULT_LOCAL_CA)
      .describe(caDescription),
  })
  .describe(
    "The default. `pki csr` on each node makes its key and CSR, so the key never leaves the node; with `shared: true` the key is made on the first node and copied to the others as a Pulumi secret.",
  );

const offNodeSchema = z
  .strictObject({
    source: z.literal("offNode"),
    ...issuedFields,
    ca: z
      .discriminatedUnion("type", [localCaSchema, suppliedCaSchema], caError('"local" or "localSupplied"'))
      .default(DEFAULT_LOCAL_CA)
      .describe(caDescription),
  })
  .describe(
    "The stack makes each key, CSR and certificate with `@pulumi/tls`; the keys are Pulumi secrets. (Upgrading: a stack made when every per-node certificate carried every node's FQDN re-issues each node's certificate once, on its first `up`, rolling one node at a time.)",
  );

const byoMaterialSchema = z.strictObject({
  key: secretPemOrPath("The private key, PEM or a file path."),
  cert: pemOrPath.describe("The certificate, PEM or a file path."),
  chain: pemOrPath.optional().describe("The CA chain, PEM or a file path: the leaf's issuer first, the root last."),
});

const byoSchema = z
  .strictObject({
    source: z.literal("byo"),
    shared: sharedField,
    certs: z
      .record(z.string(), byoMaterialSchema)
      .describe("Key, certificate and optional chain per node name, or under `shared` when `shared: true`."),
  })
  .describe(
    "Your own keys and certificates. Lifetime and subject are those of your certificates, so `validityDays`, `earlyRenewalDays`, `subject` and `ca` do not apply.",
  );

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

const existingDescriptions = {
  keyFile: "The key file given to `xmpp certs`.",
  certFile: "The certificate file given to `xmpp certs`; read over SFTP for `certificateExpiry`.",
  bundleFile: "The CA bundle given to `xmpp certs`; none when left out.",
  trustBundle: "The file given to `xmpp cluster trust`: every node's certificate (or the shared one).",
};

const existingFileFields = (required: string) => ({
  keyFile: existingFields.keyFile.optional().describe(`${existingDescriptions.keyFile}${required}`),
  certFile: existingFields.certFile.optional().describe(`${existingDescriptions.certFile}${required}`),
  bundleFile: existingFields.bundleFile.optional().describe(existingDescriptions.bundleFile),
  trustBundle: existingFields.trustBundle.optional().describe(`${existingDescriptions.trustBundle}${required}`),
});

/** The four file names, each optional: per-node overrides of the defaults for every node. */
const existingOverrideSchema = z.strictObject(existingFileFields(""));

const existingSchema = z
  .strictObject({
    source: z.literal("existing"),
    ...existingFileFields(" Required here or in `nodes` for every node."),
    nodes: z
      .record(z.string(), existingOverrideSchema)
      .default({})
      .describe("Per node name: overrides of any of the four file names."),
  })
  .meta({
    description:
      "Files already on the nodes, e.g. after following the TechNote by hand: bare file names as `pki list` shows them. Before the cluster is touched, each node is checked over MMP (read-only): `pki list` must list every named file, and `pki match <key> <cert>` must not report a mismatch (a node without `pki match` is not checked). Nothing is uploaded, and `destroy` deletes none of these files. To renew, upload the new files under new names and change the names here: `up` then switches `xmpp certs` node by node.",
    examples: [
      {
        source: "existing",
        keyFile: "abhiall.key",
        certFile: "abhiall.cer",
        bundleFile: "certall.cer",
        trustBundle: "abhiall.cer",
        nodes: { cb2: { keyFile: "cb2.key", certFile: "cb2.cer" } },
      },
    ],
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
  .describe(
    "How the nodes get their XMPP certificates, chosen by `source`. A node's own certificate (the default) carries the domain and that node's FQDN as DNS SANs (`pki csr … CN:<domain> subjectAltName:<domain>,<node fqdn>`; extra names are accepted), so adding or removing a node leaves the other nodes' keys and certificates alone: only their trust bundle (every node's certificate in node order, TechNote step 4) changes, which means `xmpp cluster trust` and a restart on each of them, one node at a time. Chains are the leaf's issuer first, the root last. Uploaded file names are versioned by content (`xmpp-cb1-1a2b3c4d.cer`), so a rotation uploads new files, switches `xmpp certs` node by node (one restart at a time, majority kept) and removes the old files afterwards.",
  )
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

/** `source` defaults to onNodeCsr, also when the whole section is left out (or left empty: null). */
export const certificatesConfigSchema = z.preprocess((raw) => raw ?? {}, certificatesUnion);

export type CertificatesConfig = z.infer<typeof certificatesConfigSchema>;
/** The section as written: `source` may be left out for onNodeCsr. */
export type CertificatesConfigInput = z.input<typeof certificatesUnion>;
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
