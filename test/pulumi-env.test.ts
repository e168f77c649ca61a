import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { engineOrSkipReason, REPO_ROOT } from "./support/engine";

// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
const SHOW = "echo ${PULUMI_CONFIG_PASSPHRASE:-unset} $PULUMI_CONFIG_PASSPHRASE_FILE";

describe("scripts/pulumi-env.sh", () => {
  it("never exports a passphrase, so a real stack is never encrypted with the public dev one", () => {
    const out = execFileSync(
      "env",
      ["-i", "bash", "--norc", "--noprofile", "-c", `source scripts/pulumi-env.sh >/dev/null 2>&1; ${SHOW}`],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    );
    expect(out).toBe("unset\n");
  });

  it("keeps a passphrase file the admin set", () => {
    const out = execFileSync(
      "env",
      [
        "-i",
        "PULUMI_CONFIG_PASSPHRASE_FILE=/secure/lab",
        "bash",
        "--norc",
        "--noprofile",
        "-c",
        `source scripts/pulumi-env.sh >/dev/null 2>&1; ${SHOW}`,
      ],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    expect(out).toBe("unset /secure/lab\n");
  });

  // The banner with the backend is printed only when an engine is recorded.
  it.skipIf("skip" in engineOrSkipReason())("keeps a team backend URL and never prints its password", () => {
    const url = "postgres://pulumi:Db-Pw-9x7c@db.example.com:5432/pulumi?sslmode=verify-full";
    const out = execFileSync(
      "env",
      [
        "-i",
        `PULUMI_BACKEND_URL=${url}`,
        "bash",
        "--norc",
        "--noprofile",
        "-c",
        'source scripts/pulumi-env.sh 2>&1; echo "$PULUMI_BACKEND_URL"',
      ],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    const [banner, kept] = out.trimEnd().split("\n");
    expect(banner).toMatch(
      /^pulumi-env: \S+ v\d+\.\d+\.\d+, PULUMI_HOME=\S+, backend postgres:\/\/pulumi:\*\*\*\*@db\.example\.com:5432\/pulumi\?sslmode=verify-full$/,
    );
    expect(kept).toBe(url);
  });
});
