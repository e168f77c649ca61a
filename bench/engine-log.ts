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

export function milestones(log: string): Milestones {
  const events: { t: number; msg: string }[] = [];
  for (const line of log.split("\n")) {
    const m = LINE.exec(line);
    if (m) events.push({ t: Date.parse(m[1]), msg: m[2] });
  }
  if (events.length === 0) throw new Error("the engine log has no timestamped lines");
  const t0 = events[0].t;
  const at = (re: RegExp) => {
    const found = events.find((e) => re.test(e.msg));
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
    programStarted: need(/RegisterResource received: t=pulumi:pulumi:Stack/, "the program's stack resource"),
    programBuilt: at(/RegisterResource received: t=(?!pulumi:pulumi:Stack)/),
    providerRequested: at(/ProviderRegistry\.Check\(urn:[^)]*pulumi:providers:pulumi-nodejs::default\) executing/),
    providerReady: at(/Handshake: .*pulumi-resource-pulumi-nodejs/),
    resources: events.filter((e) => /^ResourceMonitor\.RegisterResource received: /.test(e.msg)).length,
    clusterCheck: checkStart !== undefined && checkEnd !== undefined ? { start: checkStart, end: checkEnd } : undefined,
    done: need(/Update\(preview=true\) complete/, "the end of the preview"),
  };
}
