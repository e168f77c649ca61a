// The bad-input table (test/fixtures/bad-configs.yaml) through `pulumi preview` of the stack program: every row is
// refused with its exact problem line and "Nothing was changed on any node.", and no node sees a connection.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPatch, baseConfig } from "./support/bad-config";
import { dispose, engineOrSkipReason, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";

interface Row {
  name: string;
  patch: unknown;
  expect: string;
}
const rows = yaml.load(readFileSync(path.join(__dirname, "fixtures", "bad-configs.yaml"), "utf8")) as Row[];

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`bad-config previews skipped: ${engine.skip}`);

describe.skipIf("skip" in engine)("bad stack configs are refused by preview before any node is contacted", () => {
  const servers: Server[] = [];
  let connections = 0;
  let base: Record<string, unknown>;
  let stack: Stack;

  beforeAll(async () => {
    // Stand-ins for the nodes' SSH ports: they only count who connects.
    const prefix = randomLoopbackPrefix();
    const endpoints = await Promise.all(
      [1, 2, 3].map(
        (i) =>
          new Promise<{ host: string; port: number }>((resolve) => {
            const server = createServer((socket) => {
              connections += 1;
              socket.destroy();
            });
            servers.push(server);
            server.listen(0, `${prefix}.${i}`, () => {
              resolve({ host: `${prefix}.${i}`, port: (server.address() as { port: number }).port });
            });
          }),
      ),
    );
    base = baseConfig(endpoints);
    stack = await testStack({
      workDir: ".",
      config: {
        "cms-xmpp-resiliency:mmpPassword": { value: "Mmp-Pw-not-used-5k2", secret: true },
        "cms-xmpp-resiliency:apiPassword": { value: "Api-Pw-not-used-8q1", secret: true },
      },
    });
  });

  afterAll(async () => {
    await dispose(stack);
    for (const server of servers) server.close();
  });

  it("has at least 30 rows, each with a distinct name", () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [r.name, r] as const))("%s", async (_name, row) => {
    const cluster = applyPatch(base, row.patch);
    await stack.setConfig("cms-xmpp-resiliency:cluster", { value: JSON.stringify(cluster) });
    const address = (base.nodes as { address: string }[])[0]?.address ?? "";
    let output = "";
    try {
      await stack.preview();
    } catch (err) {
      output = String(err);
    }
    expect(output).toContain(`  - ${row.expect.replace("@node0", address)}\n`);
    expect(output).toContain("Nothing was changed on any node.");
    expect(connections).toBe(0);
  });

  it("the valid base config itself passes validation (the stand-ins then refuse SSH)", async () => {
    await stack.setConfig("cms-xmpp-resiliency:cluster", { value: JSON.stringify(base) });
    let output = "";
    try {
      await stack.preview();
    } catch (err) {
      output = String(err);
    }
    expect(output).not.toContain("invalid stack config");
    expect(connections).toBeGreaterThan(0);
  });
});
