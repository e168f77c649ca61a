// The generated config reference and JSON Schema (`npm run docs`): committed copies are current, and the schema
// accepts the repository's real configs and refuses what the zod schemas refuse for its structure.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { generatedDocs } from "../scripts/docs";
import type { JsonSchema } from "../scripts/docs/stack-file-schema";
import { applyPatch, baseConfig } from "./support/bad-config";

const ROOT = path.join(__dirname, "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const loadYaml = (file: string) => yaml.load(read(file)) as Record<string, unknown>;

const fileSchema = JSON.parse(read("docs/stack-config.schema.json")) as JsonSchema;
const stackFile = z.fromJSONSchema(fileSchema as z.core.JSONSchema.JSONSchema);
/** The `cms-xmpp-resiliency:cluster` value alone. */
const cluster = z.fromJSONSchema({ $ref: "#/$defs/cluster", $defs: fileSchema.$defs } as z.core.JSONSchema.JSONSchema);
const clusterOf = (file: string) =>
  (loadYaml(file).config as Record<string, unknown>)["cms-xmpp-resiliency:cluster"] as Record<string, unknown>;
const lab = () => structuredClone(clusterOf("stacks/Pulumi.lab.yaml"));

describe("generated docs", () => {
  it.each(Object.entries(generatedDocs()))("%s is current", (file, text) => {
    expect(read(file), `${file} is stale: run npm run docs`).toBe(text);
  });

  it("leaves no object open to unknown keys: every mapping has additionalProperties false, or is by node name", () => {
    const open: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (typeof node !== "object" || node === null) return;
      const schema = node as JsonSchema;
      if (schema.type === "object" && schema.additionalProperties !== false) {
        const byName = typeof schema.additionalProperties === "object" && schema.propertyNames !== undefined;
        if (!byName) open.push(at);
      }
      for (const [key, child] of Object.entries(schema)) walk(child, `${at}/${key}`);
    };
    walk(fileSchema.$defs, "#/$defs");
    expect(open).toEqual([]);
  });
});

describe("the stack config JSON Schema", () => {
  it.each(["stacks/Pulumi.lab.yaml", "stacks/Pulumi.dev.yaml"])("accepts %s whole", (file) => {
    expect(stackFile.safeParse(loadYaml(file)).error).toBeUndefined();
  });

  it("accepts the dev stack's cluster value, the engine tests' and the bad-config table's base", () => {
    expect(cluster.safeParse(clusterOf("stacks/Pulumi.dev.yaml")).error).toBeUndefined();
    expect(
      cluster.safeParse(baseConfig([1, 2, 3].map((i) => ({ host: `127.0.1.${i}`, port: 2200 + i })))).error,
    ).toBeUndefined();
  });

  it("accepts a cluster without certificates or dns, the shape examples/separate-program reads", () => {
    const { certificates: _, dns: __, ...separate } = lab();
    expect(cluster.safeParse(separate).error).toBeUndefined();
  });

  it("accepts every example the schemas carry", () => {
    const examples: { at: string; value: Record<string, unknown> }[] = [];
    const walk = (node: unknown, at: string) => {
      if (typeof node !== "object" || node === null) return;
      const schema = node as JsonSchema;
      for (const value of (schema.examples ?? []) as Record<string, unknown>[]) examples.push({ at, value });
      for (const [key, child] of Object.entries(schema)) if (key !== "examples") walk(child, `${at}/${key}`);
    };
    walk(fileSchema.$defs, "#/$defs");
    expect(examples.map((e) => e.value.source)).toEqual(["existing"]);
    for (const { value } of examples) {
      expect(cluster.safeParse({ ...lab(), certificates: value }).error).toBeUndefined();
    }
  });

  it("accepts encrypted secrets where a field is secret, and a TSIG key whose secret is the tsigSecret key", () => {
    const secure = { secure: "v1:abc:def" };
    const byo = { source: "byo", shared: true, certs: { shared: { key: secure, cert: "shared.cer" } } };
    expect(cluster.safeParse({ ...lab(), certificates: byo }).error).toBeUndefined();
    const rfc2136 = { backend: "rfc2136", zone: "tptac9.com", server: { host: "10.0.0.53" }, tsig: { name: "k" } };
    expect(cluster.safeParse({ ...lab(), dns: rfc2136 }).error).toBeUndefined();
    const plainCert = { ...byo, certs: { shared: { key: "shared.key", cert: secure } } };
    expect(cluster.safeParse({ ...lab(), certificates: plainCert }).success).toBe(false);
  });

  it("refuses unknown keys, at the top, nested, in a variant and in the stack file's own namespace", () => {
    expect(cluster.safeParse({ ...lab(), retainOnDelet: true }).success).toBe(false);
    expect(cluster.safeParse({ ...lab(), mmp: { usernme: "admin" } }).success).toBe(false);
    const byo = { source: "byo", certs: { cb1: { key: "k", cert: "c" } } };
    expect(cluster.safeParse({ ...lab(), certificates: byo }).error).toBeUndefined();
    expect(cluster.safeParse({ ...lab(), certificates: { ...byo, validityDays: 90 } }).success).toBe(false);
    expect(cluster.safeParse({ ...lab(), certificates: { ...byo, subject: { O: "Acme" } } }).success).toBe(false);
    const file = loadYaml("stacks/Pulumi.lab.yaml");
    const config = file.config as Record<string, unknown>;
    expect(stackFile.safeParse({ ...file, config: { ...config, "aws:region": "eu-west-1" } }).error).toBeUndefined();
    expect(stackFile.safeParse({ ...file, config: { ...config, "cms-xmpp-resiliency:clustr": {} } }).success).toBe(
      false,
    );
    expect(stackFile.safeParse({ ...file, secretprovider: "passphrase" }).success).toBe(false);
  });

  it("refuses every row of the bad-config table but those only zod's refinements can check", () => {
    const rows = yaml.load(read("test/fixtures/bad-configs.yaml")) as { name: string; patch: unknown }[];
    const base = baseConfig([1, 2, 3].map((i) => ({ host: `127.0.1.${i}`, port: 22 })));
    const accepted = rows.filter((row) => cluster.safeParse(applyPatch(base, row.patch)).success).map((r) => r.name);
    // Counts, uniqueness, references between fields and the IP-or-host-name check have no JSON Schema form.
    expect(accepted).toEqual([
      "two nodes only",
      "two nodes with the same name",
      "two nodes with the same address",
      "an address that is not an IP or host name",
      "an initializer that is not a node",
      "two Call Bridges with the same name",
      "an early renewal longer than the validity",
      "existing without files",
      "a DNS zone that does not contain the domain",
      "DNS client nodes that are not nodes",
    ]);
    expect(rows.length - accepted.length).toBe(26);
  });
});
