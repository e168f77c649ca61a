import { describe, expect, it } from "vitest";
import { dnsConfigSchema } from "../src/core/dns/schema";

const secret = Buffer.alloc(32, 1).toString("base64");
const messages = (raw: unknown) => {
  const r = dnsConfigSchema.safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("dnsConfigSchema", () => {
  it("fills the defaults for an RFC 2136 backend", () => {
    const cfg = dnsConfigSchema.parse({
      backend: "rfc2136",
      zone: "tptac9.com",
      server: { host: "127.0.0.1" },
      tsig: { name: "cms-xmpp-key", secret },
    });
    expect(cfg).toEqual({
      backend: "rfc2136",
      zone: "tptac9.com",
      ttl: 86400,
      componentPort: 5223,
      clientPort: 5222,
      srv: { priority: 10, weight: 10 },
      allowLargeChanges: false,
      server: { host: "127.0.0.1", port: 53 },
      tsig: { name: "cms-xmpp-key", algorithm: "hmac-sha256", secret },
      adoptExisting: false,
      timeoutSeconds: 10,
    });
  });

  it("accepts each backend with its own fields", () => {
    const common = { zone: "tptac9.com" };
    expect(messages({ backend: "route53", ...common, zoneId: "Z0123456789ABCDEFGHIJ" })).toEqual([]);
    expect(messages({ backend: "cloudflare", ...common, zoneId: "0123456789abcdef0123456789abcdef" })).toEqual([]);
    expect(messages({ backend: "zonefile", ...common, directory: "out/dns" })).toEqual([]);
    expect(messages({ backend: "none" })).toEqual([]);
  });

  it("names the field in every message", () => {
    expect(messages({ backend: "bind" })).toEqual([
      'backend: backend must be one of "rfc2136", "route53", "cloudflare", "zonefile" or "none"',
    ]);
    const m = messages({
      backend: "rfc2136",
      zone: "tptac9..com",
      componentPort: 0,
      ttl: 1.5,
      server: { host: "not a host", port: 70000 },
      tsig: { name: "k", algorithm: "hmac-md5", secret: "c2hvcnQ=" },
      srv: { priority: -1, perNode: { cb1: { weight: 65536 } } },
    });
    expect(m).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^zone: must be a DNS name such as tptac9.com/),
        expect.stringMatching(/^componentPort: /),
        "ttl: ttl must be whole seconds",
        "server.host: must be an IP address or a host name of the DNS server",
        expect.stringMatching(/^server.port: /),
        "tsig.algorithm: only hmac-sha256 is supported",
        "tsig.secret: is too short: use a key of at least 128 bits",
        expect.stringMatching(/^srv.priority: /),
        expect.stringMatching(/^srv.perNode.cb1.weight: /),
      ]),
    );
    expect(messages({ backend: "cloudflare", zone: "tptac9.com", zoneId: "abc" })).toEqual([
      "zoneId: must be the Cloudflare zone id (32 hex characters)",
    ]);
  });

  it("never echoes the TSIG secret in its messages", () => {
    const notBase64 = "s3cr3t!not-base64-at-all";
    const r = dnsConfigSchema.safeParse({
      backend: "rfc2136",
      zone: "tptac9.com",
      server: { host: "127.0.0.1" },
      tsig: { name: "k", secret: notBase64 },
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toContain(notBase64);
    expect(r.error?.message).not.toContain(notBase64);
  });
});
