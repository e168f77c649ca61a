import type { CallBridgeStatus } from "./parsers/callbridge-status";
import type { DatabaseClusterStatus } from "./parsers/database-cluster-status";
import type { UserEntry } from "./parsers/user-list";

/** The TechNote's prerequisites that the node can show, read before the first change of an `up`. */
export const PREFLIGHT_COMMANDS = {
  databaseCluster: "database cluster status",
  callBridge: "callbridge",
  users: "user list",
} as const;

/** What a node printed for each preflight command; undefined where the command failed (e.g. unknown on this node). */
export interface PreflightFacts {
  node: string;
  /** The MMP user the stack logs in as. */
  username: string;
  databaseCluster: DatabaseClusterStatus | undefined;
  callBridge: CallBridgeStatus | undefined;
  users: UserEntry[] | undefined;
  /**
   * The node's clock, from the `Date` header of its CMS API (no MMP command prints the time). Absent when no Call
   * Bridge API of the stack runs on the node; `time` undefined when the API answered without a readable `Date`.
   */
  clock?: { api: string; time: Date | undefined; readAt?: Date; error?: string };
}

export interface PreflightFinding {
  node: string;
  check: "database cluster" | "call bridge" | "mmp password" | "clock";
  /** An error stops the first build of the cluster; on a cluster that runs already it is reported as a warning. */
  severity: "error" | "warning";
  message: string;
  next: string;
}

/**
 * Certificates are judged by each node's clock: one made now is not valid yet on a node whose clock is behind. Each
 * node is compared with the machine running Pulumi, so any two nodes that pass are within twice this of each other.
 */
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;

/** The clock finding of one node: none when it is within the limit or could not be asked. */
export function clockFindings(facts: PreflightFacts, now: Date, firstBuild: boolean): PreflightFinding[] {
  if (!facts.clock) return [];
  const { api, time, error } = facts.clock;
  const next =
    "set the node's NTP servers (`ntp server add <ip>`) and check its time zone (`timezone`), then run `pulumi up` again";
  if (!time) {
    return [
      {
        node: facts.node,
        check: "clock",
        severity: "warning",
        message: error
          ? `its clock could not be read from its CMS API (${api}): ${error}`
          : `its CMS API (${api}) answered without a Date header, so its clock was not checked`,
        next: `check by hand: ${next}`,
      },
    ];
  }
  const skew = time.getTime() - (facts.clock.readAt ?? now).getTime();
  if (Math.abs(skew) <= CLOCK_SKEW_LIMIT_MS) return [];
  const minutes = Math.round(Math.abs(skew) / 60_000);
  const effect =
    skew < 0
      ? "a certificate made now is not valid on it yet"
      : "it sees certificates expire before the other nodes do";
  return [
    {
      node: facts.node,
      check: "clock",
      severity: firstBuild ? "error" : "warning",
      message: `its clock is ${minutes} min ${skew < 0 ? "behind" : "ahead of"} this machine's (the Date of its CMS API ${api}: ${time.toISOString()}); ${effect}`,
      next,
    },
  ];
}

/** A password that expires within this many days is reported (CMS passwords expire after 6 months). */
export const PASSWORD_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

function required(
  facts: PreflightFacts,
  check: PreflightFinding["check"],
  state: boolean | undefined,
  what: { missing: string; unread: string; next: string },
  firstBuild: boolean,
): PreflightFinding[] {
  const node = facts.node;
  if (state === true) return [];
  if (state === false) {
    return [{ node, check, severity: firstBuild ? "error" : "warning", message: what.missing, next: what.next }];
  }
  return [{ node, check, severity: "warning", message: what.unread, next: `check by hand: ${what.next}` }];
}

/**
 * The findings for one node. What a node states clearly (the database cluster disabled, the Call Bridge without
 * interfaces or certificates) stops the first build; an output this tool cannot read is only a warning, because
 * those layouts are not confirmed by any source.
 */
export function preflightFindings(facts: PreflightFacts, now: Date, firstBuild: boolean): PreflightFinding[] {
  const findings = [
    ...required(
      facts,
      "database cluster",
      facts.databaseCluster?.enabled,
      {
        missing:
          "`database cluster status` says the database cluster is not enabled; the TechNote clusters the database first",
        unread: "`database cluster status` printed no Status line this tool can read",
        next: "set up the database cluster on every node (Cisco doc 210530), then run `pulumi up` again",
      },
      firstBuild,
    ),
    ...required(
      facts,
      "call bridge",
      facts.callBridge?.configured,
      {
        missing: "`callbridge` shows no listening interface, key file or certificate file",
        unread: "`callbridge` printed no Listening interfaces line this tool can read",
        next: "configure the Call Bridge (`callbridge listen a`, `callbridge certs <key> <cert>`, `callbridge restart`), then run `pulumi up` again",
      },
      firstBuild,
    ),
  ];
  findings.push(...clockFindings(facts, now, firstBuild));
  const expiry = facts.users?.find((u) => u.username === facts.username)?.passwordExpiry;
  if (expiry) {
    const days = Math.floor((expiry.getTime() - now.getTime()) / DAY_MS);
    if (days <= PASSWORD_WARNING_DAYS) {
      const when = expiry.toISOString().slice(0, 10);
      findings.push({
        node: facts.node,
        check: "mmp password",
        severity: "warning",
        message: `the password of MMP user "${facts.username}" ${days < 0 ? "expired" : "expires"} on ${when}${days < 0 ? "" : ` (in ${days} day${days === 1 ? "" : "s"})`}`,
        next: "change it on the node, then `pulumi config set --secret mmpPassword <new>`",
      });
    }
  }
  return findings;
}

/** One line per finding, as the progress output and the errors show it. */
export function findingLine(f: PreflightFinding): string {
  return `[${f.node}] preflight ${f.check}: ${f.severity}: ${f.message}; next: ${f.next}`;
}
