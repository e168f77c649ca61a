// docs/configuration.md, rendered from the stack file's JSON Schema (stack-file-schema.ts), so that every field, type,
// default and description comes from the zod schemas.
import yaml from "js-yaml";
import { type JsonSchema, SECRET_KEYS, stackFileJsonSchema } from "./stack-file-schema";

interface Row {
  field: string;
  type: string;
  default: string;
  description: string;
}

const props = (node: JsonSchema) => (node.properties ?? {}) as Record<string, JsonSchema>;
const required = (node: JsonSchema) => new Set((node.required ?? []) as string[]);
const variants = (node: JsonSchema) => node.oneOf as JsonSchema[] | undefined;
const isSecret = (node: JsonSchema) =>
  (node.anyOf as JsonSchema[] | undefined)?.some((n) => n.$ref === "#/$defs/secureValue") ?? false;
const plain = (node: JsonSchema) => (isSecret(node) ? (node.anyOf as JsonSchema[])[0] : node);
/** The map a record keeps under each node name, when it is one. */
const recordValue = (node: JsonSchema) =>
  typeof node.additionalProperties === "object" ? (node.additionalProperties as JsonSchema) : undefined;

/** A value as YAML flow text: `[a]`, `{type: local, validityDays: 3650}`. */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${flow(v)}`)
      .join(", ")}}`;
  }
  return value === "" ? '""' : String(value);
}

/** The property that tells the variants of a union apart (`source`, `type`, `backend`). */
function discriminator(union: JsonSchema[]): string {
  const name = Object.keys(props(union[0])).find((key) => union.every((v) => props(v)[key]?.const !== undefined));
  if (!name) throw new Error("a oneOf without a discriminating const property");
  return name;
}

function range(node: JsonSchema): string {
  const min = node.minimum as number | undefined;
  const max = (node.maximum as number | undefined) ?? undefined;
  const bounded = max !== undefined && max < Number.MAX_SAFE_INTEGER;
  if (min !== undefined && bounded) return ` ${min}-${max}`;
  const parts = [
    node.exclusiveMinimum !== undefined ? `> ${node.exclusiveMinimum}` : undefined,
    min !== undefined ? `≥ ${min}` : undefined,
    bounded ? `≤ ${max}` : undefined,
  ].filter(Boolean);
  return parts.length ? ` ${parts.join(", ")}` : "";
}

function typeOf(node: JsonSchema): string {
  if (isSecret(node)) return `${typeOf(plain(node))}, secret`;
  if (node.const !== undefined) return `\`${node.const}\``;
  const union = variants(node);
  if (union) return `mapping, by \`${discriminator(union)}\``;
  switch (node.type) {
    case "integer":
    case "number":
      return `${node.type}${range(node)}`;
    case "array": {
      const min = node.minItems as number | undefined;
      return `list of ${typeOf(node.items as JsonSchema)}${min ? `, at least ${min}` : ""}`;
    }
    case "object":
      return recordValue(node) ? "mapping by node name" : "mapping";
    default:
      return String(node.type);
  }
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** A union's row points at its sections, which carry its description. */
function row(field: string, node: JsonSchema, isRequired: boolean, see?: string): Row {
  const own = plain(node);
  const shown = own.default !== undefined && !(own.type === "object" && own.properties);
  return {
    field: `\`${field}\``,
    type: typeOf(node),
    default: isRequired ? "required" : shown ? `\`${flow(own.default)}\`` : "",
    description: see ?? (node.description as string | undefined) ?? "",
  };
}

/** Rows for every field under `node`, depth first; unions become rows of their own and sections later. */
function rows(node: JsonSchema, prefix: string, skip: Set<string> = new Set()): Row[] {
  const need = required(node);
  return Object.entries(props(node))
    .filter(([name]) => !skip.has(name))
    .flatMap(([name, child]) => {
      const field = `${prefix}${name}`;
      const union = variants(child);
      const own = plain(child);
      const items = own.type === "array" ? (own.items as JsonSchema) : undefined;
      const value = recordValue(own);
      const nested =
        !union && own.properties
          ? rows(own, `${field}.`)
          : items?.properties
            ? rows(items, `${field}[].`)
            : value?.properties
              ? rows(value, `${field}.<node>.`)
              : [];
      const see = !union ? undefined : prefix === "" ? `See [\`${field}\`](#${field.toLowerCase()}).` : "See below.";
      return [row(field, child, need.has(name), see), ...nested];
    });
}

function table(all: Row[]): string {
  const lines = ["| field | type | default | description |", "|---|---|---|---|"];
  for (const r of all) lines.push(`| ${r.field} | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`);
  return lines.join("\n");
}

/** Fields every variant has, with the same schema and the same requiredness: listed once. */
function commonFields(union: JsonSchema[], key: string): string[] {
  const [first, ...rest] = union;
  return Object.keys(props(first)).filter(
    (name) =>
      name !== key &&
      rest.every(
        (v) =>
          JSON.stringify(props(v)[name]) === JSON.stringify(props(first)[name]) &&
          required(v).has(name) === required(first).has(name),
      ),
  );
}

function exampleBlock(path: string, node: JsonSchema): string[] {
  const examples = (node.examples ?? []) as unknown[];
  const wrap = (value: unknown) => path.split(".").reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
  return examples.map((e) => `\`\`\`yaml\n${yaml.dump(wrap(e), { flowLevel: 3 }).trimEnd()}\n\`\`\``);
}

/** A section per variant of the union at `path`, its own unions as subsections. */
function unionSections(path: string, union: JsonSchema, level: number): string[] {
  const options = variants(union) as JsonSchema[];
  const key = discriminator(options);
  const common = commonFields(options, key);
  const heading = "#".repeat(level);
  const out = [`${heading} \`${path}\``, ...(union.description ? [union.description as string] : [])];
  if (common.length > 0) {
    const shared: JsonSchema = { properties: Object.fromEntries(common.map((n) => [n, props(options[0])[n]])) };
    shared.required = common.filter((n) => required(options[0]).has(n));
    out.push(`Every \`${key}\` takes:`, table(rows(shared, `${path}.`)));
  }
  for (const option of options) {
    const tag = props(option)[key];
    const isDefault = tag.default !== undefined;
    out.push(`${heading}# \`${path}.${key}: ${tag.const}\`${isDefault ? " (the default)" : ""}`);
    if (option.description) out.push(option.description as string);
    out.push(...exampleBlock(path, option));
    const skip = new Set(common);
    out.push(table(rows(option, `${path}.`, skip)));
    for (const [name, child] of Object.entries(props(option))) {
      if (variants(child)) out.push(...unionSections(`${path}.${name}`, child, level + 2));
    }
  }
  return out;
}

const INTRO = `# Configuration reference

<!-- Generated by \`npm run docs\` from the zod schemas in src/core; do not edit by hand. -->

Everything sits under one stack config key, \`cms-xmpp-resiliency:cluster\`, validated in full before any node is
contacted: every problem is reported with its field, for example \`nodes[2]: duplicate node address
"10.106.81.30:22"\`, and an unknown key gets the known key it most likely meant. \`stacks/Pulumi.lab.yaml\` is a worked
example. For completion and checks in an editor, point it at the JSON Schema
[\`stack-config.schema.json\`](stack-config.schema.json): with the YAML language server, put
\`# yaml-language-server: $schema=../docs/stack-config.schema.json\` at the top of a stack file.

A field marked \`secret\` can be stored encrypted in the stack file, e.g.
\`pulumi config set --secret --path 'cluster.certificates.certs.cb1.key' -- "$(cat cb1.key)"\` (a PEM field may also
name a file instead). The passwords and the TSIG secret are stack config keys of their own:

| key | what |
|---|---|
${Object.entries(SECRET_KEYS)
  .map(([name, what]) => `| \`${name}\` | ${what} Set it with \`pulumi config set --secret ${name}\`. |`)
  .join("\n")}`;

export function configurationMarkdown(): string {
  const cluster = (stackFileJsonSchema().$defs as Record<string, JsonSchema>).cluster;
  const unions = Object.entries(props(cluster)).filter(([, child]) => variants(child));
  const sections = [
    INTRO,
    "## `cluster`",
    table(rows(cluster, "")),
    ...unions.flatMap(([name, child]) => unionSections(name, child, 2)),
  ];
  return `${sections.join("\n\n")}\n`;
}
