import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TsigKey } from "../../src/core/dns/tsig";

const SCRIPT = resolve(__dirname, "../../scripts/bind-fixture.sh");
const TOOLS = ["named", "tsig-keygen", "dig", "nsupdate"];

/** A BIND9 primary on 127.0.0.1 started by scripts/bind-fixture.sh. */
export interface BindServer {
  host: "127.0.0.1";
  port: number;
  dir: string;
  zones: string[];
  /** Allowed to update every zone. */
  key: TsigKey;
  keyFile: string;
  /** Known to the server but not allowed to update anything. */
  otherKey: TsigKey;
  stop(): void;
}

/** Why BIND tests cannot run here, or undefined when they can. Under CI a missing tool is an error, not a skip. */
export function bindSkipReason(): string | undefined {
  const missing = TOOLS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
  if (missing.length === 0) return undefined;
  const reason = `BIND tools missing (${missing.join(", ")}): apt-get install bind9 bind9-utils bind9-dnsutils`;
  if (process.env.CI) throw new Error(reason);
  console.warn(`skipping BIND tests: ${reason}`);
  return reason;
}

export function startBind(zones: string[] = ["example.com"]): BindServer {
  const parent = mkdtempSync(join(tmpdir(), "dns-bind-"));
  chmodSync(parent, 0o755); // named drops to user nobody when started as root
  const dir = join(parent, "named");
  const port = Number(execFileSync("bash", [SCRIPT, "start", dir, ...zones], { encoding: "utf8" }).trim());
  const keyFile = join(dir, "tsig.key");
  return {
    host: "127.0.0.1",
    port,
    dir,
    zones,
    key: readKeyFile(keyFile),
    keyFile,
    otherKey: readKeyFile(join(dir, "other.key")),
    stop() {
      execFileSync("bash", [SCRIPT, "stop", dir]);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

export function readKeyFile(path: string): TsigKey {
  const text = readFileSync(path, "utf8");
  const name = /key\s+"([^"]+)"/.exec(text)?.[1];
  const secret = /secret\s+"([^"]+)"/.exec(text)?.[1];
  if (!name || !secret) throw new Error(`${path} is not a tsig-keygen key file`);
  return { name, algorithm: "hmac-sha256", secret };
}

/** `dig +short` through TCP, without recursion: the answers' RDATA, sorted. */
export function digShort(server: BindServer, name: string, type: string): string[] {
  const out = execFileSync(
    "dig",
    ["+tcp", "+norecurse", "+short", `@${server.host}`, "-p", String(server.port), type, name],
    { encoding: "utf8" },
  );
  return out.split("\n").filter(Boolean).sort();
}

/**
 * Every record of a zone by signed AXFR, as "name ttl TYPE rdata" lines, sorted; without the fixture's own
 * SOA, NS and ns1 records, so a test sees exactly what was added.
 */
export function zoneRecords(server: BindServer, zone = server.zones[0]): string[] {
  const out = execFileSync(
    "dig",
    ["+noall", "+answer", "-k", server.keyFile, `@${server.host}`, "-p", String(server.port), "AXFR", zone],
    { encoding: "utf8" },
  );
  const lines = out
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(/\s+/))
    .filter(([name, , , type]) => !["SOA", "NS"].includes(type) && name !== `ns1.${zone}.`)
    .map(([name, ttl, , type, ...rdata]) => `${name} ${ttl} ${type} ${rdata.join(" ")}`);
  return [...new Set(lines)].sort();
}

/** Runs nsupdate commands (without `send`) signed with the fixture's key, as an admin editing by hand would. */
export function nsupdate(server: BindServer, commands: string[], keyFile = server.keyFile): void {
  const script = [`server ${server.host} ${server.port}`, ...commands, "send", ""].join("\n");
  execFileSync("nsupdate", ["-k", keyFile], { input: script, encoding: "utf8" });
}
