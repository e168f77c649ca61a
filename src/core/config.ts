import { isIP } from "node:net";
import { z } from "zod";
import { closest, knownKeysAt } from "./did-you-mean";

const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

const domainName = z.string().regex(DOMAIN, "must be a DNS domain such as tptac9.com (letters, digits, dots, hyphens)");
const hostOrIp = z.string().refine((v) => isIP(v) !== 0 || HOSTNAME.test(v), "must be an IP address or a host name");
const port = z.number().int().min(1).max(65535);

export const nodeSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, "must be a short name: letters, digits and hyphens")
    .describe("Short node name used in resource names and messages, e.g. `cb1`."),
  address: hostOrIp.describe("Where MMP (SSH and SFTP) is reached: an IP address or a host name."),
  sshPort: port.default(22).describe("The MMP SSH port."),
  fqdn: domainName.describe(
    "The node's FQDN, e.g. `cb1.tptac9.com`: a DNS SAN on the XMPP certificate and the name of its A record.",
  ),
  xmppAddress: hostOrIp
    .optional()
    .describe(
      "The address XMPP peers and Call Bridges use: what `xmpp cluster join` is given and what the node's DNS A record points at; `address` when left out.",
    ),
  hostKeyFingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "must look like SHA256:<43 base64 characters> (ssh-keygen -lf)")
    .optional()
    .describe(
      "The node's SSH host key, OpenSSH format `SHA256:…`. Without it, preview refuses the node and prints the key it saw.",
    ),
});

export const callBridgeSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, "must be a bare name such as cb1, with no domain part and no spaces")
    .describe("The Call Bridge's unique name, as given to `xmpp callbridge add` (no domain part)."),
  apiUrl: z
    .string()
    .regex(/^https:\/\/[^/\s]+(:\d+)?\/?$/, "must be an https:// URL of the CMS API, e.g. https://10.106.81.30:445")
    .optional()
    .describe(
      "HTTPS base URL of this Call Bridge's REST API, e.g. `https://10.106.81.30:445`. Left out, only the XMPP side is managed.",
    ),
  serverAddress: z
    .string()
    .regex(/^[^\s:]+(:\d+)?$/, "must be host or host:port")
    .optional()
    .describe(
      "Pin this Call Bridge to one XMPP server (`host:port`). Left out, the Call Bridge finds the servers by DNS SRV and fails over (recommended).",
    ),
});

export const clusterConfigSchema = z
  .strictObject({
    domain: domainName.describe(
      "The XMPP domain, e.g. `tptac9.com`. Changing it re-binds every Call Bridge (the `xmpp callbridge list` entries carry the domain), so it is a replacement: every node leaves and is reset, the cluster is rebuilt with new secrets and the Call Bridges are updated. That needs `confirmNodeRemoval: true` and a certificate that carries the new domain.",
    ),
    nodes: z
      .array(nodeSchema)
      .min(1, "list at least one node")
      .describe("The XMPP servers, at least 3 (see `allowSmallCluster`)."),
    initializer: z
      .string()
      .optional()
      .describe(
        "The node that runs `xmpp cluster initialize` when no node is clustered yet; the first node when left out.",
      ),
    listen: z
      .array(z.string().regex(/^[a-e]$/, "interfaces are a, b, c, d or e"))
      .min(1)
      .default(["a"])
      .describe("The interfaces given to `xmpp listen`: `a` to `e`."),
    callBridges: z
      .array(callBridgeSchema)
      .min(1, "list at least one Call Bridge")
      .describe("The Call Bridges that connect to the cluster; each gets its secret with `xmpp callbridge add`."),
    mmp: z
      .strictObject({
        username: z.string().min(1).default("admin").describe("The MMP admin user on every node."),
        trustOnFirstUse: z
          .boolean()
          .default(false)
          .describe("Accept whatever host key a node presents when it has no `hostKeyFingerprint`. Only for labs."),
        timeoutSeconds: z.number().positive().max(3600).default(60).describe("How long one MMP command may take."),
      })
      .default({ username: "admin", trustOnFirstUse: false, timeoutSeconds: 60 })
      .describe("The SSH login (MMP); the password is the secret config key `mmpPassword`."),
    api: z
      .strictObject({
        username: z.string().min(1).default("admin").describe("The CMS API (Web Admin) user."),
        caCertPem: z
          .string()
          .optional()
          .describe("PEM of the CA (or the self-signed certificate) that signed the CMS API certificates."),
        insecureSkipVerify: z
          .boolean()
          .default(false)
          .describe("Skip the API certificate check. Only for labs; a warning is printed."),
      })
      .default({ username: "admin", insecureSkipVerify: false })
      .describe("The CMS REST API login; the password is the secret config key `apiPassword`."),
    verification: z
      .strictObject({
        enabled: z.boolean().default(true).describe("Verify the cluster after every change."),
        timeoutSeconds: z
          .number()
          .positive()
          .default(120)
          .describe("How long to wait for transient states (an election, a node joining, a Call Bridge reconnecting)."),
      })
      .default({ enabled: true, timeoutSeconds: 120 })
      .describe(
        "Checks after every change: one leader, exact peer lists without duplicates, identical secrets, Call Bridges connected, DNS records.",
      ),
    oneNodeAtATime: z
      .boolean()
      .default(false)
      .describe(
        "Talk to one node at a time, as an admin following the TechNote by hand would (slower): every read of the nodes and every step, and the verification's reads. With `pulumi up --parallel 1` the engine also uploads the certificates and points the Call Bridges one at a time. By default the reads, settings and Call Bridge secrets go to all nodes in parallel and only the activations (restart, initialize, join) run one node at a time.",
      ),
    confirmNodeRemoval: z
      .boolean()
      .default(false)
      .describe("Required to remove more than one node, or the current leader, or to change the domain in one `up`."),
    allowSmallCluster: z
      .boolean()
      .default(false)
      .describe(
        "Allow 1 or 2 nodes. Without a strict majority of 3 or more, losing one node stops XMPP; a warning is printed.",
      ),
    restartAfterTrustChange: z
      .boolean()
      .default(true)
      .describe(
        "Restart each node, one at a time, after its cluster trust bundle changes. Whether a new `xmpp cluster trust` takes effect without a restart is not documented; turn this off only once you have seen it do so on your nodes.",
      ),
    retainOnDelete: z
      .boolean()
      .default(false)
      .describe(
        "Keep XMPP and the Call Bridge settings on the nodes when the stack (or the cluster resource) is deleted.",
      ),
    takeOwnership: z
      .boolean()
      .default(false)
      .describe(
        "Take the nodes over from the stack whose owner marker they hold (`cms-xmpp-resiliency.owner` in the SFTP root). Each `up` writes this stack's marker; `destroy` removes it. Set it only once the other stack no longer manages them.",
      ),
  })
  .superRefine((cfg, ctx) => {
    const dup = <T>(items: T[], key: (t: T) => string, path: (string | number)[], what: string) => {
      const seen = new Map<string, number>();
      items.forEach((item, i) => {
        const k = key(item).toLowerCase();
        if (seen.has(k))
          ctx.addIssue({ code: "custom", path: [...path, i], message: `duplicate ${what} "${key(item)}"` });
        seen.set(k, i);
      });
    };
    dup(cfg.nodes, (n) => n.name, ["nodes"], "node name");
    dup(cfg.nodes, (n) => `${n.address}:${n.sshPort}`, ["nodes"], "node address");
    dup(cfg.nodes, (n) => n.fqdn, ["nodes"], "node fqdn");
    dup(cfg.nodes, (n) => n.xmppAddress ?? n.address, ["nodes"], "node XMPP address");
    dup(cfg.callBridges, (b) => b.name, ["callBridges"], "Call Bridge name");
    if (cfg.nodes.length < 3 && !cfg.allowSmallCluster) {
      ctx.addIssue({
        code: "custom",
        path: ["nodes"],
        message: `an XMPP cluster needs at least 3 nodes for a strict majority; ${cfg.nodes.length} given (set allowSmallCluster: true to accept a cluster that stops when one node fails)`,
      });
    }
    if (cfg.initializer && !cfg.nodes.some((n) => n.name === cfg.initializer)) {
      ctx.addIssue({ code: "custom", path: ["initializer"], message: `"${cfg.initializer}" is not one of the nodes` });
    }
  });

export type ClusterConfig = z.infer<typeof clusterConfigSchema>;
/** The cluster as written: defaults left out. */
export type ClusterConfigInput = z.input<typeof clusterConfigSchema>;
export type NodeConfig = z.infer<typeof nodeSchema>;

/** Thrown for invalid stack config; lists every problem with the field it concerns. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}\nNothing was changed on any node.`);
    this.name = "ConfigError";
  }
}

/**
 * One line per problem, naming its field. An unknown key (every object is strict, so a typo is never dropped
 * silently) gets the known key it most likely meant.
 */
export function formatIssues(
  error: z.ZodError,
  prefix = "",
  schema?: z.ZodType,
  extraRootKeys: string[] = [],
): string[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
    const where = `${prefix}${path.replace(/^\./, "")}`;
    if (issue.code === "invalid_type" && / received undefined$/.test(issue.message)) {
      return [`${where || "(root)"}: missing (expected ${issue.expected})`];
    }
    if (issue.code !== "unrecognized_keys") return [`${where || "(root)"}: ${issue.message}`];
    const known = schema ? knownKeysAt(schema, issue.path) : [];
    if (issue.path.length === 0) known.push(...extraRootKeys);
    return issue.keys.map((key) => {
      const guess = closest(key, known);
      const field = issue.path.length > 0 ? `${where}.${key}` : `${prefix}${key}`;
      return `${field}: unknown key${guess ? ` (did you mean "${guess}"?)` : known.length ? ` (known keys: ${known.join(", ")})` : ""}`;
    });
  });
}

export function parseClusterConfig(raw: unknown): ClusterConfig {
  const result = clusterConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(result.error, "", clusterConfigSchema));
  return result.data;
}

/** Warnings that do not stop the run. */
export function configWarnings(cfg: ClusterConfig): string[] {
  const warnings: string[] = [];
  if (cfg.nodes.length < 3) {
    warnings.push(`only ${cfg.nodes.length} XMPP node(s): the cluster has no quorum if one node fails`);
  }
  if (cfg.nodes.length % 2 === 0) {
    warnings.push(
      `${cfg.nodes.length} nodes tolerate no more failures than ${cfg.nodes.length - 1}; prefer an odd count`,
    );
  }
  if (cfg.api.insecureSkipVerify) warnings.push("api.insecureSkipVerify is on: the CMS API certificate is not checked");
  return warnings;
}

export function initializerOf(cfg: ClusterConfig): NodeConfig {
  return cfg.nodes.find((n) => n.name === cfg.initializer) ?? cfg.nodes[0];
}

export function xmppAddressOf(node: NodeConfig): string {
  return node.xmppAddress ?? node.address;
}
