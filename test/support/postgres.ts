import { execFile, execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const SCRIPT = resolve(__dirname, "../../scripts/postgres-fixture.sh");
const CLIENTS = ["psql", "pg_dump", "openssl"];

/** A PostgreSQL on 127.0.0.1 started by scripts/postgres-fixture.sh, with the database and role `pulumi`. */
export interface PostgresServer {
  host: "127.0.0.1";
  port: number;
  /** The `pulumi` role's password. */
  password: string;
  /** `postgres://pulumi:<password>@127.0.0.1:<port>/pulumi?sslmode=disable`: a Pulumi backend URL. */
  url: string;
  /** The same without the password, for use with PGPASSWORD (as the README shows). */
  urlWithoutPassword: string;
  /** Rows of a query as the `pulumi` role, each a list of its columns. */
  query(sql: string): Promise<string[][]>;
  /** `pg_dump` of the `pulumi` database, plain SQL. */
  dump(): string;
  stop(): void;
}

function serverInstalled(): boolean {
  const root = "/usr/lib/postgresql";
  const debian = existsSync(root) && readdirSync(root).some((v) => existsSync(join(root, v, "bin", "postgres")));
  return debian || spawnSync("sh", ["-c", "command -v pg_ctl && command -v initdb"]).status === 0;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. Under CI a missing tool is an error, not a skip. */
export function postgresSkipReason(): string | undefined {
  const missing = CLIENTS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
  if (!serverInstalled()) missing.unshift("postgres (/usr/lib/postgresql/<version>/bin)");
  if (missing.length === 0) return undefined;
  const reason = `PostgreSQL missing (${missing.join(", ")}): apt-get install postgresql openssl`;
  if (process.env.CI) throw new Error(reason);
  console.warn(`skipping PostgreSQL tests: ${reason}`);
  return reason;
}

export function startPostgres(): PostgresServer {
  const parent = mkdtempSync(join(tmpdir(), "pg-fixture-"));
  chmodSync(parent, 0o755); // as root the server runs as the postgres user, which must reach the dir
  const dir = join(parent, "pg");
  const port = Number(execFileSync("bash", [SCRIPT, "start", dir], { encoding: "utf8" }).trim());
  const password = readFileSync(join(dir, "password"), "utf8").trim();
  const client = ["-h", "127.0.0.1", "-p", String(port), "-U", "pulumi", "-d", "pulumi"];
  const env = { ...process.env, PGPASSWORD: password };
  return {
    host: "127.0.0.1",
    port,
    password,
    url: `postgres://pulumi:${password}@127.0.0.1:${port}/pulumi?sslmode=disable`,
    urlWithoutPassword: `postgres://pulumi@127.0.0.1:${port}/pulumi?sslmode=disable`,
    async query(sql) {
      const args = ["-X", "-A", "-t", "-F", "\t", ...client, "-c", sql];
      const { stdout } = await execFileAsync("psql", args, { env, maxBuffer: 256 << 20 });
      return stdout
        .split("\n")
        .filter(Boolean)
        .map((row) => row.split("\t"));
    },
    dump() {
      return execFileSync("pg_dump", client, { env, encoding: "utf8", maxBuffer: 256 << 20 });
    },
    stop() {
      execFileSync("bash", [SCRIPT, "stop", dir]);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
