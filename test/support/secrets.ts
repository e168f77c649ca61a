/**
 * The one secret search of the engine tests. Every secret a test stack uses is looked for, in its plain form and
 * (for a TSIG key) base64 and hex, in every place the product or the engine writes:
 * - the stdout and stderr of every engine command the test ran (failed runs included: pass their error text);
 * - `pulumi stack export`;
 * - every file under the stack's backend (checkpoint, history, backups), or what a test passes as the contents of
 *   a backend that is not `file://` (e.g. a PostgreSQL dump);
 * - the engine's logs under PULUMI_HOME;
 * - any directory the stack writes to (zone-file output).
 * A private key is found by its PEM marker as well as by its body.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import {
  backendContents,
  backendDir,
  engineOrSkipReason,
  exportedStateText,
  recordedOutput,
  writtenDirs,
} from "./engine";

export interface SecretSearch {
  stack: Stack;
  /** Everything the engine printed: onOutput/onError chunks and the text of errors thrown by failed runs. */
  output?: string[];
  /** Plain secrets: passwords, Call Bridge secrets, private-key bodies. */
  secrets: string[];
  /** TSIG keys as configured (base64): searched as base64 and as hex. */
  tsigKeys?: string[];
  /** Directories the stack writes files to. */
  dirs?: string[];
  /** `[where, text]` of everything a backend that is not `file://` holds; default: the files of the `file://` one. */
  backend?: [string, string][];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** `where: which secret` for each secret found; empty when none leaked. Secrets are named by their first 4 chars. */
export async function leakedSecrets(search: SecretSearch): Promise<string[]> {
  const engine = engineOrSkipReason();
  const home = "skip" in engine ? undefined : engine.env.PULUMI_HOME;
  const places: [string, string][] = [
    ["engine output", (search.output ?? recordedOutput(search.stack)).join("")],
    ["pulumi stack export", await exportedStateText(search.stack)],
    ...(search.backend ??
      filesUnder(backendDir(search.stack)).map((f): [string, string] => [f, readFileSync(f, "utf8")])),
    ...(home ? filesUnder(path.join(home, "logs")) : []).map((f): [string, string] => [f, readFileSync(f, "utf8")]),
    ...(search.dirs ?? []).flatMap(filesUnder).map((f): [string, string] => [f, readFileSync(f, "utf8")]),
  ];
  return findSecrets(places, search.secrets, search.tsigKeys);
}

/** The search itself, over `[where, text]` pairs. */
export function findSecrets(places: [string, string][], secrets: string[], tsigKeys: string[] = []): string[] {
  const needles = [...secrets, ...tsigKeys.flatMap((k) => [k, Buffer.from(k, "base64").toString("hex")])];
  for (const n of needles) if (n.length < 8) throw new Error(`secret "${n.slice(0, 4)}…" is too short to search for`);
  const found: string[] = [];
  for (const [where, text] of places) {
    for (const needle of needles) if (text.includes(needle)) found.push(`${where}: ${needle.slice(0, 4)}…`);
    if (/-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----/.test(text)) found.push(`${where}: a PEM private key`);
  }
  return found;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** A secret shorter than this is no needle (it would match by chance); every secret a test stack sets is longer. */
const MIN_LENGTH = 8;

/**
 * The string leaves of a value; for a PEM private key also its first body line (the DER header and the start of
 * the key). Not the other lines: they may be public (an RSA key's modulus lines can equal lines of its
 * `ssh-rsa` public key; an OpenSSH key embeds its public key), and the PEM marker is searched for anyway.
 */
function needlesOf(value: unknown): string[] {
  if (typeof value === "string") {
    const lines = value.includes("PRIVATE KEY-----\n") ? value.split("\n").filter((l) => !l.startsWith("-----")) : [];
    return [value, ...lines.slice(0, 1)].map((v) => v.trim()).filter((v) => v.length >= MIN_LENGTH);
  }
  if (value && typeof value === "object") return Object.values(value).flatMap(needlesOf);
  return [];
}

/** Keys of a structured secret config value whose values are the secrets (the rest, e.g. a DNS zone, is public). */
const SECRET_KEY = /secret|password|privatekey|^key$/i;

/** The secrets in a secret config value: the whole string, or for JSON the values under {@link SECRET_KEY} keys. */
export function secretsInConfig(value: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return needlesOf(value);
  }
  if (!parsed || typeof parsed !== "object") return needlesOf(value);
  const under = (node: unknown): string[] =>
    node && typeof node === "object"
      ? Object.entries(node).flatMap(([k, v]) =>
          SECRET_KEY.test(k) && typeof v === "string" ? needlesOf(v) : under(v),
        )
      : [];
  return under(parsed);
}

/** Every secret value in a decrypted deployment (`stack.exportStack()`), which holds them as `{sig, plaintext}`. */
export function secretsInState(node: unknown): string[] {
  if (!node || typeof node !== "object") return [];
  const o = node as Record<string, unknown>;
  if (o[SECRET_SIG_KEY] === SECRET_SIG && typeof o.plaintext === "string") return needlesOf(JSON.parse(o.plaintext));
  return Object.values(o).flatMap(secretsInState);
}

/** A base64 value of at least 16 bytes (a TSIG key): also searched for in hex. */
const isBase64Key = (v: string) =>
  v.length >= 24 && /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, "base64").toString("base64") === v;

export interface StackSecrets {
  secrets: string[];
  tsigKeys: string[];
}

/**
 * Every secret a test stack uses, read from the stack itself: its secret config values (passwords, TSIG keys, BYO
 * private keys) and every secret in its state (Call Bridge secrets, generated private keys). Read it before destroy,
 * which empties the state.
 */
export async function secretsOfStack(stack: Stack): Promise<StackSecrets> {
  const config = Object.entries(await stack.getAllConfig()).filter(([, v]) => v.secret);
  const fromConfig = config.flatMap(([key, { value }]) => {
    const found = secretsInConfig(value);
    if (found.length === 0)
      throw new Error(`secret config ${key} holds no secret of ${MIN_LENGTH}+ chars to search for`);
    return found;
  });
  const all = [...new Set([...fromConfig, ...secretsInState((await stack.exportStack()).deployment)])];
  return { secrets: all.filter((v) => !isBase64Key(v)), tsigKeys: all.filter(isBase64Key) };
}

/** {@link leakedSecrets} of a test stack's own secrets over everything its runs printed and the dirs it writes. */
export async function stackLeaks(stack: Stack, found: StackSecrets): Promise<string[]> {
  const backend = await backendContents(stack);
  return leakedSecrets({ stack, secrets: found.secrets, tsigKeys: found.tsigKeys, dirs: writtenDirs(stack), backend });
}
