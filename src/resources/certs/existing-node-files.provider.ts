import { X509Certificate } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { MmpError, unlessNodeDown } from "../../clients/mmp/errors";
import type { MmpSession } from "../../clients/mmp/session";
import {
  type FileProblem,
  missingFiles,
  missingFilesProblem,
  namedFiles,
  parsePkiMatch,
  pkiMatchProblem,
} from "../../core/certs/existing-files";
import { splitPemBlocks } from "../../core/certs/pem";
import { type ExistingNodeFileNames, existingFileNameProblem } from "../../core/certs/schema";
import { parsePkiList } from "../../core/parsers/pki-list";
import { type MmpTargetInput, mmpTarget } from "../dynamic/mmp-target";
import type { DynamicProvider } from "../dynamic/provider-shell";
import { withSharedSession } from "../dynamic/shared-sessions";

export interface ExistingNodeFilesInputs extends ExistingNodeFileNames {
  mmp: MmpTargetInput;
}

export interface ExistingNodeFilesOutputs extends ExistingNodeFilesInputs {
  /** `unchecked` when the node does not know `pki match` or its answer was unclear. */
  keyMatch: "match" | "unchecked";
  /** The certificate's notAfter (ISO 8601, UTC), read from the file over SFTP; empty when it could not be read. */
  notAfter: string;
}

const ANY_OUTPUT = /[\s\S]/;

function fail(node: string, problem: FileProblem): MmpError {
  return new MmpError(node, problem.step, problem.detail, problem.hint);
}

/**
 * The certificate's expiry, read from the file over SFTP, or "" when it cannot be downloaded or holds no certificate.
 * The key file is never downloaded.
 */
async function readNotAfter(session: MmpSession, inputs: ExistingNodeFilesInputs): Promise<string> {
  if (inputs.certFile === inputs.keyFile) return "";
  try {
    const data = await session.download(inputs.certFile);
    const first = splitPemBlocks(data.toString("utf8")).find((b) => b.type === "CERTIFICATE");
    const cert = new X509Certificate(first ? first.pem : data);
    return new Date(cert.validTo).toISOString().replace(/\.\d{3}Z$/, "Z");
  } catch {
    return "";
  }
}

/** Read-only on the node: `pki list`, `pki match`, and an SFTP download of the (public) certificate. */
async function verify(inputs: ExistingNodeFilesInputs): Promise<ExistingNodeFilesOutputs> {
  const node = inputs.mmp.node;
  return withSharedSession(mmpTarget(inputs.mmp), async (session) => {
    const listed = parsePkiList(await session.run("pki list", { readOnly: true }));
    const missing = missingFilesProblem(node, missingFiles(inputs, listed));
    if (missing) throw fail(node, missing);
    const output = await session.run(`pki match ${inputs.keyFile} ${inputs.certFile}`, {
      acceptFailureWhen: ANY_OUTPUT,
      readOnly: true,
    });
    const match = parsePkiMatch(output);
    const mismatch = pkiMatchProblem(inputs, match);
    if (mismatch) throw fail(node, mismatch);
    const notAfter = await readNotAfter(session, inputs);
    return { ...inputs, keyMatch: match.status === "match" ? "match" : "unchecked", notAfter };
  });
}

export async function check(
  _olds: Partial<ExistingNodeFilesOutputs>,
  news: ExistingNodeFilesInputs,
): Promise<pulumi.dynamic.CheckResult<ExistingNodeFilesInputs>> {
  const failures = namedFiles(news).flatMap((f) => {
    const reason = existingFileNameProblem(f.name);
    return reason ? [{ property: f.field, reason: `${f.field}: ${reason}` }] : [];
  });
  return failures.length > 0 ? { failures } : { inputs: news };
}

const NAMES: (keyof ExistingNodeFileNames)[] = ["keyFile", "certFile", "bundleFile", "trustBundle"];

/** Other names, or another way to reach the node, mean checking again; nothing on the node is replaced. */
export async function diff(
  _id: string,
  olds: ExistingNodeFilesOutputs,
  news: ExistingNodeFilesInputs,
): Promise<pulumi.dynamic.DiffResult> {
  const changed = [...NAMES, "mmp" as const].some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  return { changes: changed || JSON.stringify(olds.fields) !== JSON.stringify(news.fields) };
}

export async function create(
  inputs: ExistingNodeFilesInputs,
): Promise<pulumi.dynamic.CreateResult<ExistingNodeFilesOutputs>> {
  return { id: `${inputs.mmp.node}/existing-certificate-files`, outs: await verify(inputs) };
}

export async function update(
  _id: string,
  _olds: ExistingNodeFilesOutputs,
  news: ExistingNodeFilesInputs,
): Promise<pulumi.dynamic.UpdateResult<ExistingNodeFilesOutputs>> {
  return { outs: await verify(news) };
}

/**
 * Refresh checks the files again; a file removed or replaced by a non-matching one fails with the same message. A
 * node that is down keeps its record (the cluster's refresh reports it).
 */
export async function read(
  id: string,
  props: ExistingNodeFilesOutputs,
): Promise<pulumi.dynamic.ReadResult<ExistingNodeFilesOutputs>> {
  const { mmp, keyFile, certFile, bundleFile, trustBundle, fields } = props;
  const inputs = { mmp, keyFile, certFile, ...(bundleFile ? { bundleFile } : {}), trustBundle, fields };
  return { id, props: await unlessNodeDown(() => verify(inputs), props) };
}

/** The dynamic provider behind `existing-node-files.resource.ts`. */
export const provider = { check, diff, create, update, read } satisfies DynamicProvider<
  ExistingNodeFilesInputs,
  ExistingNodeFilesOutputs
>;
