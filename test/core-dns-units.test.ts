/** Pure unit tests of src/core/dns: reply reading, the config schema, TSIG, wire helpers, records, scripts. */
import * as dnsPacket from "dns-packet";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  addressRecord,
  canonicalName,
  canonicalValues,
  DnsRecordError,
  isValidName,
  parseSrv,
  xmppRecordSets,
} from "../src/core/dns/records";
import { answerRecordSet, responseCode } from "../src/core/dns/response";
import { dnsConfigSchema } from "../src/core/dns/schema";
import { readTsig, sign, type TsigKey, verify } from "../src/core/dns/tsig";
import { encodeName, layout, readName } from "../src/core/dns/wire";
import { nsupdateRemovalScript, nsupdateScript } from "../src/core/dns/zonefile";

const reply = (answers: dnsPacket.Answer[]) => dnsPacket.encode({ type: "response", id: 7, flags: 0x8000, answers });

describe("responseCode", () => {
  it("is the low four bits of the header's flags", () => {
    const header = Buffer.alloc(12);
    header.writeUInt16BE(0x8185, 2);
    expect(responseCode(header)).toBe(5);
    header.writeUInt16BE(0xfff3, 2);
    expect(responseCode(header)).toBe(3);
  });
});

describe("answerRecordSet", () => {
  it("collects the SRV records at the name, formatted and sorted, with the smallest TTL", () => {
    const buf = reply([
      {
        name: "_xmpp-component._tcp.Example.com",
        type: "SRV",
        ttl: 600,
        data: { priority: 20, weight: 5, port: 5223, target: "CB2.example.com" },
      },
      {
        name: "_xmpp-component._tcp.example.com",
        type: "SRV",
        ttl: 300,
        data: { priority: 10, weight: 7, port: 5223, target: "cb1.example.com" },
      },
      {
        name: "other.example.com",
        type: "SRV",
        ttl: 1,
        data: { priority: 1, weight: 1, port: 1, target: "x.example.com" },
      },
    ]);
    expect(answerRecordSet(buf, "_xmpp-component._tcp.EXAMPLE.com.", "SRV")).toStrictEqual({
      ttl: 300,
      values: ["10 7 5223 cb1.example.com.", "20 5 5223 cb2.example.com."],
    });
  });

  it("collects A records and ignores other types at the same name", () => {
    const buf = reply([
      { name: "cb1.example.com", type: "A", ttl: 60, data: "10.0.0.2" },
      { name: "cb1.example.com", type: "AAAA", ttl: 10, data: "fd00::1" },
      { name: "cb1.example.com", type: "A", ttl: 90, data: "10.0.0.1" },
    ]);
    expect(answerRecordSet(buf, "cb1.example.com", "A")).toStrictEqual({ ttl: 60, values: ["10.0.0.1", "10.0.0.2"] });
    expect(answerRecordSet(buf, "cb1.example.com", "AAAA")).toStrictEqual({ ttl: 10, values: ["fd00::1"] });
  });

  it("is undefined when the answer has no record of that type and name", () => {
    expect(answerRecordSet(reply([]), "cb1.example.com", "A")).toBeUndefined();
    expect(
      answerRecordSet(
        reply([{ name: "cb2.example.com", type: "A", ttl: 60, data: "10.0.0.2" }]),
        "cb1.example.com",
        "A",
      ),
    ).toBeUndefined();
  });
});

type JsonNode = Record<string, unknown>;

function schemaNodes(node: JsonNode, path = "", out: { path: string; node: JsonNode }[] = []) {
  out.push({ path, node });
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, JsonNode>)) {
    schemaNodes(child, path ? `${path}.${key}` : key, out);
  }
  if (typeof node.additionalProperties === "object")
    schemaNodes(node.additionalProperties as JsonNode, `${path}.*`, out);
  if (node.items) schemaNodes(node.items as JsonNode, `${path}[]`, out);
  for (const key of ["oneOf", "anyOf"]) {
    for (const [i, child] of ((node[key] as JsonNode[] | undefined) ?? []).entries())
      schemaNodes(child, `${path}|${i}`, out);
  }
  return out;
}

const dnsJson = () => schemaNodes(z.toJSONSchema(dnsConfigSchema, { io: "input" }) as JsonNode);

const dnsIssues = (raw: unknown) => {
  const result = dnsConfigSchema.safeParse(raw);
  if (result.success) throw new Error("expected a failure");
  return result.error.issues.map((i) => ({ code: i.code, path: i.path.join("."), message: i.message }));
};

const SECRET16 = Buffer.alloc(16, 7).toString("base64");
const RECORD_DEFAULTS = {
  ttl: 86400,
  componentPort: 5223,
  clientPort: 5222,
  srv: { priority: 10, weight: 10 },
  allowLargeChanges: false,
};

describe("dnsConfigSchema documentation", () => {
  it("describes every field except the backend discriminators and list or record entries", () => {
    expect(
      dnsJson()
        .filter((e) => !e.node.description)
        .map((e) => e.path),
    ).toEqual([
      "|0.backend",
      "|0.clientNodes[]",
      "|0.srv.perNode.*",
      "|1.backend",
      "|1.clientNodes[]",
      "|1.srv.perNode.*",
      "|2.backend",
      "|2.clientNodes[]",
      "|2.srv.perNode.*",
      "|3.backend",
      "|3.clientNodes[]",
      "|3.srv.perNode.*",
      "|4.backend",
      "|4.clientNodes[]",
      "|4.srv.perNode.*",
    ]);
  });

  it("marks only the TSIG secret secret, and documents where it comes from", () => {
    const secrets = dnsJson().filter((e) => e.node.secret === true);
    expect(secrets.map((e) => [e.path, e.node.description])).toEqual([
      [
        "|0.tsig.secret",
        "Base64, as printed by `tsig-keygen -a hmac-sha256 <name>`, at least 128 bits. Leave it out here and set it with `pulumi config set --secret tsigSecret <base64>`.",
      ],
    ]);
  });

  it("publishes the zone description on every backend, the optional one included", () => {
    const zone = "The DNS zone that holds the records, e.g. `tptac9.com`; it contains the XMPP domain.";
    expect(
      dnsJson()
        .filter((e) => e.path.endsWith(".zone"))
        .map((e) => e.node.description),
    ).toEqual([zone, zone, zone, zone, zone]);
  });
});

describe("dnsConfigSchema parsing", () => {
  it("fills the defaults of rfc2136, accepting an IPv6 server and an unpadded secret", () => {
    const secret = Buffer.alloc(18, 1).toString("base64");
    expect(secret.endsWith("=")).toBe(false);
    expect(
      dnsConfigSchema.parse({
        backend: "rfc2136",
        zone: "example.com",
        server: { host: "fd00::53" },
        tsig: { name: "k", secret },
      }),
    ).toEqual({
      backend: "rfc2136",
      zone: "example.com",
      ...RECORD_DEFAULTS,
      server: { host: "fd00::53", port: 53 },
      tsig: { name: "k", algorithm: "hmac-sha256", secret },
      adoptExisting: false,
      timeoutSeconds: 10,
    });
  });

  it("accepts a 128-bit secret, a host name, short timeouts and TTLs", () => {
    expect(
      dnsConfigSchema.parse({
        backend: "rfc2136",
        zone: "example.com",
        ttl: 300,
        clientNodes: ["cb1", "cb2"],
        srv: { perNode: { cb1: { priority: 0 } } },
        server: { host: "ns1.example.com", port: 5353 },
        tsig: { name: "k", secret: SECRET16 },
        timeoutSeconds: 5,
      }),
    ).toEqual({
      backend: "rfc2136",
      zone: "example.com",
      ...RECORD_DEFAULTS,
      ttl: 300,
      clientNodes: ["cb1", "cb2"],
      srv: { priority: 10, weight: 10, perNode: { cb1: { priority: 0 } } },
      server: { host: "ns1.example.com", port: 5353 },
      tsig: { name: "k", algorithm: "hmac-sha256", secret: SECRET16 },
      adoptExisting: false,
      timeoutSeconds: 5,
    });
  });

  it("reports each bad rfc2136 field with its own message", () => {
    expect(
      dnsIssues({
        backend: "rfc2136",
        zone: "example.com",
        server: { host: "ns1.example.com", port: 1.5 },
        tsig: { name: "k", secret: Buffer.alloc(15, 7).toString("base64"), algorithm: "hmac-md5" },
        ttl: 2.5,
        componentPort: 0.5,
        clientPort: 70000,
        clientNodes: [],
        timeoutSeconds: 301,
      }),
    ).toEqual([
      { code: "invalid_type", path: "ttl", message: "ttl must be whole seconds" },
      { code: "invalid_type", path: "componentPort", message: "componentPort must be a whole number" },
      { code: "too_big", path: "clientPort", message: "Too big: expected number to be <=65535" },
      { code: "too_small", path: "clientNodes", message: "list at least one node, or leave clientNodes out" },
      { code: "invalid_type", path: "server.port", message: "server.port must be a whole number" },
      { code: "invalid_value", path: "tsig.algorithm", message: "only hmac-sha256 is supported" },
      { code: "custom", path: "tsig.secret", message: "is too short: use a key of at least 128 bits" },
      { code: "too_big", path: "timeoutSeconds", message: "Too big: expected number to be <=300" },
    ]);
  });

  it("rejects secrets that are not base64, names that are not DNS names and empty node names", () => {
    expect(
      dnsIssues({
        backend: "rfc2136",
        zone: "example.com",
        clientNodes: [""],
        server: { host: "not a host" },
        tsig: { name: "bad key!", secret: `${SECRET16}=` },
      }),
    ).toEqual([
      { code: "too_small", path: "clientNodes.0", message: "must name a node" },
      { code: "custom", path: "server.host", message: "must be an IP address or a host name of the DNS server" },
      {
        code: "custom",
        path: "tsig.name",
        message: "must be a DNS name such as cms-xmpp-key (letters, digits, hyphens, dots)",
      },
      { code: "invalid_format", path: "tsig.secret", message: "must be the base64 secret printed by tsig-keygen" },
    ]);
  });

  it("bounds the TTL", () => {
    expect(dnsIssues({ backend: "none", ttl: 2147483648 })).toEqual([
      { code: "too_big", path: "ttl", message: "Too big: expected number to be <=2147483647" },
    ]);
    expect(dnsIssues({ backend: "none", ttl: 0 })).toEqual([
      { code: "too_small", path: "ttl", message: "Too small: expected number to be >=1" },
    ]);
  });

  it("parses route53, cloudflare and none", () => {
    expect(dnsConfigSchema.parse({ backend: "route53", zone: "example.com", zoneId: "Z1" })).toEqual({
      backend: "route53",
      zone: "example.com",
      ...RECORD_DEFAULTS,
      zoneId: "Z1",
    });
    const zoneId = "0123456789abcdef0123456789abcdef";
    expect(dnsConfigSchema.parse({ backend: "cloudflare", zone: "example.com", zoneId })).toEqual({
      backend: "cloudflare",
      zone: "example.com",
      ...RECORD_DEFAULTS,
      zoneId,
    });
    expect(dnsConfigSchema.parse({ backend: "none" })).toEqual({ backend: "none", ...RECORD_DEFAULTS });
  });

  it("needs a whole zone id", () => {
    expect(dnsIssues({ backend: "route53", zone: "example.com", zoneId: "" })).toEqual([
      { code: "too_small", path: "zoneId", message: "must be the Route 53 hosted zone id" },
    ]);
    for (const zoneId of [`x${"a".repeat(32)}`, `${"a".repeat(32)}x`]) {
      expect(dnsIssues({ backend: "cloudflare", zone: "example.com", zoneId })).toEqual([
        { code: "invalid_format", path: "zoneId", message: "must be the Cloudflare zone id (32 hex characters)" },
      ]);
    }
  });

  it("parses zonefile, with nsupdate.run off by default", () => {
    expect(
      dnsConfigSchema.parse({
        backend: "zonefile",
        zone: "example.com",
        directory: "d",
        nsupdate: { server: "10.0.0.2" },
      }),
    ).toEqual({
      backend: "zonefile",
      zone: "example.com",
      ...RECORD_DEFAULTS,
      directory: "d",
      nsupdate: { run: false, server: "10.0.0.2" },
    });
    expect(
      dnsConfigSchema.parse({ backend: "zonefile", zone: "example.com", directory: "d", server: { host: "10.0.0.1" } }),
    ).toEqual({
      backend: "zonefile",
      zone: "example.com",
      ...RECORD_DEFAULTS,
      directory: "d",
      server: { host: "10.0.0.1", port: 53 },
    });
    expect(
      dnsConfigSchema.parse({
        backend: "zonefile",
        zone: "example.com",
        directory: "d",
        server: { host: "10.0.0.1" },
        nsupdate: {},
      }),
    ).toEqual({
      backend: "zonefile",
      zone: "example.com",
      ...RECORD_DEFAULTS,
      directory: "d",
      server: { host: "10.0.0.1", port: 53 },
      nsupdate: { run: false },
    });
  });

  it("refuses two server settings for the zonefile script", () => {
    expect(
      dnsIssues({
        backend: "zonefile",
        zone: "bad_zone!",
        directory: "",
        server: { host: "10.0.0.1" },
        nsupdate: { server: "10.0.0.2" },
      }),
    ).toEqual([
      {
        code: "custom",
        path: "zone",
        message: "must be a DNS name such as tptac9.com (letters, digits, hyphens, dots)",
      },
      { code: "too_small", path: "directory", message: "must be a directory path" },
      {
        code: "custom",
        path: "nsupdate.server",
        message: "dns.server already names the server the script sends to: keep one of the two",
      },
    ]);
    expect(
      dnsIssues({
        backend: "zonefile",
        zone: "example.com",
        directory: "d",
        server: { host: "10.0.0.1" },
        nsupdate: { server: "10.0.0.2" },
      }),
    ).toEqual([
      {
        code: "custom",
        path: "nsupdate.server",
        message: "dns.server already names the server the script sends to: keep one of the two",
      },
    ]);
  });

  it("names the backends it knows", () => {
    expect(dnsIssues({ backend: "bind" })).toEqual([
      {
        code: "invalid_union",
        path: "backend",
        message: 'backend must be one of "rfc2136", "route53", "cloudflare", "zonefile" or "none"',
      },
    ]);
  });
});

const KEY: TsigKey = { name: "cms-key", algorithm: "hmac-sha256", secret: Buffer.alloc(32, 3).toString("base64") };
const query = () =>
  dnsPacket.encode({ type: "query", id: 0x1234, flags: 0, questions: [{ name: "example.com", type: "SOA" }] });

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};

/** A TSIG record written by hand, to build records the signer never makes. */
function tsigRecord(r: { mac: Buffer; otherData?: Buffer; error?: number; time?: number; extra?: Buffer }): Buffer {
  const time = Buffer.alloc(6);
  time.writeUIntBE(r.time ?? 1000, 0, 6);
  const other = r.otherData ?? Buffer.alloc(0);
  const rdata = Buffer.concat([
    encodeName("hmac-sha256"),
    time,
    u16(300),
    u16(r.mac.length),
    r.mac,
    u16(0x1234),
    u16(r.error ?? 0),
    u16(other.length),
    other,
    r.extra ?? Buffer.alloc(0),
  ]);
  return Buffer.concat([encodeName("cms-key"), u16(250), u16(255), Buffer.alloc(4), u16(rdata.length), rdata]);
}

function withRecord(message: Buffer, record: Buffer, section: 6 | 10 = 10): Buffer {
  const out = Buffer.concat([message, record]);
  out.writeUInt16BE(message.readUInt16BE(section) + 1, section);
  return out;
}

describe("TSIG", () => {
  it("reads back exactly the record it signed", () => {
    const { message, mac } = sign(query(), KEY, 1_700_000_000, 120);
    const found = readTsig(message);
    expect(found?.start).toBe(query().length);
    expect(found?.record).toEqual({
      keyName: "cms-key",
      algorithm: "hmac-sha256",
      timeSigned: 1_700_000_000,
      fudge: 120,
      mac,
      originalId: 0x1234,
      error: 0,
      otherData: Buffer.alloc(0),
    });
    expect(mac.length).toBe(32);
  });

  it("reads other data after the MAC", () => {
    const message = withRecord(
      query(),
      tsigRecord({ mac: Buffer.alloc(4, 9), otherData: Buffer.from([1, 2, 3]), error: 18 }),
    );
    expect(readTsig(message)?.record).toEqual({
      keyName: "cms-key",
      algorithm: "hmac-sha256",
      timeSigned: 1000,
      fudge: 300,
      mac: Buffer.alloc(4, 9),
      originalId: 0x1234,
      error: 18,
      otherData: Buffer.from([1, 2, 3]),
    });
  });

  it("finds no TSIG in an unsigned message, after a non-TSIG last record, or outside the additional section", () => {
    expect(readTsig(query())).toBeUndefined();
    const opt = dnsPacket.encode({
      type: "query",
      id: 1,
      questions: [{ name: "a.example", type: "A" }],
      additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096 } as dnsPacket.Answer],
    });
    expect(readTsig(opt)).toBeUndefined();
    expect(readTsig(withRecord(query(), tsigRecord({ mac: Buffer.alloc(2) }), 6))).toBeUndefined();
  });

  it("calls a TSIG record whose RDATA length does not add up malformed", () => {
    const message = withRecord(query(), tsigRecord({ mac: Buffer.alloc(4), extra: Buffer.from([0]) }));
    expect(() => readTsig(message)).toThrow(new Error("the TSIG record of a DNS message is malformed"));
  });

  it("verifies its own signature, with the key name in any case and with a trailing dot", () => {
    const { message } = sign(query(), KEY, 5000);
    expect(verify(message, KEY, 5000).ok).toBe(true);
    expect(verify(message, { ...KEY, name: "CMS-Key." }, 5000).ok).toBe(true);
    const dotted = { ...KEY, name: "cms.key" };
    const signed = sign(query(), dotted, 5000).message;
    expect(verify(signed, { ...dotted, name: "cms.key." }, 5000).ok).toBe(true);
    const check = verify(signed, { ...KEY, name: "cmskey" }, 5000);
    expect(check.ok ? "ok" : check.problem).toBe("wrong-key");
  });

  it("calls a MAC of the wrong length bad, not an error", () => {
    const message = withRecord(query(), tsigRecord({ mac: Buffer.alloc(4), time: 5000 }));
    const check = verify(message, KEY, 5000);
    expect(check.ok ? "ok" : check.problem).toBe("bad-mac");
  });
});

describe("wire helpers", () => {
  it("encodes names lower case, without empty labels or a trailing dot", () => {
    expect([...encodeName("Ab.C.")]).toEqual([2, 0x61, 0x62, 1, 0x63, 0]);
    expect([...encodeName("a..b")]).toEqual([1, 0x61, 1, 0x62, 0]);
    expect([...encodeName("a.b")]).toEqual([1, 0x61, 1, 0x62, 0]);
    expect([...encodeName("")]).toEqual([0]);
    expect([...encodeName("\u00e9")]).toEqual([1, 0xe9, 0]);
  });

  it("takes labels of up to 63 bytes", () => {
    expect(encodeName("a".repeat(63)).length).toBe(65);
    expect(() => encodeName(`${"a".repeat(64)}.com`)).toThrow(
      new Error(`DNS label "${"a".repeat(64)}" is longer than 63 bytes`),
    );
  });

  it("reads at most 128 labels or pointers per name, so a pointer loop ends", () => {
    const labels = (n: number) =>
      Buffer.concat([Buffer.from(Array.from({ length: n }, () => [1, 0x61]).flat()), Buffer.from([0])]);
    expect(readName(labels(127), 0)).toEqual({ name: Array(127).fill("a").join("."), next: 255 });
    expect(() => readName(labels(128), 0)).toThrow(new Error("DNS name has too many compression pointers"));
    const loop = Buffer.from([0xc0, 0x00]);
    expect(() => readName(loop, 0)).toThrow(new Error("DNS name has too many compression pointers"));
  });

  it("lays out a bare header and refuses shorter or overrunning messages", () => {
    const header = Buffer.alloc(12);
    header.writeUInt16BE(0xbeef, 0);
    expect(layout(header)).toEqual({
      id: 0xbeef,
      counts: { question: 0, answer: 0, authority: 0, additional: 0 },
      records: [],
    });
    expect(() => layout(Buffer.alloc(11))).toThrow(new Error("DNS message is shorter than its header"));
    const cut = reply([{ name: "a.example", type: "A", ttl: 1, data: "10.0.0.1" }]);
    expect(() => layout(cut.subarray(0, cut.length - 1))).toThrow(
      new Error("DNS record runs past the end of the message"),
    );
  });
});

describe("records", () => {
  it("canonicalises names: trimmed, lower case, no trailing dot", () => {
    expect(canonicalName("  Cb1.Example.COM. ")).toBe("cb1.example.com");
  });

  it("bounds valid names to 1-253 characters", () => {
    const label = "a".repeat(63);
    const n253 = [label, label, label, "a".repeat(61)].join(".");
    expect(n253.length).toBe(253);
    expect(isValidName(n253)).toBe(true);
    expect(isValidName(`${n253}a`)).toBe(false);
    expect(isValidName("")).toBe(false);
    expect(isValidName(".")).toBe(false);
  });

  it("parses SRV values strictly", () => {
    expect(parseSrv(" 1  2  3  Cb1.Example.com. ")).toEqual({
      priority: 1,
      weight: 2,
      port: 3,
      target: "cb1.example.com",
    });
    expect(parseSrv("0 0 65535 a.b")).toEqual({ priority: 0, weight: 0, port: 65535, target: "a.b" });
    for (const bad of ["x1 2 3 a.b", "65536 2 3 a.b", "1 65536 3 a.b", "1 2 65536 a.b", "1 2 3 -a.b", "1 2 a.b"]) {
      expect(() => parseSrv(bad)).toThrow(
        new DnsRecordError([`"${bad}" is not an SRV value "<priority> <weight> <port> <target>"`]),
      );
    }
  });

  it("names its error and lists the problems in the message", () => {
    const err = new DnsRecordError(["one", "two"]);
    expect([err.name, err.message, err.problems]).toEqual([
      "DnsRecordError",
      "invalid DNS records:\n  - one\n  - two",
      ["one", "two"],
    ]);
  });

  it("reads addresses, trimmed, and rejects what is neither IPv4 nor IPv6", () => {
    expect(addressRecord(" 10.0.0.1 ")).toEqual({ type: "A", value: "10.0.0.1" });
    expect(addressRecord("FD00:0:0::1")).toEqual({ type: "AAAA", value: "fd00::1" });
    expect(() => addressRecord("cb1")).toThrow(new DnsRecordError(['"cb1" is not an IPv4 or IPv6 address']));
  });

  it("sorts address values in code-point order", () => {
    expect(canonicalValues("A", ["10.0.0.9", "10.0.0.10", "10.0.0.9", "10.0.0.1"])).toEqual([
      "10.0.0.1",
      "10.0.0.10",
      "10.0.0.9",
    ]);
  });

  const opts = { ttl: 60, componentPort: 5223, clientPort: 5222, srv: { priority: 10, weight: 10 } };
  const nodes = [
    { name: "cb1", fqdn: "cb1.example.com", address: "10.0.0.1" },
    { name: "cb2", fqdn: "CB2.example.com", address: "10.0.0.2" },
  ];
  const problems = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as DnsRecordError).problems;
    }
    throw new Error("expected a DnsRecordError");
  };

  it("rejects a bad domain, nodes with the same FQDN in another case, and out-of-range TTLs and ports", () => {
    expect(
      problems(() =>
        xmppRecordSets("bad_domain!", [...nodes, { name: "cb3", fqdn: "cb1.EXAMPLE.com", address: "10.0.0.3" }], {
          ...opts,
          ttl: 2147483648,
          componentPort: 0,
          clientPort: 65536,
        }),
      ),
    ).toEqual([
      'domain "bad_domain!" is not a DNS name',
      'nodes cb1 and cb3 have the same fqdn "cb1.example.com"',
      "ttl 2147483648 is out of range",
      "componentPort 0 is not a TCP port",
      "clientPort 65536 is not a TCP port",
    ]);
    expect(problems(() => xmppRecordSets("example.com", nodes, { ...opts, ttl: 0 }))).toEqual([
      "ttl 0 is out of range",
    ]);
  });

  it("accepts the extreme TTLs", () => {
    expect(xmppRecordSets("example.com", [nodes[0]], { ...opts, ttl: 1 })[0].ttl).toBe(1);
    expect(xmppRecordSets("example.com", [nodes[0]], { ...opts, ttl: 2147483647 })[0].ttl).toBe(2147483647);
  });

  it("names bad per-node SRV preferences by node", () => {
    expect(
      problems(() =>
        xmppRecordSets("example.com", nodes, {
          ...opts,
          srv: { priority: 10, weight: 10, perNode: { cb1: { priority: -1 } } },
        }),
      ),
    ).toEqual(["srv.perNode.cb1.priority -1 is not 0-65535"]);
  });
});

describe("nsupdate scripts", () => {
  const sets = [
    { name: "cb1.Example.com", type: "A" as const, ttl: 60, values: ["10.0.0.1", "10.0.0.9"] },
    { name: "_xmpp-client._tcp.example.com", type: "SRV" as const, ttl: 60, values: ["10 10 5222 cb1.example.com."] },
  ];

  it("writes the replacing script without a server line when none is given", () => {
    expect(nsupdateScript(sets.slice(0, 1), { zone: "Example.com." })).toBe(
      [
        "; Replaces the XMPP cluster's SRV and A records, one record set per update.",
        "; Microsoft DNS (secure updates): kinit <admin>@<REALM>, then: nsupdate -g <this file>",
        "; BIND with a TSIG key: nsupdate -k <keyfile> <this file>",
        "zone example.com.",
        "update delete cb1.example.com. A",
        "update add cb1.example.com. 60 IN A 10.0.0.1",
        "update add cb1.example.com. 60 IN A 10.0.0.9",
        "send",
        "",
      ].join("\n"),
    );
  });

  it("writes the removal script: exactly these records, one send", () => {
    expect(nsupdateRemovalScript(sets, { zone: "example.com", server: { host: "10.0.0.53", port: 53 } })).toBe(
      [
        "; Removes the XMPP cluster's SRV and A records that the stack wrote; other records at these names stay.",
        "; Microsoft DNS (secure updates): kinit <admin>@<REALM>, then: nsupdate -g <this file>",
        "server 10.0.0.53 53",
        "zone example.com.",
        "update delete cb1.example.com. A 10.0.0.1",
        "update delete cb1.example.com. A 10.0.0.9",
        "update delete _xmpp-client._tcp.example.com. SRV 10 10 5222 cb1.example.com.",
        "send",
        "",
      ].join("\n"),
    );
    expect(nsupdateRemovalScript([], { zone: "example.com" })).toBe(
      [
        "; Removes the XMPP cluster's SRV and A records that the stack wrote; other records at these names stay.",
        "; Microsoft DNS (secure updates): kinit <admin>@<REALM>, then: nsupdate -g <this file>",
        "zone example.com.",
        "send",
        "",
      ].join("\n"),
    );
  });
});
