import { MmpError } from "../clients/mmp/errors";
import type { MmpSession } from "../clients/mmp/session";
import { combineFacts, FACT_COMMANDS, type NodeFacts } from "../core/facts";
import { parseCallBridgeList } from "../core/parsers/callbridge-list";
import { parseClusterStatus } from "../core/parsers/cluster-status";
import { parseVersion } from "../core/parsers/version";
import { parseXmppStatus } from "../core/parsers/xmpp-status";

/** Reads `version` first and stops on CMS 3.x, then the XMPP facts. Read-only: changes nothing on the node. */
export async function readFacts(session: MmpSession): Promise<NodeFacts> {
  const version = parseVersion(await session.run(FACT_COMMANDS.version));
  if (version && version.major >= 3) {
    throw new MmpError(
      session.node,
      "check the CMS version",
      `the node runs CMS ${version.text}; the XMPP server was removed in CMS 3.0`,
      "XMPP resiliency exists only on CMS 2.x: remove this node from the stack or keep it on 2.x",
    );
  }
  const xmpp = parseXmppStatus(await session.run(FACT_COMMANDS.xmpp));
  const callBridges = parseCallBridgeList(await session.run(FACT_COMMANDS.callBridges, { sensitiveOutput: true }));
  const cluster = parseClusterStatus(await session.run(FACT_COMMANDS.cluster));
  return combineFacts({ node: session.node, version, xmpp, callBridges, cluster });
}
