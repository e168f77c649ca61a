import type * as pulumi from "@pulumi/pulumi";
import { formatFindings } from "../../core/verify";
import { type VerifyOutcome, type VerifyRequest, verifyClusterOutcome } from "../../engine/verify-cluster";
import { type BridgeApiInput, cmsApiTarget } from "../dynamic/api-target";
import { type MmpTargetInput, mmpTarget } from "../dynamic/mmp-target";
import type { DynamicProvider } from "../dynamic/provider-shell";
import { connectShared, REUSE_READS_WITHIN_MS } from "../dynamic/shared-sessions";

export interface ClusterVerificationInputs {
  nodes: { name: string; xmppAddress: string; mmp: MmpTargetInput }[];
  callBridges: string[];
  bridgeApis: BridgeApiInput[];
  timeoutSeconds: number;
  /** Changes whenever anything verified may have changed, so verification runs after every real change. */
  revision: string;
  dns?: VerifyRequest["dns"];
  /** Read one node at a time (the cluster's `oneNodeAtATime`); absent when off. */
  oneNodeAtATime?: boolean;
}

export interface ClusterVerificationOutputs extends ClusterVerificationInputs {
  findings: string[];
}

/**
 * `reuseReads`: the first look may take the facts the cluster's check or apply has just read in this operation
 * (diff, create and update run after it); a refresh's read looks afresh.
 */
async function run(inputs: ClusterVerificationInputs, timeoutMs: number, reuseReads = true): Promise<VerifyOutcome> {
  return verifyClusterOutcome({
    expected: { nodes: inputs.nodes, callBridges: inputs.callBridges },
    targets: inputs.nodes.map((n) => mmpTarget(n.mmp)),
    bridges: inputs.bridgeApis.map((b) => cmsApiTarget(b, 15_000)),
    timeoutMs,
    dns: inputs.dns,
    connect: connectShared,
    oneNodeAtATime: inputs.oneNodeAtATime === true,
    reuseFactsWithinMs: reuseReads ? REUSE_READS_WITHIN_MS : undefined,
  });
}

/** Why verification failed: at once (lasting findings first, then what may still be settling) or after the timeout. */
export function verificationFailure(outcome: VerifyOutcome, timeoutSeconds: number): string {
  const footer = "The cluster state is saved; fix the cause and run `pulumi up` again.";
  if (!outcome.failedFast) {
    return `verification failed after the ${timeoutSeconds} s timeout:\n${formatFindings(outcome.findings)}\n${footer}`;
  }
  const lasting = outcome.findings.filter((f) => !f.transient);
  const settling = outcome.findings.filter((f) => f.transient);
  const seconds = Math.round(outcome.elapsedMs / 100) / 10;
  return [
    `verification failed at once: these findings do not heal by waiting (seen on two looks in a row, ${seconds} s into the ${timeoutSeconds} s timeout):`,
    formatFindings(lasting),
    ...(settling.length > 0 ? ["Also seen, and possibly still settling:", formatFindings(settling)] : []),
    footer,
  ].join("\n");
}

async function verifyOrThrow(inputs: ClusterVerificationInputs): Promise<ClusterVerificationOutputs> {
  const outcome = await run(inputs, inputs.timeoutSeconds * 1000);
  if (outcome.findings.length > 0) throw new Error(verificationFailure(outcome, inputs.timeoutSeconds));
  return { ...inputs, findings: [] };
}

/**
 * A change, or findings recorded by a refresh, verify again. With neither, a no-op still verifies: one look, no
 * waiting, over the sessions the cluster's check has just opened. What that look finds makes this an update, which
 * waits for transient states and fails with the findings that stay.
 */
export async function diff(_id: string, olds: ClusterVerificationOutputs, news: ClusterVerificationInputs) {
  const { findings, ...oldInputs } = olds;
  if (JSON.stringify(oldInputs) !== JSON.stringify(news) || (findings ?? []).length > 0) return { changes: true };
  let healthy: boolean;
  try {
    healthy = (await run(news, 0)).findings.length === 0;
  } catch {
    healthy = false;
  }
  const result: pulumi.dynamic.DiffResult = { changes: !healthy };
  return result;
}

export async function create(inputs: ClusterVerificationInputs): Promise<pulumi.dynamic.CreateResult> {
  return { id: "xmpp-cluster-verification", outs: await verifyOrThrow(inputs) };
}

export async function update(_id: string, _olds: ClusterVerificationOutputs, news: ClusterVerificationInputs) {
  const result: pulumi.dynamic.UpdateResult = { outs: await verifyOrThrow(news) };
  return result;
}

/** Refresh: one look, no waiting; problems are recorded so the next `up` verifies (and reports) again. */
export async function read(id: string, props: ClusterVerificationOutputs): Promise<pulumi.dynamic.ReadResult> {
  const { findings } = await run(props, 0, false);
  return { id, props: { ...props, findings: findings.map((f) => `[${f.scenario}] ${f.subject} ${f.problem}`) } };
}

/** The dynamic provider behind `cluster-verification.resource.ts`. */
export const provider = { diff, create, update, read } satisfies DynamicProvider<
  ClusterVerificationInputs,
  ClusterVerificationOutputs
>;
