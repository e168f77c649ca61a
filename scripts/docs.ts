// npm run docs: writes docs/configuration.md and docs/stack-config.schema.json from the zod schemas in src/core.
// test/docs.test.ts fails when the committed files differ from what this writes.
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { configurationMarkdown } from "./docs/configuration-md";
import { stackFileJsonSchema } from "./docs/stack-file-schema";

/** Each generated file, by its path from the repository root. */
export function generatedDocs(): Record<string, string> {
  return {
    "docs/configuration.md": configurationMarkdown(),
    "docs/stack-config.schema.json": `${JSON.stringify(stackFileJsonSchema(), null, 2)}\n`,
  };
}

if (require.main === module) {
  const root = path.join(__dirname, "..");
  for (const [file, text] of Object.entries(generatedDocs())) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
    console.log(`wrote ${file}`);
  }
}
