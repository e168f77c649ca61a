import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { MmpError, unlessNodeDown } from "../../clients/mmp/errors";
import { parsePkiList } from "../../core/parsers/pki-list";
import { type MmpTargetInput, mmpTarget } from "../dynamic/mmp-target";
import type { DynamicProvider } from "../dynamic/provider-shell";
import { REUSE_READS_WITHIN_MS, withSharedSession } from "../dynamic/shared-sessions";

export interface NodeFileInputs {
  mmp: MmpTargetInput;
  /** A flat MMP file name; versioned by content so a new certificate never overwrites one in use. */
  name: string;
  /** PEM text. Secret when it is a private key; never copied to outputs. */
  content: string;
}

export interface NodeFileOutputs {
  mmp: MmpTargetInput;
  name: string;
  sha256: string;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

async function upload(inputs: NodeFileInputs): Promise<NodeFileOutputs> {
  await withSharedSession(mmpTarget(inputs.mmp), async (session) => {
    await session.upload(inputs.name, inputs.content);
    // The node's other uploads of this operation queue on the same connection: one listing after the last of them
    // confirms them all (an upload forgets any listing made before it).
    const listed = parsePkiList(
      await session.run("pki list", { readOnly: true, reuseWithinMs: REUSE_READS_WITHIN_MS }),
    );
    if (!listed.includes(inputs.name)) {
      throw new MmpError(
        session.node,
        `confirm ${inputs.name}`,
        "uploaded over SFTP but `pki list` does not show it",
        "check free space on the node and that the file name is accepted",
      );
    }
  });
  return { mmp: inputs.mmp, name: inputs.name, sha256: sha256(inputs.content) };
}

export async function diff(
  _id: string,
  olds: NodeFileOutputs,
  news: NodeFileInputs,
): Promise<pulumi.dynamic.DiffResult> {
  if (olds.name !== news.name || olds.mmp.node !== news.mmp.node) {
    return { changes: true, replaces: olds.name !== news.name ? ["name"] : ["mmp"] };
  }
  return { changes: olds.sha256 !== sha256(news.content) || JSON.stringify(olds.mmp) !== JSON.stringify(news.mmp) };
}

export async function create(inputs: NodeFileInputs): Promise<pulumi.dynamic.CreateResult<NodeFileOutputs>> {
  return { id: `${inputs.mmp.node}/${inputs.name}`, outs: await upload(inputs) };
}

export async function update(_id: string, _olds: NodeFileOutputs, news: NodeFileInputs) {
  const result: pulumi.dynamic.UpdateResult<NodeFileOutputs> = { outs: await upload(news) };
  return result;
}

/** Removes only the file this resource uploaded (nothing, when the node is down or gone). */
export async function remove(_id: string, props: NodeFileOutputs): Promise<void> {
  await unlessNodeDown(
    () =>
      withSharedSession(mmpTarget(props.mmp), async (session) => {
        if ((await session.list()).includes(props.name)) await session.remove(props.name);
      }),
    undefined,
  );
}

/** Refresh: a file removed by hand reads as gone, so the next `up` uploads it again. A node that is down keeps its record. */
export async function read(id: string, props: NodeFileOutputs): Promise<pulumi.dynamic.ReadResult<NodeFileOutputs>> {
  const present = await unlessNodeDown(
    () => withSharedSession(mmpTarget(props.mmp), async (session) => (await session.list()).includes(props.name)),
    true,
  );
  return present ? { id, props } : {};
}

/** The dynamic provider behind `node-file.resource.ts`. */
export const provider = { diff, create, update, delete: remove, read } satisfies DynamicProvider<
  NodeFileInputs,
  NodeFileOutputs
>;
