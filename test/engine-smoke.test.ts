// Engine smoke test: runs test/fixtures/engine-smoke through the real Pulumi engine (CLI, nodejs language host,
// tls provider, dynamic-provider launcher) via the Automation API.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispose, engineOrSkipReason, engineVersion, exportedStateText, testStack } from "./support/engine";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`engine-smoke skipped: ${engine.skip}`);

describe.skipIf("skip" in engine)("engine smoke: @pulumi/tls + dynamic provider through the real engine", () => {
  const withTls = !("skip" in engine) && engine.tlsVersion !== null;
  let stack: Stack;

  beforeAll(async () => {
    console.log(`engine: pulumi ${engineVersion()}`);
    if (!withTls) console.warn("@pulumi/tls is unavailable (no tls provider was built): dynamic resource only");
    stack = await testStack({
      workDir: "test/fixtures/engine-smoke",
      config: { "engine-smoke:withTls": { value: String(withTls) } },
    });
  });
  afterAll(async () => {
    await dispose(stack);
  });

  const creates = withTls ? 4 : 2; // the stack itself, the dynamic resource, and PrivateKey + SelfSignedCert

  it("preview reports the creates", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ create: creates });
  });

  it("up creates the resources", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges).toEqual({ create: creates });
    expect(up.outputs.tokenFingerprint.value).toMatch(/^[0-9a-f]{16}$/);
    expect(up.outputs.tokenSecret.secret).toBe(true);
    if (withTls) {
      expect(up.outputs.certPem.value).toContain("-----BEGIN CERTIFICATE-----");
      expect(up.outputs.privateKeyPem.secret).toBe(true);
    }
  });

  it("keeps secret outputs encrypted in `pulumi stack export`", async () => {
    const outputs = await stack.outputs();
    const state = await exportedStateText(stack);
    const tokenSecret = String(outputs.tokenSecret.value);
    expect(tokenSecret).toMatch(/^smoke-secret-[0-9a-f]{32}$/);
    expect(state).toContain(String(outputs.tokenFingerprint.value)); // the plain output is there ...
    expect(state).not.toContain(tokenSecret); // ... the secret one is not
    expect(state).toContain("ciphertext");
    if (withTls) {
      const pem = String(outputs.privateKeyPem.value);
      expect(pem).toContain("PRIVATE KEY-----");
      expect(state).not.toContain(pem);
      expect(state).not.toContain(JSON.stringify(pem).slice(1, -1)); // the PEM as it would appear in JSON
      // The first base64 line holds the private scalar (later lines of an EC key repeat the public key, which
      // is rightly in the state as publicKeyPem).
      const firstLine = pem.split("\n").find((l) => l.length > 0 && !l.startsWith("-----")) ?? "";
      expect(firstLine.length).toBeGreaterThan(40);
      expect(state).not.toContain(firstLine);
    }
  });

  it("a second preview reports no changes", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: creates });
  });

  it("destroy leaves the stack with zero resources", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(destroy.summary.resourceChanges).toEqual({ delete: creates });
    const deployment = (await stack.exportStack()).deployment as { resources?: unknown[] };
    expect(deployment.resources ?? []).toHaveLength(0);
  });
});
