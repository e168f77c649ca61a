import { isIP } from "node:net";
import { z } from "zod";
import { isValidName } from "./records";

const dnsName = (example: string) =>
  z.string().refine(isValidName, `must be a DNS name such as ${example} (letters, digits, hyphens, dots)`);
const host = z
  .string()
  .refine((v) => isIP(v) !== 0 || isValidName(v), "must be an IP address or a host name of the DNS server");
const port = (what: string) => z.number().int(`${what} must be a whole number`).min(1).max(65535);
const uint16 = z.number().int().min(0).max(65535);
const nodeName = z.string().min(1, "must name a node");

const srvSchema = z.strictObject({
  /** SRV priority for every node; lower is preferred. */
  priority: uint16.default(10),
  /** SRV weight for every node; shares load among equal priorities. */
  weight: uint16.default(10),
  /** Per-node overrides, keyed by node name; e.g. `{ cb1: { priority: 0 } }` pins the Call Bridges to cb1. */
  perNode: z.record(nodeName, z.strictObject({ priority: uint16.optional(), weight: uint16.optional() })).optional(),
});

const recordFields = {
  /** The DNS zone that holds the records, e.g. tptac9.com. */
  zone: dnsName("tptac9.com"),
  ttl: z.number().int("ttl must be whole seconds").min(1).max(2147483647).default(86400),
  /** Port in `_xmpp-component._tcp` (Call Bridges). */
  componentPort: port("componentPort").default(5223),
  /** Port in `_xmpp-client._tcp` (clients). */
  clientPort: port("clientPort").default(5222),
  /** Only these nodes (by name) go in `_xmpp-client._tcp`; all nodes when absent. */
  clientNodes: z.array(nodeName).min(1, "list at least one node, or leave clientNodes out").optional(),
  srv: srvSchema.prefault({}),
  /** Allow one change to delete or replace more than a third of the stack's records. */
  allowLargeChanges: z.boolean().default(false),
};

const serverSchema = z.strictObject({ host, port: port("server.port").default(53) });

const rfc2136Schema = z.strictObject({
  backend: z.literal("rfc2136"),
  ...recordFields,
  /** The zone's primary server, which accepts signed dynamic updates. */
  server: serverSchema,
  tsig: z.strictObject({
    name: dnsName("cms-xmpp-key"),
    algorithm: z.literal("hmac-sha256", "only hmac-sha256 is supported").default("hmac-sha256"),
    /** Base64, as printed by `tsig-keygen -a hmac-sha256 <name>`. Store it as a Pulumi secret. */
    secret: z
      .string()
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be the base64 secret printed by tsig-keygen")
      .refine((s) => Buffer.from(s, "base64").length >= 16, "is too short: use a key of at least 128 bits"),
  }),
  /** Take over record sets that already exist on the server instead of refusing to create them. */
  adoptExisting: z.boolean().default(false),
  timeoutSeconds: z.number().positive().max(300).default(10),
});

const route53Schema = z.strictObject({
  backend: z.literal("route53"),
  ...recordFields,
  /** Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ. */
  zoneId: z.string().min(1, "must be the Route 53 hosted zone id"),
});

const cloudflareSchema = z.strictObject({
  backend: z.literal("cloudflare"),
  ...recordFields,
  /** Cloudflare zone id (32 hex characters). */
  zoneId: z.string().regex(/^[0-9a-f]{32}$/, "must be the Cloudflare zone id (32 hex characters)"),
});

const zonefileSchema = z.strictObject({
  backend: z.literal("zonefile"),
  ...recordFields,
  /** Where the zone-file lines and the nsupdate script are written. */
  directory: z.string().min(1, "must be a directory path"),
  /** Written into the nsupdate script's `server` line; nsupdate finds the primary from the SOA when absent. */
  server: serverSchema.optional(),
  /** Run `nsupdate -g` (Kerberos, e.g. Microsoft DNS) on the script from the stack, with the optional @pulumi/command. */
  nsupdate: z
    .strictObject({
      run: z.boolean().default(false),
      /** The DNS server nsupdate sends to (port 53), written into the script's `server` line. */
      server: host.optional(),
    })
    .optional(),
});

const noneSchema = z.strictObject({
  backend: z.literal("none"),
  ...recordFields,
  zone: dnsName("tptac9.com").optional(),
});

/** The `dns` part of the stack config: where the cluster's SRV and A records live and how they are written. */
export const dnsConfigSchema = z
  .discriminatedUnion("backend", [rfc2136Schema, route53Schema, cloudflareSchema, zonefileSchema, noneSchema], {
    error: 'backend must be one of "rfc2136", "route53", "cloudflare", "zonefile" or "none"',
  })
  .refine((dns) => !(dns.backend === "zonefile" && dns.server && dns.nsupdate?.server), {
    path: ["nsupdate", "server"],
    message: "dns.server already names the server the script sends to: keep one of the two",
  });

export type DnsConfig = z.infer<typeof dnsConfigSchema>;
export type DnsConfigInput = z.input<typeof dnsConfigSchema>;
export type Rfc2136Config = z.infer<typeof rfc2136Schema>;
export type Route53Config = z.infer<typeof route53Schema>;
export type CloudflareConfig = z.infer<typeof cloudflareSchema>;
export type ZoneFileConfig = z.infer<typeof zonefileSchema>;
