import { MmpError } from "../clients/mmp/errors";
import type { MmpSession, RunOptions } from "../clients/mmp/session";
import { combineFacts, FACT_COMMANDS, type FactKey, type NodeFacts } from "../core/facts";
import { parseCallBridgeList } from "../core/parsers/callbridge-list";
import { parseClusterStatus } from "../core/parsers/cluster-status";
import { parseVersion } from "../core/parsers/version";
import { parseXmppStatus } from "../core/parsers/xmpp-status";

/**
 * Facts this operation read on the same connection at most `withinMs` ago may be taken as they are, except those in
 * `reread`, which are read again.
 */
export interface FactReuse {
  withinMs: number;
  reread?: readonly FactKey[];
}

/**
 * Reads `version` first and stops on CMS 3.x, then the XMPP facts. Read-only: changes nothing on the node.
 * With `reuse`, a fact the connection remembers is taken from there and listed in `recalled`.
 */
export async function readFacts(
  session: MmpSession,
  reuse?: FactReuse,
): Promise<{ facts: NodeFacts; recalled: FactKey[] }> {
  const recalled: FactKey[] = [];
  const read = async (key: FactKey, options: RunOptions = {}) => {
    const command = FACT_COMMANDS[key];
    const remembered = reuse && !reuse.reread?.includes(key) ? session.recall(command, reuse.withinMs) : undefined;
    if (remembered !== undefined) {
      recalled.push(key);
      return remembered;
    }
    return session.run(command, { ...options, readOnly: true });
  };
  const version = parseVersion(await read("version"));
  if (version && version.major >= 3) {
    throw new MmpError(
      session.node,
      "check the CMS version",
      `the node runs CMS ${version.text}; the XMPP server was removed in CMS 3.0`,
      "XMPP resiliency exists only on CMS 2.x: remove this node from the stack or keep it on 2.x",
    );
  }
  const xmpp = parseXmppStatus(await read("xmpp"));
  const callBridges = parseCallBridgeList(await read("callBridges", { sensitiveOutput: true }));
  const cluster = parseClusterStatus(await read("cluster"));
  return { facts: combineFacts({ node: session.node, version, xmpp, callBridges, cluster }), recalled };
}
