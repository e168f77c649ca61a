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
import { backendDir, engineOrSkipReason, exportedStateText } from "./engine";

export interface SecretSearch {
  stack: Stack;
  /** Everything the engine printed: onOutput/onError chunks and the text of errors thrown by failed runs. */
  output: string[];
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
    ["engine output", search.output.join("")],
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
    if (/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(text)) found.push(`${where}: a PEM private key`);
  }
  return found;
}
