import { existsSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { dispose, engineOrSkipReason, inlineTestStack } from "./support/engine";
import { findSecrets, secretsInConfig, secretsInState } from "./support/secrets";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`secret search engine test skipped: ${engine.skip}`);

describe("the shared secret search", () => {
  const tsig = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
  const hex = Buffer.from(tsig, "base64").toString("hex");

  it("finds each secret where it is, a TSIG key as base64 and as hex, and a PEM private key by its marker", () => {
    const places: [string, string][] = [
      ["engine output", "ok Mmp-Test-Pw-7f3k9q ok"],
      ["backend/history.json", `{"secret":"${hex}"}`],
      ["dns-out/zone", `key ${tsig}`],
      ["logs/x.log", "-----BEGIN PRIVATE KEY-----\nMII..."],
      ["logs/y.log", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl..."],
      ["clean", "nothing here"],
    ];
    expect(findSecrets(places, ["Mmp-Test-Pw-7f3k9q", "Api-Test-Pw-2m8v4r"], [tsig])).toEqual([
      "engine output: Mmp-…",
      `backend/history.json: ${hex.slice(0, 4)}…`,
      `dns-out/zone: ${tsig.slice(0, 4)}…`,
      "logs/x.log: a PEM private key",
      "logs/y.log: a PEM private key",
    ]);
  });

  it("refuses a secret too short to search for", () => {
    expect(() => findSecrets([], ["admin"])).toThrow('secret "admi…" is too short to search for');
  });

  it("takes from a structured secret config only the values of secret keys, and a private key's first body line", () => {
    const body = ["MIIBVwIBADANBgkqhkiG9w0BAQEFAASCAUEwggE9AgEAAkEA", "q7BFUpkGp3+LQmlQYxwdT0VNyOKW1ihsQSb9xJf8"];
    const key = `-----BEGIN PRIVATE KEY-----\n${body.join("\n")}\n-----END PRIVATE KEY-----\n`;
    const config = JSON.stringify({
      backend: "rfc2136",
      zone: "example.com",
      tsig: { name: "xmpp-update", secret: tsig },
      certs: { cb1: { key, cert: "-----BEGIN CERTIFICATE-----\nMIIpublic\n-----END CERTIFICATE-----\n" } },
    });
    expect(secretsInConfig(config)).toEqual([tsig, key.trim(), body[0]]);
    expect(secretsInConfig("Mmp-Test-Pw-7f3k9q")).toEqual(["Mmp-Test-Pw-7f3k9q"]);
    // Whole and its first line only: an OpenSSH private key embeds its public key, so its other lines may be public.
    const openssh =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----";
    expect(secretsInConfig(JSON.stringify({ privateKey: openssh }))).toEqual([
      openssh,
      "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
    ]);
  });

  it("finds every secret in a decrypted deployment, nested values included, and nothing public", () => {
    const secret = (value: unknown) => ({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      plaintext: JSON.stringify(value),
    });
    const deployment = {
      resources: [
        { outputs: { name: "public-name", secrets: secret({ cb1: "kvgP1SRzWVabhiPVAb1", cb2: "x" }) } },
        { outputs: { password: secret("Api-Test-Pw-2m8v4r"), fingerprint: "SHA256:public" } },
      ],
    };
    expect(secretsInState(deployment)).toEqual(["kvgP1SRzWVabhiPVAb1", "Api-Test-Pw-2m8v4r"]);
  });

  it.skipIf("skip" in engine)(
    "dispose fails a stack that left one of its secrets in plaintext, and still removes the stack",
    async () => {
      vi.setConfig({ testTimeout: 120_000 });
      const stack = await inlineTestStack({
        projectName: "leaky",
        config: { "leaky:token": { value: "Tok-9f3k2m7q1z", secret: true } },
        // The engine masks known secrets in log messages, but not in an output that was unsecret()ed.
        program: async () => ({ token: pulumi.unsecret(new pulumi.Config().requireSecret("token")) }),
      });
      await stack.up();
      const failure = await dispose(stack).then(
        () => "no error",
        (err: Error) => err.message,
      );
      // The engine masks the value in what it prints, and destroy emptied the state: the backend's history keeps it.
      const [head, ...found] = failure.split("\n");
      expect(head).toBe("secrets found in plaintext:");
      expect(found.map((f) => f.replace(/^.*\/state\/\.pulumi\/(\w+)\/leaky\/.*: /, "$1: ")).sort()).toEqual([
        "backups: Tok-…",
        "history: Tok-…",
        "stacks: Tok-…",
      ]);
      // Its temporary backend and work dir are gone with it.
      expect(existsSync(stack.workspace.workDir)).toBe(false);
    },
  );
});
