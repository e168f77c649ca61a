import { parseArgs } from "node:util";
import { parseHostPort } from "./net/loopback";
import { BEHAVIOUR_CHOICES, LAYOUTS, type SimBehaviour, type SimClusterOptions, type SimNodeOptions } from "./options";

const BEHAVIOUR_KEYS = Object.keys(BEHAVIOUR_CHOICES) as (keyof SimBehaviour)[];
const LAYOUT_NAMES = Object.keys(LAYOUTS) as (keyof typeof LAYOUTS)[];

const behaviourHelp = BEHAVIOUR_KEYS.map(
  (key) => `                              ${key}=${BEHAVIOUR_CHOICES[key].join("|")}`,
).join("\n");

export const CLI_USAGE = `Usage: npm run sim -- [options]

  --nodes N                 number of nodes (default 3)
  --names cb1,cb2,cb3       hostnames (default cb1..cbN)
  --base-ip 127.0.1.1       first node's loopback IP; the next nodes count up (default)
  --host 127.0.0.1          put every node on this one IP instead; XMPP ports then step by 10 per node
  --ssh-port P              first SSH port, +1 per node (default 0: ephemeral)
  --api-port P              first API port, +1 per node (default 0: ephemeral)
  --xmpp-client-port P      default 5222
  --xmpp-component-port P   default 5223
  --user NAME --password PW SSH and API credentials (default admin/admin)
  --cms-version V           default 2.9.8 (3.x: no xmpp commands)
  --latency MS              added to every command (default 0)
  --dns HOST:PORT           DNS server for the Call Bridges' SRV/A queries and for joins by name
  --exec                    accept the SSH exec channel
  --keepalive MS            cluster keepalive interval (default 1000)
  --election-timeout MS     election timeout (default 3 x keepalive)
  --log                     print every command (secrets redacted) as it runs
  --layout technote|rich    output preset: technote prints only what the TechNote shows, rich (default) adds
                            the inferred lines
  --behaviour KEY=VALUE     set one behaviour switch on every node; repeatable, applied after --layout.
                            Switches and their values (the default first):
${behaviourHelp}
`;

export interface CliConfig {
  cluster: SimClusterOptions;
  log: boolean;
}

function nextIp(base: string, offset: number): string {
  const parts = base.split(".").map(Number);
  parts[3] += offset;
  for (let i = 3; i > 1; i--) {
    parts[i - 1] += Math.floor(parts[i] / 256);
    parts[i] %= 256;
  }
  return parts.join(".");
}

const numberOption = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} needs a non-negative integer`);
  return parsed;
};

/** `--behaviour key=value`: the key must be a switch and the value one of its choices. */
export function parseBehaviourOption(spec: string): Partial<SimBehaviour> {
  const separator = spec.indexOf("=");
  const key = (separator < 0 ? spec : spec.slice(0, separator)) as keyof SimBehaviour;
  if (!BEHAVIOUR_KEYS.includes(key)) {
    throw new Error(`--behaviour: unknown switch '${key}'; allowed: ${BEHAVIOUR_KEYS.join(", ")}`);
  }
  const choices: readonly (string | boolean)[] = BEHAVIOUR_CHOICES[key];
  const text = separator < 0 ? undefined : spec.slice(separator + 1);
  const value = choices.find((choice) => String(choice) === text);
  if (value === undefined) {
    throw new Error(
      `--behaviour ${key} needs one of ${choices.join(", ")}${text === undefined ? "" : `, not '${text}'`}`,
    );
  }
  return { [key]: value };
}

function behaviourOptions(layout: string | undefined, specs: string[]): Partial<SimBehaviour> | undefined {
  if (layout !== undefined && !(LAYOUT_NAMES as string[]).includes(layout)) {
    throw new Error(`--layout needs one of ${LAYOUT_NAMES.join(", ")}, not '${layout}'`);
  }
  const preset = layout === undefined ? {} : LAYOUTS[layout as keyof typeof LAYOUTS];
  const behaviour = Object.assign({}, preset, ...specs.map(parseBehaviourOption)) as Partial<SimBehaviour>;
  return Object.keys(behaviour).length > 0 ? behaviour : undefined;
}

export function parseCliArgs(argv: string[]): CliConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: "string" },
      names: { type: "string" },
      "base-ip": { type: "string" },
      host: { type: "string" },
      "ssh-port": { type: "string" },
      "api-port": { type: "string" },
      "xmpp-client-port": { type: "string" },
      "xmpp-component-port": { type: "string" },
      user: { type: "string" },
      password: { type: "string" },
      "cms-version": { type: "string" },
      latency: { type: "string" },
      dns: { type: "string" },
      exec: { type: "boolean" },
      keepalive: { type: "string" },
      "election-timeout": { type: "string" },
      log: { type: "boolean" },
      layout: { type: "string" },
      behaviour: { type: "string", multiple: true },
      help: { type: "boolean" },
    },
  });
  if (values.help) throw new Error(CLI_USAGE);
  const names = values.names?.split(",").filter((name) => name !== "");
  const count = numberOption(values.nodes, "nodes", names?.length ?? 3);
  if (count < 1) throw new Error("--nodes must be at least 1");
  const sharedHost = values.host;
  const baseIp = values["base-ip"] ?? "127.0.1.1";
  const sshPort = numberOption(values["ssh-port"], "ssh-port", 0);
  const apiPort = numberOption(values["api-port"], "api-port", 0);
  const clientPort = numberOption(values["xmpp-client-port"], "xmpp-client-port", 5222);
  const componentPort = numberOption(values["xmpp-component-port"], "xmpp-component-port", 5223);
  const dns = values.dns ? parseHostPort(values.dns, 53) : undefined;
  if (dns === null) throw new Error("--dns needs HOST:PORT");
  const behaviour = behaviourOptions(values.layout, values.behaviour ?? []);
  const nodes: SimNodeOptions[] = Array.from({ length: count }, (_, index) => ({
    name: names?.[index] ?? `cb${index + 1}`,
    host: sharedHost ?? nextIp(baseIp, index),
    sshPort: sshPort === 0 ? 0 : sshPort + index,
    apiPort: apiPort === 0 ? 0 : apiPort + index,
    xmppClientPort: clientPort + (sharedHost ? 10 * index : 0),
    xmppComponentPort: componentPort + (sharedHost ? 10 * index : 0),
    version: values["cms-version"],
    users: [{ username: values.user ?? "admin", password: values.password ?? "admin" }],
    execChannel: values.exec ?? false,
    dnsServer: dns,
    ...(behaviour ? { behaviour: { ...behaviour } } : {}),
  }));
  const keepaliveMs = numberOption(values.keepalive, "keepalive", 1000);
  return {
    cluster: {
      nodes,
      keepaliveMs,
      electionTimeoutMs: numberOption(values["election-timeout"], "election-timeout", 3 * keepaliveMs),
      latencyMs: numberOption(values.latency, "latency", 0),
    },
    log: values.log ?? false,
  };
}
