import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Certificates built with the openssl CLI, an implementation independent of the code under test. */
export interface Issued {
  key: string;
  cert: string;
  csr: string;
}

export interface IssueOptions {
  cn?: string;
  sans?: string[];
  /** `root`, `intermediate`, `other` (an unrelated root), or an Issued CA. */
  issuer?: "root" | "intermediate" | "other" | Issued;
  /** openssl ca date format: YYYYMMDDHHMMSSZ */
  start?: string;
  end?: string;
  ca?: boolean;
  rsa?: boolean;
  /** Sign the CSR of this existing key instead of a new one. */
  key?: string;
}

export const DOMAIN = "tptac9.com";
export const FQDNS = ["cb1.tptac9.com", "cb2.tptac9.com", "cb3.tptac9.com"];
export const ALL_NAMES = [DOMAIN, ...FQDNS];

export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), "certs-test-"));
  readonly root: Issued;
  readonly intermediate: Issued;
  readonly other: Issued;
  private serial = 0;

  constructor() {
    mkdirSync(join(this.dir, "new"));
    writeFileSync(join(this.dir, "index.txt"), "");
    writeFileSync(join(this.dir, "serial"), "1000\n");
    writeFileSync(
      join(this.dir, "ca.cnf"),
      [
        "[ca]",
        "default_ca = d",
        "[d]",
        `database = ${join(this.dir, "index.txt")}`,
        `new_certs_dir = ${join(this.dir, "new")}`,
        `serial = ${join(this.dir, "serial")}`,
        "default_md = sha256",
        "policy = p",
        "unique_subject = no",
        "email_in_dn = no",
        "[p]",
        "commonName = supplied",
        "organizationName = optional",
        "[req]",
        "distinguished_name = dn",
        "[dn]",
        "",
      ].join("\n"),
    );
    this.root = this.selfSigned("Test Root CA");
    this.other = this.selfSigned("Other Root CA");
    this.intermediate = this.issue({ cn: "Test Intermediate CA", issuer: "root", ca: true });
  }

  private run(args: string[], input?: string): string {
    return execFileSync("openssl", args, { cwd: this.dir, input, stdio: ["pipe", "pipe", "pipe"] }).toString();
  }

  private file(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  newKey(rsa = false): string {
    return rsa
      ? this.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
      : this.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  }

  private selfSigned(cn: string): Issued {
    const key = this.newKey();
    const keyFile = this.file(`k${++this.serial}.pem`, key);
    const cert = this.run([
      "req",
      "-x509",
      "-new",
      "-key",
      keyFile,
      "-subj",
      `/CN=${cn}`,
      "-days",
      "3650",
      "-config",
      join(this.dir, "ca.cnf"),
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
      "-addext",
      "subjectKeyIdentifier=hash",
    ]);
    return { key, cert, csr: "" };
  }

  /** A certificate signed by `issuer` (default: the intermediate), by default for all of ALL_NAMES. */
  issue(options: IssueOptions = {}): Issued {
    const n = ++this.serial;
    const key = options.key ?? this.newKey(options.rsa);
    const keyFile = this.file(`k${n}.pem`, key);
    const cn = options.cn ?? DOMAIN;
    const csr = this.run(["req", "-new", "-key", keyFile, "-subj", `/CN=${cn}`, "-config", join(this.dir, "ca.cnf")]);
    const csrFile = this.file(`r${n}.csr`, csr);
    const signer = typeof options.issuer === "object" ? options.issuer : this[options.issuer ?? "intermediate"];
    const ext = options.ca
      ? ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"]
      : [
          "basicConstraints=CA:FALSE",
          "keyUsage=digitalSignature,keyEncipherment",
          "extendedKeyUsage=serverAuth,clientAuth",
        ];
    const sans = options.sans ?? (options.ca ? [] : ALL_NAMES);
    if (sans.length > 0) ext.push(`subjectAltName=${sans.map((s) => `DNS:${s}`).join(",")}`);
    ext.push("subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid");
    const extFile = this.file(`e${n}.cnf`, `[x]\n${ext.join("\n")}\n`);
    const dates = [
      ...(options.start ? ["-startdate", options.start] : []),
      ...(options.end ? ["-enddate", options.end] : ["-days", "365"]),
    ];
    this.run([
      "ca",
      "-batch",
      "-notext",
      "-config",
      join(this.dir, "ca.cnf"),
      "-cert",
      this.file(`c${n}.pem`, signer.cert),
      "-keyfile",
      this.file(`ck${n}.pem`, signer.key),
      "-in",
      csrFile,
      "-out",
      `o${n}.pem`,
      "-extfile",
      extFile,
      "-extensions",
      "x",
      ...dates,
    ]);
    return { key, cert: readFileSync(join(this.dir, `o${n}.pem`), "utf8"), csr };
  }

  /** `openssl verify` of `leaf` against `bundle` (root last); true when openssl accepts the chain. */
  verify(leaf: string, bundle: string[]): boolean {
    const root = bundle[bundle.length - 1];
    const untrusted = bundle.slice(0, -1).join("");
    const args = ["verify", "-CAfile", this.file("v-root.pem", root)];
    if (untrusted) args.push("-untrusted", this.file("v-chain.pem", untrusted));
    try {
      this.run([...args, this.file("v-leaf.pem", leaf)]);
      return true;
    } catch {
      return false;
    }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
