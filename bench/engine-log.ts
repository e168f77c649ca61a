/** Milestones of one `pulumi preview`, read from the engine's `-v=7` log, in ms since its first line. */
export interface Milestones {
  programStarted: number;
  /** The program's first resource after its stack: what it loaded and built before registering anything. */
  programBuilt?: number;
  /** The engine starts the dynamic-provider process (the program asks for it as it starts). */
  providerRequested?: number;
  providerReady?: number;
  /** Resources the program registered, the stack included. */
  resources: number;
  clusterCheck?: { start: number; end: number };
  done: number;
}

const LINE = /"time":"([^"]+)".*?"msg":"(.*?)","v"/;
/** The program registers its stack resource, then (once its modules are loaded and built) its first resource. */
const STACK_REGISTERED = /RegisterResource received: t=pulumi:pulumi:Stack/;
const FIRST_RESOURCE = /RegisterResource received: t=(?!pulumi:pulumi:Stack)/;

function events(log: string): { t: number; msg: string }[] {
  const found: { t: number; msg: string }[] = [];
  for (const line of log.split("\n")) {
    const m = LINE.exec(line);
    if (m) found.push({ t: Date.parse(m[1]), msg: m[2] });
  }
  if (found.length === 0) throw new Error("the engine log has no timestamped lines");
  return found;
}

/** One phase of a cold `up`: from the first of its steps starting to the last finishing, in ms since the log began. */
export interface Phase {
  name: string;
  start: number;
  end: number;
}

/** A cold `up`'s phases, in the order the dependency graph runs them, read from the engine's `-v=7` log. */
export function coldPhases(log: string): Phase[] {
  const all = events(log);
  const t0 = all[0].t;
  const span = (name: string, begin: RegExp, finish: RegExp): Phase[] => {
    const starts = all.filter((e) => begin.test(e.msg));
    const ends = all.filter((e) => finish.test(e.msg));
    if (starts.length === 0 || ends.length === 0) return [];
    return [{ name, start: starts[0].t - t0, end: (ends.at(-1)?.t ?? t0) - t0 }];
  };
  const step = (op: string, type: string, name: string) =>
    span(
      name,
      new RegExp(`^Provider\\[[^\\]]+\\]\\.${op}\\(urn:[^)]*${type}::[^)]*\\) executing`),
      new RegExp(`^Provider\\[[^\\]]+\\]\\.${op}\\(urn:[^)]*${type}::[^)]*\\) success`),
    );
  const stack = all.find((e) => STACK_REGISTERED.test(e.msg));
  const built = all.find((e) => FIRST_RESOURCE.test(e.msg));
  const done = all.find((e) => /Update\(preview=false\) complete/.test(e.msg));
  if (!stack || !built || !done) throw new Error("the engine log does not show a whole up");
  const verified = all.filter((e) => /ClusterVerification::[^)]*\) success/.test(e.msg)).at(-1) ?? done;
  return [
    { name: "engine start, language host, Node and `@pulumi/pulumi`", start: 0, end: stack.t - t0 },
    { name: "the program loads and builds its resources", start: stack.t - t0, end: built.t - t0 },
    ...step("Create", "tls:index/[A-Za-z]+:[A-Za-z]+", "the CA, keys and certificates (`@pulumi/tls`)"),
    ...step("Create", "NodeFile", "certificate uploads over SFTP, confirmed by one `pki list` per node"),
    ...step("Check", "XmppCluster", "the cluster's check: its facts read on every node, the owner marker"),
    ...step("Create", "XmppCluster", "the cluster's create: preflight, the plan's phases, the result read back"),
    ...step("Create", "CallBridgeXmppSettings", "each Call Bridge pointed at the cluster (CMS API)"),
    ...step("Create", "ClusterVerification", "the verification"),
    { name: "the program exits, the engine saves the state", start: verified.t - t0, end: done.t - t0 },
  ];
}

export function milestones(log: string): Milestones {
  const all = events(log);
  const t0 = all[0].t;
  const at = (re: RegExp) => {
    const found = all.find((e) => re.test(e.msg));
    return found ? found.t - t0 : undefined;
  };
  const need = (re: RegExp, what: string) => {
    const t = at(re);
    if (t === undefined) throw new Error(`the engine log does not show ${what}`);
    return t;
  };
  const checkStart = at(/Check\(urn:[^)]*XmppCluster::[^)]*\) executing/);
  const checkEnd = at(/Check\(urn:[^)]*XmppCluster::[^)]*\) success/);
  return {
    programStarted: need(STACK_REGISTERED, "the program's stack resource"),
    programBuilt: at(FIRST_RESOURCE),
    providerRequested: at(/ProviderRegistry\.Check\(urn:[^)]*pulumi:providers:pulumi-nodejs::default\) executing/),
    providerReady: at(/Handshake: .*pulumi-resource-pulumi-nodejs/),
    resources: all.filter((e) => /^ResourceMonitor\.RegisterResource received: /.test(e.msg)).length,
    clusterCheck: checkStart !== undefined && checkEnd !== undefined ? { start: checkStart, end: checkEnd } : undefined,
    done: need(/Update\(preview=true\) complete/, "the end of the preview"),
  };
}
