import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
  keyPem: string;
  certPem: string;
  caPem: string;
}

/** A throwaway CA and one leaf for `domain` plus `names` as SANs, made with the openssl CLI. */
export function issueTestCertificate(domain: string, names: string[]): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "cms-pki-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.cer",
    "-days",
    "30",
    "-subj",
    "/CN=Test Root CA",
  );
  run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", `/CN=${domain}`);
  writeFileSync(join(dir, "ext.cnf"), `subjectAltName=${[domain, ...names].map((n) => `DNS:${n}`).join(",")}\n`);
  run(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.cer",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.cer",
    "-days",
    "30",
    "-extfile",
    "ext.cnf",
  );
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return { keyPem: read("leaf.key"), certPem: read("leaf.cer"), caPem: read("ca.cer") };
}
