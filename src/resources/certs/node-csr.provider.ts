import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { unlessNodeDown } from "../../clients/mmp/errors";
import type { MmpSession } from "../../clients/mmp/session";
import { buildPkiCsrCommand, type CertificateSubject } from "../../core/certs/csr-command";
import { csrPublicKeyDer } from "../../core/certs/csr-public-key";
import { csrBaseName } from "../../core/certs/file-names";
import { coversNames } from "../../core/certs/names";
import { type MmpTargetInput, mmpTarget } from "../dynamic/mmp-target";
import type { DynamicProvider } from "../dynamic/provider-shell";
import { withSharedSession } from "../dynamic/shared-sessions";

export interface NodeCsrInputs {
  /** The node that runs `pki csr` and keeps the key. */
  node: string;
  /** The node name, or `shared`. */
  unit: string;
  mmp: MmpTargetInput;
  commonName: string;
  subjectAltNames: string[];
  subject: CertificateSubject;
  /** Shared certificate: download the key so the other nodes can get it (it then lives in state, as a secret). */
  exportKey: boolean;
}

export interface NodeCsrOutputs extends NodeCsrInputs {
  keyFile: string;
  csrFile: string;
  certRequestPem: string;
  keyPem?: string;
}

/** Changing any of these means a new key and CSR; `mmp` (how to reach the node) only updates. */
const REQUEST_FIELDS: (keyof NodeCsrInputs)[] = [
  "node",
  "unit",
  "commonName",
  "subjectAltNames",
  "subject",
  "exportKey",
];

/** RSA key generation on a node prints progress dots for a while. */
const KEYGEN_TIMEOUT_MS = 120_000;

function commandFor(inputs: NodeCsrInputs, base: string): string {
  return buildPkiCsrCommand({
    base,
    commonName: inputs.commonName,
    subjectAltNames: inputs.subjectAltNames,
    subject: inputs.subject,
  });
}

export async function check(
  _olds: Partial<NodeCsrOutputs>,
  news: NodeCsrInputs,
): Promise<pulumi.dynamic.CheckResult<NodeCsrInputs>> {
  try {
    commandFor(news, csrBaseName(news.unit, "00000000"));
  } catch (err) {
    return { failures: [{ property: "subject", reason: (err as Error).message }] };
  }
  return { inputs: news };
}

/**
 * A new key and CSR only when the request changed. For the SANs, a CSR that already carries every wanted name still
 * serves: a node's own CSR made before per-node certificates named only the domain and their own node (it carries every
 * node's FQDN) is kept, and so is a shared CSR after a node is removed. A name it lacks (a new node in a shared
 * certificate, another domain or FQDN) replaces it.
 */
export async function diff(_id: string, olds: NodeCsrOutputs, news: NodeCsrInputs): Promise<pulumi.dynamic.DiffResult> {
  const differs = (key: keyof NodeCsrInputs) =>
    key === "subjectAltNames"
      ? !Array.isArray(olds.subjectAltNames) || !coversNames(olds.subjectAltNames, news.subjectAltNames)
      : JSON.stringify(olds[key]) !== JSON.stringify(news[key]);
  const replaces = REQUEST_FIELDS.filter(differs);
  return { changes: replaces.length > 0 || differs("mmp"), replaces };
}

async function removePresent(session: MmpSession, names: string[]): Promise<void> {
  const present = new Set(await session.list());
  for (const name of names.filter((n) => present.has(n))) await session.remove(name);
}

function checkExportedKey(keyPem: string, certRequestPem: string, where: string): void {
  let spki: Buffer;
  try {
    spki = createPublicKey(createPrivateKey(keyPem)).export({ type: "spki", format: "der" });
  } catch {
    throw new Error(`${where}: the key pki csr wrote is not a readable unencrypted PEM key`);
  }
  if (!spki.equals(csrPublicKeyDer(certRequestPem, where))) {
    throw new Error(`${where}: the key file does not belong to the CSR next to it`);
  }
}

/** Runs `pki csr` on the node under a fresh base name and downloads the CSR (and the key, when shared). */
export async function create(inputs: NodeCsrInputs): Promise<pulumi.dynamic.CreateResult<NodeCsrOutputs>> {
  const base = csrBaseName(inputs.unit, randomBytes(4).toString("hex"));
  const keyFile = `${base}.key`;
  const csrFile = `${base}.csr`;
  const target = mmpTarget(inputs.mmp);
  const command = commandFor(inputs, base);
  const made = await withSharedSession(target, async (session) => {
    await session.run(command, { timeoutMs: Math.max(target.timeoutMs ?? 0, KEYGEN_TIMEOUT_MS) });
    try {
      const certRequestPem = (await session.download(csrFile)).toString("utf8");
      csrPublicKeyDer(certRequestPem, `[${inputs.node}] ${csrFile}`);
      if (!inputs.exportKey) return { certRequestPem };
      const keyPem = (await session.download(keyFile)).toString("utf8");
      checkExportedKey(keyPem, certRequestPem, `[${inputs.node}] ${keyFile}`);
      return { certRequestPem, keyPem };
    } catch (err) {
      await removePresent(session, [keyFile, csrFile]).catch(() => undefined);
      throw err;
    }
  });
  return { id: `${inputs.node}/${base}`, outs: { ...inputs, keyFile, csrFile, ...made } };
}

export async function update(
  _id: string,
  olds: NodeCsrOutputs,
  news: NodeCsrInputs,
): Promise<pulumi.dynamic.UpdateResult<NodeCsrOutputs>> {
  return { outs: { ...olds, mmp: news.mmp } };
}

/** Refresh: the resource is gone when its key is no longer on the node (a node that is down keeps its record). */
export async function read(id: string, props: NodeCsrOutputs): Promise<pulumi.dynamic.ReadResult<NodeCsrOutputs>> {
  const files = await unlessNodeDown(
    () => withSharedSession(mmpTarget(props.mmp), (session) => session.list()),
    [props.keyFile],
  );
  return files.includes(props.keyFile) ? { id, props } : { id: "" };
}

/** Removes the key and CSR this resource made, and nothing else (nothing, when the node is down or gone). */
export async function remove(_id: string, props: NodeCsrOutputs): Promise<void> {
  await unlessNodeDown(
    () => withSharedSession(mmpTarget(props.mmp), (session) => removePresent(session, [props.keyFile, props.csrFile])),
    undefined,
  );
}

/** The dynamic provider behind `node-csr.resource.ts`. */
export const provider = { check, diff, create, update, delete: remove, read } satisfies DynamicProvider<
  NodeCsrInputs,
  NodeCsrOutputs
>;
