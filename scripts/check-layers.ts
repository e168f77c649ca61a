// npm run check: imports in src/ only point down the layers (core ← clients ← engine ← resources ← program), and
// only the layers that talk to Pulumi import it. Usage: tsx scripts/check-layers.ts [repo-root]
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

const LAYERS = ["core", "clients", "engine", "resources", "program"] as const;
type Layer = (typeof LAYERS)[number];

/** Packages each layer may import besides `node:` built-ins and the layers below it. */
const PACKAGES: Record<Layer, RegExp> = {
  core: /^(zod|dns-packet)$/,
  clients: /^(zod|ssh2|dns-packet|fast-xml-parser)$/,
  engine: /^(zod)$/,
  // runtime/invoke: start-providers.ts runs before `@pulumi/pulumi`'s index has loaded.
  resources: /^(zod|@pulumi\/[a-z0-9-]+|@pulumi\/pulumi\/runtime\/invoke)$/,
  program: /^(zod|@pulumi\/[a-z0-9-]+)$/,
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return full.endsWith(".ts") ? [full] : [];
  });
}

function specifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found = code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)"([^"]+)"/gm);
  return [...found].map((m) => m[1] as string);
}

export function layerViolations(root: string): string[] {
  const src = path.join(root, "src");
  const layerOf = (file: string): Layer | undefined => {
    // The package entry (src/index.ts) is the top, beside the program.
    if (path.relative(src, file) === "index.ts") return "program";
    const first = path.relative(src, file).split(path.sep)[0];
    return LAYERS.find((l) => l === first);
  };
  const violations: string[] = [];
  for (const file of tsFiles(src)) {
    const layer = layerOf(file);
    const shown = path.relative(root, file);
    if (!layer) {
      violations.push(`${shown}: not in a layer folder (${LAYERS.join(", ")})`);
      continue;
    }
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) {
        const target = path.resolve(path.dirname(file), spec);
        const targetLayer = target.startsWith(src + path.sep) ? layerOf(target) : undefined;
        if (!targetLayer) violations.push(`${shown}: imports "${spec}", outside src/`);
        else if (LAYERS.indexOf(targetLayer) > LAYERS.indexOf(layer))
          violations.push(`${shown}: ${layer} imports "${spec}" from ${targetLayer}, a layer above it`);
      } else if (!spec.startsWith("node:") && !PACKAGES[layer].test(spec)) {
        violations.push(`${shown}: ${layer} may not import "${spec}"`);
      }
    }
  }
  return violations;
}

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, ".."));
  const violations = layerViolations(root);
  for (const v of violations) console.error(v);
  if (violations.length) {
    console.error(`\n${violations.length} import(s) break the layer rule (see ARCHITECTURE.md)`);
    process.exit(1);
  }
  console.log("layers: every import in src/ points down");
}
