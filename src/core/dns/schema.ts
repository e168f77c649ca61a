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

const srvSchema = z
  .strictObject({
    priority: uint16.default(10).describe("SRV priority of every node; lower is preferred."),
    weight: uint16.default(10).describe("SRV weight of every node; shares the load among equal priorities."),
    perNode: z
      .record(
        nodeName,
        z.strictObject({
          priority: uint16.optional().describe("This node's SRV priority."),
          weight: uint16.optional().describe("This node's SRV weight."),
        }),
      )
      .optional()
      .describe("Per-node overrides by node name; e.g. `{ cb1: { priority: 0 } }` pins the Call Bridges to cb1."),
  })
  .describe("Priority and weight of the SRV targets.");

const zoneDescription = "The DNS zone that holds the records, e.g. `tptac9.com`; it contains the XMPP domain.";

const recordFields = {
  zone: dnsName("tptac9.com").describe(zoneDescription),
  ttl: z
    .number()
    .int("ttl must be whole seconds")
    .min(1)
    .max(2147483647)
    .default(86400)
    .describe("TTL of every record, in seconds."),
  componentPort: port("componentPort").default(5223).describe("Port in `_xmpp-component._tcp` (the Call Bridges)."),
  clientPort: port("clientPort").default(5222).describe("Port in `_xmpp-client._tcp` (the clients)."),
  clientNodes: z
    .array(nodeName)
    .min(1, "list at least one node, or leave clientNodes out")
    .optional()
    .describe("Only these nodes (by name) go in `_xmpp-client._tcp`; every node when left out."),
  srv: srvSchema.prefault({}),
  allowLargeChanges: z
    .boolean()
    .default(false)
    .describe("Allow one change to delete or replace more than a third of the stack's records."),
};

const serverSchema = z.strictObject({
  host: host.describe("IP address or host name of the DNS server."),
  port: port("server.port").default(53).describe("Its DNS port (TCP)."),
});

/** Its `secret` comes from the stack config key `tsigSecret` (see stack-config.ts). */
export const tsigSchema = z
  .strictObject({
    name: dnsName("cms-xmpp-key").describe("The TSIG key name, as in the server's `key` statement."),
    algorithm: z
      .literal("hmac-sha256", "only hmac-sha256 is supported")
      .default("hmac-sha256")
      .describe("The TSIG algorithm."),
    secret: z
      .string()
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be the base64 secret printed by tsig-keygen")
      .refine((s) => Buffer.from(s, "base64").length >= 16, "is too short: use a key of at least 128 bits")
      .meta({
        description:
          "Base64, as printed by `tsig-keygen -a hmac-sha256 <name>`, at least 128 bits. Leave it out here and set it with `pulumi config set --secret tsigSecret <base64>`.",
        secret: true,
      }),
  })
  .describe("The TSIG key that signs the updates.");

const rfc2136Schema = z
  .strictObject({
    backend: z.literal("rfc2136"),
    ...recordFields,
    server: serverSchema.describe("The zone's primary server, which accepts signed dynamic updates."),
    tsig: tsigSchema,
    adoptExisting: z
      .boolean()
      .default(false)
      .describe("Take over record sets that already exist on the server instead of refusing to create them."),
    timeoutSeconds: z.number().positive().max(300).default(10).describe("How long one DNS update or query may take."),
  })
  .describe(
    "RFC 2136 dynamic updates signed with TSIG, e.g. to BIND. After every change the records are queried back from the server.",
  );

const route53Schema = z
  .strictObject({
    backend: z.literal("route53"),
    ...recordFields,
    zoneId: z
      .string()
      .min(1, "must be the Route 53 hosted zone id")
      .describe("The Route 53 hosted zone id, e.g. `Z0123456789ABCDEFGHIJ`."),
  })
  .describe(
    "Amazon Route 53 records through `@pulumi/aws` (install it next to this package; AWS credentials as usual).",
  );

const cloudflareSchema = z
  .strictObject({
    backend: z.literal("cloudflare"),
    ...recordFields,
    zoneId: z
      .string()
      .regex(/^[0-9a-f]{32}$/, "must be the Cloudflare zone id (32 hex characters)")
      .describe("The Cloudflare zone id (32 hex characters)."),
  })
  .describe(
    "Cloudflare records through `@pulumi/cloudflare` (install it next to this package; its API token as usual).",
  );

const zonefileSchema = z
  .strictObject({
    backend: z.literal("zonefile"),
    ...recordFields,
    directory: z
      .string()
      .min(1, "must be a directory path")
      .describe("Where the zone-file lines and the nsupdate scripts are written, relative to the Pulumi project."),
    server: serverSchema
      .optional()
      .describe(
        "Written into the nsupdate script's `server` line; nsupdate finds the primary from the SOA when left out.",
      ),
    nsupdate: z
      .strictObject({
        run: z
          .boolean()
          .default(false)
          .describe(
            "Run `nsupdate -g` on the script from the stack (Kerberos, e.g. Microsoft DNS), with the optional @pulumi/command.",
          ),
        server: host
          .optional()
          .describe("The DNS server nsupdate sends to (port 53), written into the script's `server` line."),
      })
      .optional()
      .describe("Apply the script from the stack instead of by hand."),
  })
  .describe(
    "Nothing is sent: the records are written to `<directory>/<zone>.xmpp.zone` as zone-file lines and to `<directory>/<zone>.xmpp.nsupdate` as an nsupdate script (and, when the stack is deleted, `<directory>/<zone>.xmpp.remove.nsupdate` to remove them). For Microsoft DNS, run the script on a domain-joined host: `kinit`, then `nsupdate -g <directory>/<zone>.xmpp.nsupdate` (GSS-TSIG secure update).",
  );

const noneSchema = z
  .strictObject({
    backend: z.literal("none"),
    ...recordFields,
    zone: dnsName("tptac9.com").optional().describe(zoneDescription),
  })
  .describe("No records are written or checked: you keep DNS yourself (the default when `dns` is left out).");

export const dnsConfigSchema = z
  .discriminatedUnion("backend", [rfc2136Schema, route53Schema, cloudflareSchema, zonefileSchema, noneSchema], {
    error: 'backend must be one of "rfc2136", "route53", "cloudflare", "zonefile" or "none"',
  })
  .refine((dns) => !(dns.backend === "zonefile" && dns.server && dns.nsupdate?.server), {
    path: ["nsupdate", "server"],
    message: "dns.server already names the server the script sends to: keep one of the two",
  })
  .describe(
    "Where the cluster's SRV and A records live and how they are written, chosen by `backend`. The records: one `_xmpp-component._tcp` and one `_xmpp-client._tcp` target per node, and one A/AAAA record per node FQDN, built from the node list so that a node can be neither missing nor doubled.",
  );

export type DnsConfig = z.infer<typeof dnsConfigSchema>;
export type DnsConfigInput = z.input<typeof dnsConfigSchema>;
export type Rfc2136Config = z.infer<typeof rfc2136Schema>;
export type Route53Config = z.infer<typeof route53Schema>;
export type CloudflareConfig = z.infer<typeof cloudflareSchema>;
export type ZoneFileConfig = z.infer<typeof zonefileSchema>;
