import { type SimBehaviour, type SimCluster, type SimNodeOptions, startSimCluster } from "../../sim";
import type { MmpTarget } from "../../src/clients/mmp/session";
import { withMmpSession } from "../../src/clients/mmp/session";
import type { ClusterIntent } from "../../src/core/plan";
import { randomLoopbackPrefix } from "./loopback";
import { issueTestCertificate } from "./pki";

export const READ_ONLY = new Set([
  "version",
  "xmpp",
  "xmpp callbridge list",
  "xmpp cluster status",
  "pki list",
  // The prerequisites, read before the first change.
  "database cluster status",
  "callbridge",
  "user list",
]);

/** MMP commands a node ran that change something (the transcript minus reads, `pki match`/`inspect` and API requests). */
export function mutating(sim: SimCluster, node: string): string[] {
  return sim
    .node(node)
    .transcript.map((e) => e.command)
    .filter((c) => !READ_ONLY.has(c) && !/^(API |pki (match|inspect) )/.test(c));
}

export interface SimLab {
  sim: SimCluster;
  domain: string;
  targets: MmpTarget[];
  intent: ClusterIntent;
}

/**
 * Per-node options every node gets, the Call Bridges' pause between failed connection rounds, and the cluster's
 * timings (default 50 ms keepalives, 200 ms election timeout: fast, but a loaded machine can move the leader).
 */
export type SimLabExtras = Pick<SimNodeOptions, "users" | "apiUsers" | "dnsServer"> & {
  bridgeRetryMs?: number;
  keepaliveMs?: number;
  electionTimeoutMs?: number;
};

/** Simulated nodes cb1..cbN on a random 127.a.b.1-N with one shared certificate uploaded to each. */
export async function startSimLab(
  nodeCount = 3,
  behaviour: Partial<SimBehaviour> = {},
  extras: SimLabExtras = {},
): Promise<SimLab> {
  const { bridgeRetryMs, keepaliveMs = 50, electionTimeoutMs = 200, ...nodeOptions } = extras;
  const names = Array.from({ length: nodeCount }, (_, i) => `cb${i + 1}`);
  const prefix = randomLoopbackPrefix();
  const sim = await startSimCluster({
    nodes: names.map((name, i) => ({ name, host: `${prefix}.${i + 1}`, behaviour, ...nodeOptions })),
    keepaliveMs,
    electionTimeoutMs,
    bridgeRetryMs,
  });
  const domain = "tptac9.com";
  const targets: MmpTarget[] = sim.nodes.map((n) => ({
    node: n.name,
    host: n.host,
    port: n.sshPort,
    username: "admin",
    password: extras.users?.[0].password ?? "admin",
    hostKeyFingerprint: n.hostKeyFingerprint,
    timeoutMs: 10_000,
  }));
  const pki = issueTestCertificate(
    domain,
    names.map((n) => `${n}.${domain}`),
  );
  await Promise.all(
    targets.map((t) =>
      withMmpSession(t, async (s) => {
        await s.upload("xmpp.key", pki.keyPem);
        await s.upload("xmpp.cer", pki.certPem);
        await s.upload("xmpp-ca.cer", pki.caPem);
      }),
    ),
  );
  for (const n of sim.nodes) n.clearTranscript();
  const intent: ClusterIntent = {
    domain,
    initializer: "cb1",
    callBridges: ["cb1", "cb2", "cb3"],
    nodes: sim.nodes.map((n) => ({
      name: n.name,
      xmppAddress: n.host,
      listen: ["a"],
      certs: { keyFile: "xmpp.key", certFile: "xmpp.cer", bundleFile: "xmpp-ca.cer" },
      trustBundle: "xmpp.cer",
    })),
  };
  return { sim, domain, targets, intent };
}
