/**
 * The typed operations a plan is made of. Every MMP command the provisioner sends is rendered here, from a step,
 * and nothing ever parses a command back: the executor switches on `op`.
 */
export type Op =
  | { op: "setDomain"; domain: string }
  | { op: "setListen"; interfaces: string[] }
  | { op: "setCerts"; keyFile: string; certFile: string; bundleFile?: string }
  | { op: "setTrust"; bundle: string }
  | { op: "addBridge"; bridge: string }
  | { op: "addSecret"; bridge: string }
  | { op: "delBridge"; bridge: string }
  | { op: "disable" }
  | { op: "enable" }
  | { op: "clusterEnable" }
  | { op: "clusterDisable" }
  | { op: "initialize" }
  /** `founder` is the XMPP address of a running member; skipped when the node already lists it as a peer. */
  | { op: "join"; founder: string }
  /**
   * Drops every entry of `peer` (`address:port`) from the cluster, run on a live member. `of` names the node the
   * entry belongs to. Runs only while the entry is still listed, and repeats while it is (CSCvi67717 duplicates).
   */
  | { op: "removePeer"; peer: string; of: string }
  | { op: "reset" };

/**
 * One operation on one node (for `removePeer`, the member it runs on). `bestEffort`: a failure is ignored (a
 * teardown's member cleanup: the member is reset next anyway).
 */
export type Step = Op & { node: string; bestEffort?: boolean };

/** The MMP command line of a step. Secrets are never part of a command: `addSecret` answers a prompt. */
export function renderStep(step: Op): string {
  switch (step.op) {
    case "setDomain":
      return `xmpp domain ${step.domain}`;
    case "setListen":
      return `xmpp listen ${step.interfaces.join(" ")}`;
    case "setCerts":
      return `xmpp certs ${step.keyFile} ${step.certFile}${step.bundleFile ? ` ${step.bundleFile}` : ""}`;
    case "setTrust":
      return `xmpp cluster trust ${step.bundle}`;
    case "addBridge":
      return `xmpp callbridge add ${step.bridge}`;
    case "addSecret":
      return `xmpp callbridge add-secret ${step.bridge}`;
    case "delBridge":
      return `xmpp callbridge del ${step.bridge}`;
    case "disable":
      return "xmpp disable";
    case "enable":
      return "xmpp enable";
    case "clusterEnable":
      return "xmpp cluster enable";
    case "clusterDisable":
      return "xmpp cluster disable";
    case "initialize":
      return "xmpp cluster initialize";
    case "join":
      return `xmpp cluster join ${step.founder}`;
    case "removePeer":
      return `xmpp cluster remove ${step.peer}`;
    case "reset":
      return "xmpp reset";
  }
}

/** How preview shows a step: the command, plus what the executor decides from facts at run time. */
export function describeStep(step: Op): string {
  const command = renderStep(step);
  switch (step.op) {
    case "addSecret":
      return `${command}  (answers the secret prompt)`;
    case "removePeer":
      return `${command}  (drops the entry of ${step.of}, while it is listed)`;
    case "join":
      return `${command}  (unless it rejoins by itself)`;
    default:
      return command;
  }
}

const on =
  (node: string) =>
  (...ops: Op[]): Step[] =>
    ops.map((op) => ({ ...op, node }));

/** The named sequences of the TechNote, in its order. */
export const sequences = {
  /** Step 6 on the first node: a one-node cluster, initialized while XMPP is disabled. */
  initialize: (node: string): Step[] =>
    on(node)({ op: "disable" }, { op: "clusterEnable" }, { op: "initialize" }, { op: "enable" }),
  /** Step 8 on the others: `xmpp cluster join` comes after `xmpp enable`. */
  join: (node: string, founder: string): Step[] =>
    on(node)({ op: "disable" }, { op: "clusterEnable" }, { op: "enable" }, { op: "join", founder }),
  /** A settings change on a running member: stop and start the XMPP server; membership survives. */
  restart: (node: string): Step[] => on(node)({ op: "disable" }, { op: "enable" }),
  /** A member that was stopped by hand: starting it is enough, it rejoins by itself. */
  start: (node: string, founder: string): Step[] => on(node)({ op: "enable" }, { op: "join", founder }),
  /**
   * Leaving before a reset (CSCvi67717): stop, leave the cluster, then reset. A remaining member drops the entry
   * between leaving and the reset (see the planner).
   */
  leave: (node: string, own: { stop: boolean; leave: boolean; reset: boolean }): Step[] => [
    ...(own.stop ? on(node)({ op: "disable" }) : []),
    ...(own.leave ? on(node)({ op: "clusterDisable" }) : []),
    ...(own.reset ? on(node)({ op: "reset" }) : []),
  ],
};
