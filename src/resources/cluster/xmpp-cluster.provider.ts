import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { readServerClock } from "../../clients/cms-api/api-client";
import { isClustered, publicFacts } from "../../core/facts";
import { type ClusterIntent, describePlan } from "../../core/plan";
import {
  applyCluster,
  type ClusterOperation,
  checkOwnership,
  checkPrerequisites,
  releaseOwnership,
  teardownCluster,
  withPlannedCluster,
} from "../../engine/apply";
import { preflightError } from "../../engine/preflight";
import { type BridgeApiInput, cmsApiTarget } from "../dynamic/api-target";
import { type MmpTargetInput, mmpTarget } from "../dynamic/mmp-target";
import { printProgress } from "../dynamic/print-progress";
import type { DynamicProvider } from "../dynamic/provider-shell";
import { connectShared, REUSE_READS_WITHIN_MS } from "../dynamic/shared-sessions";

export interface ClusterNodeInput {
  name: string;
  xmppAddress: string;
  mmp: MmpTargetInput;
  keyFile: string;
  certFile: string;
  bundleFile?: string;
  trustBundle: string;
}

export interface XmppClusterInputs {
  domain: string;
  initializer: string;
  listen: string[];
  callBridges: string[];
  nodes: ClusterNodeInput[];
  confirmNodeRemoval: boolean;
  /** Every step on one node at a time (see the stack config key); absent when off. */
  oneNodeAtATime?: boolean;
  retainOnDelete: boolean;
  settleSeconds: number;
  /** See ClusterIntent.restartAfterTrustChange. Absent in stacks made before it existed: true. */
  restartAfterTrustChange?: boolean;
  /** `<organization>/<project>/<stack>`, written to each node's owner marker. Absent in stacks made before it. */
  owner?: string;
  /** Per node with a Call Bridge API in the stack: that API, whose Date header shows the node's clock (preflight). */
  clockApis?: { node: string; api: BridgeApiInput }[];
  /** Take the nodes over from another stack's marker. */
  takeOwnership?: boolean;
  /** Set by check: the MMP commands `up` would run, per node (no secrets). Empty when converged. */
  plan?: Record<string, string[]>;
  /**
   * Set by check with the plan: which check made it. An apply's outputs carry the id of the check it carried out, so
   * stored inputs with that same id hold a plan that is done, not pending. A check that finds nothing to do keeps the
   * stored id, so that a no-op `up` stores the inputs it found.
   */
  checkId?: string;
}

export interface XmppClusterOutputs extends XmppClusterInputs {
  leader: string;
  nodeStates: Record<string, ReturnType<typeof publicFacts>>;
  secrets: Record<string, string>;
  /**
   * Nodes that were cluster members after the last apply. Refresh never drops a name, so a member stopped by hand
   * is started again rather than re-joined, even where `xmpp` and `xmpp cluster status` do not show membership.
   */
  members?: string[];
  /** What the last apply left undone on purpose (e.g. a removed node that was unreachable, so not reset). */
  notices?: string[];
}

/**
 * The value the Pulumi engine passes to a dynamic provider for an input that is not known yet (during preview,
 * e.g. a certificate file name that depends on a certificate still to be issued).
 */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function intentOf(inputs: XmppClusterInputs): ClusterIntent {
  return {
    domain: inputs.domain,
    restartAfterTrustChange: inputs.restartAfterTrustChange ?? true,
    initializer: inputs.initializer,
    callBridges: inputs.callBridges,
    nodes: inputs.nodes.map((n) => ({
      name: n.name,
      xmppAddress: n.xmppAddress,
      listen: inputs.listen,
      certs: { keyFile: n.keyFile, certFile: n.certFile, bundleFile: n.bundleFile },
      trustBundle: n.trustBundle,
    })),
  };
}

const LIVE_STATES = new Set(["LEADER", "FOLLOWER"]);

/** Members recorded in state; stacks made before `members` existed fall back to the last node states. */
function rememberedMembers(olds: Partial<XmppClusterOutputs> | undefined): string[] {
  if (!olds) return [];
  if (Array.isArray(olds.members)) return olds.members;
  return Object.entries(olds.nodeStates ?? {})
    .filter(([, s]) => LIVE_STATES.has(s.clusterState))
    .map(([node]) => node);
}

function operation(news: XmppClusterInputs, olds?: Partial<XmppClusterOutputs>): ClusterOperation {
  const staying = new Set(news.nodes.map((n) => n.name));
  const leavers = (olds?.nodes ?? []).filter((n) => !staying.has(n.name));
  return {
    intent: intentOf(news),
    targets: news.nodes.map((n) => mmpTarget(n.mmp)),
    leavers: leavers.map((n) => ({ name: n.name, xmppAddress: n.xmppAddress, target: mmpTarget(n.mmp) })),
    rememberedMembers: rememberedMembers(olds),
    settleTimeoutMs: news.settleSeconds * 1000,
    oneNodeAtATime: news.oneNodeAtATime === true,
    clocks: Object.fromEntries(
      (news.clockApis ?? []).map(({ node, api }) => [
        node,
        { api: api.apiUrl, read: () => readServerClock(cmsApiTarget(api, 10_000)) },
      ]),
    ),
    progress: printProgress,
    connect: connectShared,
    ...(news.owner ? { ownership: { stack: news.owner, takeOver: news.takeOwnership === true } } : {}),
  };
}

/**
 * A create or update comes right after its check, in the same provider process: it plans from what the check read.
 * A check and a refresh's read start an operation, so they read everything.
 */
function afterCheck(op: ClusterOperation): ClusterOperation {
  return { ...op, reuseReadsWithinMs: REUSE_READS_WITHIN_MS };
}

function hasUnknown(value: unknown): boolean {
  return JSON.stringify(value).includes(UNKNOWN);
}

/** Guards against changes that would take the cluster down: these need `confirmNodeRemoval: true`. */
export function removalProblems(olds: Partial<XmppClusterOutputs>, news: XmppClusterInputs): string[] {
  if (news.confirmNodeRemoval || !olds.nodes) return [];
  const problems: string[] = [];
  const staying = new Set(news.nodes.map((n) => n.name));
  const leaving = olds.nodes.filter((n) => !staying.has(n.name));
  if (leaving.length > 1) {
    problems.push(
      `this change removes ${leaving.length} nodes (${leaving.map((n) => n.name).join(", ")}) at once; remove one per \`pulumi up\`, or set confirmNodeRemoval: true`,
    );
  }
  const leader = leaving.find((n) => olds.leader?.startsWith(`${n.xmppAddress}:`));
  if (leader && leaving.length === 1) {
    problems.push(
      `this change removes ${leader.name}, the current XMPP leader; set confirmNodeRemoval: true to proceed`,
    );
  }
  if (olds.domain && olds.domain !== news.domain) {
    problems.push(
      `changing the domain from ${olds.domain} to ${news.domain} rebuilds the cluster (every node leaves and is reset, new Call Bridge secrets); set confirmNodeRemoval: true to proceed`,
    );
  }
  return problems;
}

/** Preview names for certificate files not made yet (a new CSR or certificate), so the plan can still be shown. */
const PENDING_FILES = {
  keyFile: "<new key file>",
  certFile: "<new certificate file>",
  bundleFile: "<new CA bundle file>",
  trustBundle: "<new trust bundle file>",
} as const;

function withPendingFiles(news: XmppClusterInputs): XmppClusterInputs {
  if (!Array.isArray(news.nodes)) return news;
  const nodes = news.nodes.map((n) => {
    const copy = { ...n };
    for (const [field, label] of Object.entries(PENDING_FILES) as [keyof typeof PENDING_FILES, string][]) {
      if (copy[field] === UNKNOWN) copy[field] = label;
    }
    return copy;
  });
  return { ...news, nodes };
}

interface Preview {
  plan: Record<string, string[]>;
  /** What stops the first build (preflight), as check failures. */
  refusals: string[];
}

async function previewPlan(input: XmppClusterInputs, olds?: Partial<XmppClusterOutputs>): Promise<Preview> {
  const news = withPendingFiles(input);
  if (hasUnknown(news)) {
    const names = Array.isArray(news.nodes) ? news.nodes.map((n) => n.name) : ["(all nodes)"];
    return {
      plan: Object.fromEntries(
        names.map((name) => [name, ["(planned once its certificate files and host key are known)"]]),
      ),
      refusals: [],
    };
  }
  const op = operation(news, olds);
  return withPlannedCluster(op, async (sessions, { plan }) => {
    const { refusal: foreign } = await checkOwnership(op, sessions, plan);
    if (foreign) return { plan: describePlan(plan), refusals: [foreign.message] };
    const refusal = preflightError(await checkPrerequisites(op, sessions, plan));
    return { plan: describePlan(plan), refusals: refusal ? [refusal.message] : [] };
  });
}

/**
 * The ids of the checks this provider process made. A diff comes right after its check, in the same process, so a
 * kept id (a converged check) is told apart from the same id in the stored inputs, which a refresh's diff gets.
 */
const checkedHere = new Set<string>();

export async function check(
  olds: Partial<XmppClusterOutputs>,
  news: XmppClusterInputs,
): Promise<pulumi.dynamic.CheckResult<XmppClusterInputs>> {
  const problems = removalProblems(olds, news);
  if (problems.length > 0) return { failures: problems.map((reason) => ({ property: "nodes", reason })) };
  const replacing = olds.domain !== undefined && olds.domain !== news.domain;
  const { plan, refusals } = await previewPlan(news, replacing ? undefined : olds);
  if (refusals.length > 0) return { failures: refusals.map((reason) => ({ property: "nodes", reason })) };
  const converged = Object.keys(plan).length === 0;
  const checkId = converged && olds.checkId ? olds.checkId : randomUUID();
  checkedHere.add(checkId);
  return { inputs: { ...news, plan, checkId } };
}

const COMPARED: (keyof XmppClusterInputs)[] = ["initializer", "listen", "callBridges", "nodes", "retainOnDelete"];

export async function diff(
  _id: string,
  olds: XmppClusterOutputs,
  news: XmppClusterInputs,
): Promise<pulumi.dynamic.DiffResult> {
  if (olds.domain !== news.domain) return { changes: true, replaces: ["domain"], deleteBeforeReplace: true };
  const changed = COMPARED.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
  // On a refresh the engine diffs the refreshed outputs against the stored inputs, whose plan an earlier apply already
  // carried out (stacks made before checkId have none): what is pending then is the plan the read just made. Only a
  // plan from this run's check (a new checkId, or the kept one of a converged check) is pending as such.
  const fresh = news.checkId !== undefined && (news.checkId !== olds.checkId || checkedHere.has(news.checkId));
  const pending = Object.keys((fresh ? news.plan : olds.plan) ?? {}).length > 0;
  return { changes: changed.length > 0 || pending };
}

function outputsOf(inputs: XmppClusterInputs, result: Awaited<ReturnType<typeof applyCluster>>): XmppClusterOutputs {
  const states = Object.fromEntries(Object.entries(result.facts).map(([node, f]) => [node, publicFacts(f)]));
  const leader = Object.values(result.facts).find((f) => f.cluster.leader)?.cluster.leader ?? "";
  const members = Object.entries(result.facts)
    .filter(([, f]) => isClustered(f))
    .map(([node]) => node);
  return {
    ...inputs,
    plan: {},
    leader,
    nodeStates: states,
    secrets: result.secrets,
    members,
    notices: result.plan.notices,
  };
}

/** A step line of the progress output (`[cb2] 7/11 …`), other than a step found already done. */
const STEP_STARTED = /^\[[^\]]+\] \d+\/\d+ (?!.*\(already done, not run\)$)/;

/**
 * A create or update that failed after it changed a node is recorded with an initialization error (the dynamic
 * provider protocol's `id` and `properties` on the error), holding the new inputs and their pending plan: the next
 * `up` updates it from what the nodes show, and a `destroy` resets the nodes it touched. A failure before any change
 * leaves the state as it was.
 */
async function applyRecordingPartial<T>(
  id: string,
  op: ReturnType<typeof operation>,
  partial: () => XmppClusterOutputs | XmppClusterInputs,
  done: (result: Awaited<ReturnType<typeof applyCluster>>) => T,
): Promise<T> {
  let changedNodes = false;
  const progress = (line: string) => {
    if (STEP_STARTED.test(line)) changedNodes = true;
    op.progress?.(line);
  };
  try {
    return done(await applyCluster({ ...op, progress }));
  } catch (error) {
    if (!changedNodes) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw Object.assign(new Error(message), { id, properties: partial(), reasons: [message] });
  }
}

export async function create(inputs: XmppClusterInputs): Promise<pulumi.dynamic.CreateResult<XmppClusterOutputs>> {
  const id = `xmpp-cluster-${inputs.domain}`;
  return applyRecordingPartial(
    id,
    afterCheck(operation(inputs)),
    () => ({ ...inputs, plan: inputs.plan ?? {} }),
    (result) => ({ id, outs: outputsOf(inputs, result) }),
  );
}

export async function update(
  id: string,
  olds: XmppClusterOutputs,
  news: XmppClusterInputs,
): Promise<pulumi.dynamic.UpdateResult<XmppClusterOutputs>> {
  return applyRecordingPartial(
    id,
    afterCheck(operation(news, olds)),
    // What the nodes showed before (states, members, secrets) stays until a read or a finished update replaces it,
    // and a node that was to leave stays recorded, so the next `up` still takes it out.
    () => {
      const staying = new Set(news.nodes.map((n) => n.name));
      const leaving = olds.nodes.filter((n) => !staying.has(n.name));
      return { ...olds, ...news, nodes: [...news.nodes, ...leaving], plan: news.plan ?? {} };
    },
    (result) => ({ outs: outputsOf(news, result) }),
  );
}

export async function remove(_id: string, props: XmppClusterOutputs): Promise<void> {
  if (props.retainOnDelete) {
    if (props.owner)
      await releaseOwnership(
        props.nodes.map((n) => mmpTarget(n.mmp)),
        props.owner,
        connectShared,
      );
    return;
  }
  await teardownCluster(
    props.nodes.map((n) => ({ name: n.name, xmppAddress: n.xmppAddress, target: mmpTarget(n.mmp) })),
    props.initializer,
    { progress: printProgress, connect: connectShared, owner: props.owner, oneNodeAtATime: props.oneNodeAtATime },
  );
}

/** Refresh: reads the nodes and records drift as the plan the next `up` would run. Changes nothing. */
export async function read(
  id: string,
  props: XmppClusterOutputs,
): Promise<pulumi.dynamic.ReadResult<XmppClusterOutputs>> {
  return withPlannedCluster(operation(props, props), async (_sessions, { plan, facts }) => {
    const nodeStates = { ...props.nodeStates };
    for (const [node, f] of Object.entries(facts)) nodeStates[node] = publicFacts(f);
    const leader = Object.values(facts).find((f) => f.cluster.leader)?.cluster.leader ?? "";
    const members = [
      ...new Set([...rememberedMembers(props), ...Object.keys(facts).filter((n) => isClustered(facts[n]))]),
    ];
    return { id, props: { ...props, plan: describePlan(plan), leader, nodeStates, members } };
  });
}

/** The dynamic provider behind `xmpp-cluster.resource.ts`. */
export const provider = { check, diff, create, update, delete: remove, read } satisfies DynamicProvider<
  XmppClusterInputs,
  XmppClusterOutputs
>;
