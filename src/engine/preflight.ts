import { MmpError, NodeDownError } from "../clients/mmp/errors";
import type { MmpSession } from "../clients/mmp/session";
import { parseCallBridgeStatus } from "../core/parsers/callbridge-status";
import { parseDatabaseClusterStatus } from "../core/parsers/database-cluster-status";
import { parseUserList } from "../core/parsers/user-list";
import {
  findingLine,
  PREFLIGHT_COMMANDS,
  type PreflightFacts,
  type PreflightFinding,
  preflightFindings,
} from "../core/preflight";
import type { NodeSessions } from "./sessions";

/** How to ask a node's clock: the CMS API of a Call Bridge on the same server. */
export interface NodeClock {
  api: string;
  read: () => Promise<Date | undefined>;
}

async function readClock(clock: NodeClock | undefined): Promise<PreflightFacts["clock"]> {
  if (!clock) return undefined;
  try {
    const time = await clock.read();
    return { api: clock.api, time, readAt: new Date() };
  } catch (err) {
    return { api: clock.api, time: undefined, error: (err as Error).message.split("\n")[0] };
  }
}

/**
 * A command this node refuses (e.g. unknown on its release) is read as "printed nothing this tool can read". With
 * `reuseWithinMs`, what the connection remembers of it (the check's read, in the update) is taken as it is.
 */
async function readOrUndefined<T>(
  session: MmpSession,
  command: string,
  parse: (output: string) => T,
  reuseWithinMs: number | undefined,
) {
  const remembered = reuseWithinMs === undefined ? undefined : session.recall(command, reuseWithinMs);
  if (remembered !== undefined) return parse(remembered);
  try {
    return parse(await session.run(command, { readOnly: true }));
  } catch (err) {
    if (err instanceof MmpError && !(err instanceof NodeDownError)) return undefined;
    throw err;
  }
}

/**
 * Reads the prerequisites on the given nodes, prints each finding, and returns them. `firstBuild`: the plan
 * initializes the cluster (no node is a member yet).
 */
export async function preflight(
  sessions: NodeSessions,
  usernames: Record<string, string>,
  firstBuild: boolean,
  progress: (line: string) => void,
  clocks: Record<string, NodeClock> = {},
  reuseWithinMs?: number,
  now = new Date(),
): Promise<PreflightFinding[]> {
  const nodes = Object.keys(usernames);
  const perNode = await sessions.each(nodes, async (node) => {
    const session = sessions.get(node);
    // The API answers while the MMP reads run.
    const clock = readClock(clocks[node]);
    const read = <T>(command: string, parse: (output: string) => T) =>
      readOrUndefined(session, command, parse, reuseWithinMs);
    const facts = {
      node,
      username: usernames[node],
      databaseCluster: await read(PREFLIGHT_COMMANDS.databaseCluster, parseDatabaseClusterStatus),
      callBridge: await read(PREFLIGHT_COMMANDS.callBridge, parseCallBridgeStatus),
      users: await read(PREFLIGHT_COMMANDS.users, parseUserList),
      clock: await clock,
    };
    return preflightFindings(facts, now, firstBuild);
  });
  const findings = perNode.flat();
  for (const f of findings) progress(findingLine(f));
  return findings;
}

/** One error naming every node and prerequisite that stops the first build; undefined when nothing does. */
export function preflightError(findings: PreflightFinding[]): MmpError | undefined {
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length === 0) return undefined;
  const nodes = [...new Set(errors.map((f) => f.node))];
  return new MmpError(
    nodes.join(", "),
    "preflight",
    `${errors.map((f) => `${f.node} ${f.check}: ${f.message}`).join("; ")}; nothing was changed on any node`,
    [...new Set(errors.map((f) => f.next))].join("; "),
  );
}
