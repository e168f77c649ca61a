/**
 * An in-memory MMP session for the executor's unit tests: one CMS node's XMPP state, changed by the commands the
 * planner emits and printed in the layouts the parsers read (`../shared/reference/cms-mmp.md`, [C]). Not a
 * simulator: no SSH, no timing, no cluster between nodes; a join copies the founder's address, nothing more.
 */
import { MmpError, NodeDownError } from "../../src/clients/mmp/errors";
import type { MmpSession, RunOptions } from "../../src/clients/mmp/session";
import { failureLine, redact } from "../../src/core/mmp-output";
import type { Connect } from "../../src/engine/sessions";

export interface NodeState {
  /** The node's XMPP address. */
  host: string;
  version: string;
  enabled: boolean;
  domain?: string;
  listen: string[];
  keyFile?: string;
  certFile?: string;
  bundleFile?: string;
  trust?: string;
  clusterEnabled: boolean;
  /** LEADER, FOLLOWER, DISABLED or whatever a test sets. */
  state: string;
  /** `address:port` entries as `xmpp cluster status` lists them; an entry may repeat (CSCvi67717). */
  peers: string[];
  leader?: string;
  bridges: { name: string; secret: string }[];
  /** While set, connecting and every command fail with a NodeDownError with this detail. */
  down?: string;
}

/** A node with nothing configured. */
export function blankState(host: string): NodeState {
  return {
    host,
    version: "2.9.8",
    enabled: false,
    listen: [],
    clusterEnabled: false,
    state: "DISABLED",
    peers: [],
    bridges: [],
  };
}

/** A scripted fault or change, for every run of the commands it matches. */
export interface Rule {
  match: string | RegExp;
  /** The command fails before it changes anything: an MmpError with this detail, or this error as it is. */
  fail?: string | Error;
  /** The node goes down at this command (it stays down). */
  down?: string;
  /** Printed instead of the command's own output; the command still changes the state. */
  output?: string;
  /** Runs after the command changed the state. */
  after?: (state: NodeState) => void;
}

/** Changes the state; the command prints nothing. */
function set(s: NodeState, change: Partial<NodeState>): string {
  Object.assign(s, change);
  return "";
}

const file = (name: string | undefined) => name ?? "none";
const self = (s: NodeState) => `${s.host}:5222`;

function xmppStatus(s: NodeState): string {
  return [
    `Enabled : ${s.enabled}`,
    `Domain : ${file(s.domain)}`,
    `Listening interfaces : ${s.listen.join(" ") || "none"}`,
    `Key file : ${file(s.keyFile)}`,
    `Certificate file : ${file(s.certFile)}`,
    `CA Bundle file : ${file(s.bundleFile)}`,
    `Cluster enabled : ${s.clusterEnabled}`,
    `Clustered : ${s.peers.length > 0}`,
  ].join("\n");
}

const bridgeBlock = (s: NodeState, b: { name: string; secret: string }) =>
  `*****\nCallbridge : ${b.name}\nDomain : ${file(s.domain)}\nSecret : ${b.secret}`;

function clusterStatus(s: NodeState): string {
  return [
    `State: ${s.state}`,
    "List of peers",
    ...s.peers.map((p) => (p === s.leader ? `${p} (Leader)` : p)),
    `Key file : ${file(s.keyFile)}`,
    `Certificate file : ${file(s.certFile)}`,
    `Trust bundle : ${file(s.trust)}`,
  ].join("\n");
}

/** Each command's effect and output; `args` are the pattern's groups. A refusal prints a FAILURE line. */
const COMMANDS: [RegExp, (s: NodeState, args: string[], answers: readonly string[]) => string][] = [
  [/^version$/, (s) => `Version : ${s.version}`],
  [/^xmpp$/, xmppStatus],
  [/^xmpp callbridge list$/, (s) => s.bridges.map((b) => bridgeBlock(s, b)).join("\n")],
  [/^xmpp cluster status$/, clusterStatus],
  // The prerequisites, met: read before the first change.
  [/^database cluster status$/, () => "Status : Enabled\nLast command : 'database cluster initialize' (Success)"],
  [/^callbridge$/, () => "Listening interfaces : a\nKey file : cb.key\nCertificate file : cb.cer"],
  [/^user list$/, () => "USERNAME ROLE PASSWORD EXPIRY LOGGED IN\nadmin admin 10000-Dec-31 yes"],
  [/^xmpp domain (\S+)$/, (s, [domain]) => set(s, { domain })],
  [/^xmpp listen (.+)$/, (s, [listen]) => set(s, { listen: listen.split(" ") })],
  [
    /^xmpp certs (\S+) (\S+)(?: (\S+))?$/,
    (s, [keyFile, certFile, bundleFile]) => set(s, { keyFile, certFile, bundleFile }),
  ],
  [/^xmpp cluster trust (\S+)$/, (s, [trust]) => set(s, { trust })],
  [
    /^xmpp callbridge (add|add-secret) (\S+)$/,
    (s, [how, name], answers) => {
      if (s.bridges.some((b) => b.name === name)) return `FAILURE: Call Bridge ${name} already exists`;
      const secret = how === "add" ? `${s.host}-made-${name}` : answers[0];
      if (secret === undefined) return "FAILURE: the node asked for a call bridge secret that was not expected";
      s.bridges.push({ name, secret });
      return how === "add" ? bridgeBlock(s, { name, secret }) : "";
    },
  ],
  [/^xmpp callbridge del (\S+)$/, (s, [name]) => set(s, { bridges: s.bridges.filter((b) => b.name !== name) })],
  [/^xmpp disable$/, (s) => set(s, { enabled: false, state: "DISABLED" })],
  [
    /^xmpp enable$/,
    (s) => {
      s.enabled = true;
      // A member rejoins by itself when XMPP starts.
      if (s.clusterEnabled && s.peers.length > 0) s.state = s.leader === self(s) ? "LEADER" : "FOLLOWER";
      return "SUCCESS: XMPP server enabled";
    },
  ],
  [/^xmpp cluster enable$/, (s) => set(s, { clusterEnabled: true })],
  [/^xmpp cluster disable$/, (s) => set(s, { clusterEnabled: false, state: "DISABLED", peers: [], leader: undefined })],
  [
    /^xmpp cluster initialize$/,
    (s) => {
      if (!s.clusterEnabled || s.enabled) return "FAILURE: initialize needs clustering enabled and XMPP disabled";
      return set(s, { state: "LEADER", peers: [self(s)], leader: self(s) });
    },
  ],
  [
    /^xmpp cluster join (\S+)$/,
    (s, [founder]) => {
      if (!s.clusterEnabled || !s.enabled) return "FAILURE: join needs clustering and XMPP enabled";
      if (s.peers.includes(`${founder}:5222`)) return "FAILURE: already a member of this cluster";
      return set(s, { state: "FOLLOWER", peers: [`${founder}:5222`, self(s)], leader: `${founder}:5222` });
    },
  ],
  [
    // One entry per remove, the case that makes the executor repeat.
    /^xmpp cluster remove (\S+)$/,
    (s, [peer]) => {
      const at = s.peers.indexOf(peer);
      if (at < 0) return `FAILURE: ${peer} is not a peer`;
      s.peers.splice(at, 1);
      return "";
    },
  ],
  [/^xmpp reset$/, (s) => set(s, { ...blankState(s.host), version: s.version })],
];

/** One node, which is also its own MMP session: `commands` accumulates over every connect. */
export class ScriptedNode implements MmpSession {
  readonly hostKeyFingerprint = "SHA256:scripted";
  readonly commands: string[] = [];
  readonly rules: Rule[] = [];
  alive = false;
  private readonly secrets: string[] = [];

  constructor(
    readonly node: string,
    readonly state: NodeState,
    private readonly log: string[],
  ) {}

  open(password: string): void {
    this.secrets.push(password);
    this.alive = true;
  }

  /**
   * Off unless the lab shares connections: then, as the provider process's pool, what a read-only command printed
   * is remembered across sessions (at any age) until another command, an upload, a removal or a failure. A test's own
   * change to `state` is not seen by it, as a change made by hand on a real node is not.
   */
  remembers = false;
  private readonly remembered = new Map<string, string>();

  recall(command: string): string | undefined {
    return this.remembers ? this.remembered.get(command) : undefined;
  }

  async run(command: string, options: RunOptions = {}): Promise<string> {
    if (!options.readOnly) this.remembered.clear();
    try {
      const output = await this.answer(command, options);
      if (options.readOnly) this.remembered.set(command, output);
      return output;
    } catch (err) {
      this.remembered.clear();
      throw err;
    }
  }

  private async answer(command: string, options: RunOptions): Promise<string> {
    const answers = options.secretAnswers ?? [];
    this.secrets.push(...answers);
    const shown = redact(command, this.secrets);
    this.commands.push(shown);
    this.log.push(`${this.node}: ${shown}`);
    const rule = this.rules.find((r) => (typeof r.match === "string" ? r.match === command : r.match.test(command)));
    if (rule?.down) this.state.down = rule.down;
    if (this.state.down) throw new NodeDownError(this.node, `\`${shown}\``, this.state.down, "");
    if (rule?.fail instanceof Error) throw rule.fail;
    if (rule?.fail) throw new MmpError(this.node, `\`${shown}\``, rule.fail, "");
    const known = COMMANDS.find(([pattern]) => pattern.test(command));
    let output = known
      ? known[1](this.state, (command.match(known[0]) ?? []).slice(1), answers)
      : `Unknown command: ${command}`;
    rule?.after?.(this.state);
    if (rule?.output !== undefined) output = rule.output;
    // As the real session: a FAILURE line fails the command unless the caller accepts it; secrets stay out.
    const failure = failureLine(output);
    if (failure && !options.acceptFailureWhen?.test(output)) {
      const shownOutput = options.sensitiveOutput
        ? "(output withheld: it contains secrets)"
        : redact(output, this.secrets);
      throw new MmpError(
        this.node,
        `\`${shown}\``,
        `${failure}\n  output:\n    ${shownOutput.split("\n").join("\n    ")}`,
        "",
      );
    }
    return output;
  }

  /** The SFTP root: file name → content. */
  readonly files = new Map<string, string>();

  async upload(name: string, content: Buffer | string): Promise<void> {
    this.remembered.clear();
    this.files.set(name, content.toString());
  }

  async download(name: string): Promise<Buffer> {
    const content = this.files.get(name);
    if (content === undefined) throw new Error(`no such file: ${name}`);
    return Buffer.from(content);
  }

  async remove(name: string): Promise<void> {
    this.remembered.clear();
    this.files.delete(name);
  }

  /** SFTP directory listings made on this node, over every connect. */
  listings = 0;

  async list(): Promise<string[]> {
    this.listings++;
    return [...this.files.keys()];
  }

  close(): void {
    this.alive = false;
  }
}

/** The nodes of one test, by name, with a shared log of every command in run order (`node: command`). */
export class ScriptedLab {
  readonly log: string[] = [];
  private readonly nodes: Map<string, ScriptedNode>;

  /** `sharedConnections`: the nodes remember reads across sessions, as connections of the provider's pool do. */
  constructor(states: Record<string, NodeState>, options: { sharedConnections?: boolean } = {}) {
    this.nodes = new Map(Object.entries(states).map(([name, s]) => [name, new ScriptedNode(name, s, this.log)]));
    for (const node of this.nodes.values()) node.remembers = options.sharedConnections === true;
  }

  node(name: string): ScriptedNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no scripted node ${name}`);
    return node;
  }

  readonly connect: Connect = async (target) => {
    const node = this.node(target.node);
    if (node.state.down)
      throw new NodeDownError(target.node, `connect ${target.host}:${target.port}`, node.state.down, "");
    node.open(target.password);
    return node;
  };
}
