/**
 * Certificates end to end: the repo's main program through the real Pulumi engine against simulated CMS nodes, once
 * per certificate source (on-node CSR with the stack's CA, off-node keys, bring-your-own), plus a rotation, the
 * external-CA pause and resume, and bad input refused before any upload.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCa, type SimCluster, signCsr, startSimCluster } from "../sim";
import { type MmpSession, type MmpTarget, openMmpSession, withMmpSession } from "../src/clients/mmp/session";
import { caBundleFileName, certFileName, keyFileName } from "../src/core/certs/file-names";
import { OWNER_FILE } from "../src/core/ownership";
import { parseClusterStatus } from "../src/core/parsers/cluster-status";
import { parsePkiList } from "../src/core/parsers/pki-list";
import { parseXmppStatus, type XmppStatus } from "../src/core/parsers/xmpp-status";
import { DOMAIN, TestPki } from "./certs-fixtures";
import { clusterStackConfig, SIM_PASSWORD, SIM_USERS } from "./support/cluster-stack";
import { dispose, engineOrSkipReason, exportedStateText, REPO_ROOT, testStack } from "./support/engine";
import { randomLoopbackPrefix } from "./support/loopback";
import { mutating } from "./support/sim-lab";

const engine = engineOrSkipReason();
if ("skip" in engine) console.warn(`certificate engine tests skipped: ${engine.skip}`);

vi.setConfig({ testTimeout: 300_000 });

const CLUSTER_KEY = "cms-xmpp-resiliency:cluster";
const NODES = ["cb1", "cb2", "cb3"];

/** One simulated cluster and one stack of the main program, with what the engine printed. */
class Lab {
  sim!: SimCluster;
  stack!: Stack;
  readonly output: string[] = [];
  readonly onOutput = (text: string) => this.output.push(text);
  /** The simulated nodes the stack config lists (the Call Bridges stay those of cb1-cb3). */
  members: string[] = NODES;

  async start(certificates: Record<string, unknown>, simNodes = NODES): Promise<void> {
    const prefix = randomLoopbackPrefix();
    this.sim = await startSimCluster({
      nodes: simNodes.map((name, i) => ({
        name,
        host: `${prefix}.${i + 1}`,
        ...SIM_USERS,
      })),
      keepaliveMs: 50,
      electionTimeoutMs: 200,
      bridgeRetryMs: 200,
    });
    this.stack = await testStack({ workDir: ".", config: this.config(certificates) });
  }

  config(certificates: Record<string, unknown>) {
    const config = clusterStackConfig(this.sim, {
      certificates,
      mmp: { timeoutSeconds: 20 },
      verification: { timeoutSeconds: 20 },
    });
    const body = JSON.parse(config[CLUSTER_KEY].value);
    body.nodes = body.nodes.filter((n: { name: string }) => this.members.includes(n.name));
    body.callBridges = body.callBridges.filter((b: { name: string }) => NODES.includes(b.name));
    return { ...config, [CLUSTER_KEY]: { value: JSON.stringify(body) } };
  }

  async setCertificates(certificates: Record<string, unknown>): Promise<void> {
    await this.stack.setConfig(CLUSTER_KEY, this.config(certificates)[CLUSTER_KEY]);
  }

  /**
   * The cluster config as an object, as in stacks/*.yaml, so that `config set --path` reaches into it; `secrets` are
   * set with `--secret --path` under it (e.g. `certificates.certs.cb1.key`), as an admin puts private keys in config.
   */
  async setClusterObject(certificates: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<void> {
    const cluster = JSON.parse(this.config(certificates)[CLUSTER_KEY].value);
    const entry = { value: JSON.stringify(cluster), objectValue: cluster, secret: false };
    await this.stack.setAllConfigJson(JSON.stringify({ [CLUSTER_KEY]: entry }));
    for (const [path, value] of Object.entries(secrets)) {
      await this.stack.setConfig(`cluster.${path}`, { value, secret: true }, true);
    }
  }

  async stop(): Promise<void> {
    await dispose(this.stack);
    await this.sim?.stop();
  }

  target(node: string): MmpTarget {
    const n = this.sim.node(node);
    return {
      node,
      host: n.host,
      port: n.sshPort,
      username: "admin",
      password: SIM_PASSWORD,
      hostKeyFingerprint: n.hostKeyFingerprint,
    };
  }

  session<T>(node: string, fn: (s: MmpSession) => Promise<T>): Promise<T> {
    return withMmpSession(this.target(node), fn);
  }

  clear(): void {
    for (const n of this.sim.nodes) n.clearTranscript();
  }

  /** Every command any node ran since the last clear. */
  commands(): string[] {
    return this.sim.nodes.flatMap((n) => n.transcript.map((e) => e.command));
  }

  /** When each file on each node was last written (SFTP writes replace the stored file). */
  writes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const n of this.sim.nodes) {
      for (const name of n.store.files.names())
        out[`${n.name}/${name}`] = n.store.files.get(name)?.mtime.getTime() ?? 0;
    }
    return out;
  }
}

interface NodeView {
  files: string[];
  xmpp: XmppStatus;
}

/** `pki list` and `xmpp` on a node, over MMP. */
async function view(lab: Lab, node: string): Promise<NodeView> {
  return lab.session(node, async (s) => ({
    files: parsePkiList(await s.run("pki list")),
    xmpp: parseXmppStatus(await s.run("xmpp")),
  }));
}

/** The files `xmpp certs` and `xmpp cluster trust` use on every node are listed by `pki list`, XMPP runs with them. */
async function expectInstalled(lab: Lab, nodes = NODES): Promise<Record<string, NodeView>> {
  const views: Record<string, NodeView> = {};
  for (const node of nodes) {
    const v = await view(lab, node);
    expect(v.xmpp.enabled, `${node} xmpp enabled`).toBe(true);
    const used = [v.xmpp.keyFile, v.xmpp.certificateFile, v.xmpp.caBundleFile, v.xmpp.trustBundle];
    for (const file of used) expect(v.files, `${node} pki list`).toContain(file);
    expect(v.xmpp.keyFile).toMatch(/^xmpp-[\w-]+\.key$/);
    expect(v.xmpp.certificateFile).toMatch(/^xmpp-[\w-]+\.cer$/);
    expect(v.xmpp.caBundleFile).toMatch(/^xmpp-cabundle-[0-9a-f]{8}\.cer$/);
    views[node] = v;
  }
  const status = await lab.session("cb1", async (s) => parseClusterStatus(await s.run("xmpp cluster status")));
  expect(status.leader).toBeDefined();
  expect(status.peers).toHaveLength(nodes.length);
  return views;
}

/** `openssl verify` of each node's certificate, downloaded over SFTP, against `root` with the node's bundle as chain. */
async function expectChainVerifies(
  lab: Lab,
  views: Record<string, NodeView>,
  root?: string,
  nodes = NODES,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "certs-engine-"));
  const certs: string[] = [];
  try {
    for (const node of nodes) {
      const { xmpp } = views[node];
      const [cert, bundle, match] = await lab.session(node, async (s) => [
        (await s.download(xmpp.certificateFile as string)).toString("utf8"),
        (await s.download(xmpp.caBundleFile as string)).toString("utf8"),
        await s.run(`pki match ${xmpp.keyFile} ${xmpp.certificateFile}`),
      ]);
      certs.push(cert);
      expect(match).toContain("SUCCESS: Key and certificate pair match");
      // Names versioned by content: the certificate's DER, the bundle's text, the key's public half.
      expect(xmpp.certificateFile).toBe(certFileName(node, cert));
      expect(xmpp.caBundleFile).toBe(caBundleFileName(bundle));
      if (!xmpp.keyFile?.includes("-csr-")) expect(xmpp.keyFile).toBe(keyFileName(node, cert));
      writeFileSync(join(dir, "leaf.pem"), cert);
      writeFileSync(join(dir, "bundle.pem"), bundle);
      writeFileSync(join(dir, "root.pem"), root ?? bundle);
      const out = execFileSync(
        "openssl",
        ["verify", "-CAfile", "root.pem", "-untrusted", "bundle.pem", "-purpose", "sslserver", "leaf.pem"],
        { cwd: dir, encoding: "utf8", stdio: "pipe" },
      );
      expect(out.trim()).toBe("leaf.pem: OK");
      const names = execFileSync("openssl", ["x509", "-noout", "-ext", "subjectAltName", "-in", "leaf.pem"], {
        cwd: dir,
        encoding: "utf8",
      });
      // A node's own certificate: the domain and this node's FQDN.
      for (const name of [DOMAIN, `${node}.${DOMAIN}`]) expect(names).toContain(`DNS:${name}`);
    }
    // The cluster trust bundle is every node's certificate, in node order.
    const flat = (pem: string) => pem.replace(/\s+/g, "");
    for (const node of nodes) {
      const trust = await lab.session(node, (s) => s.download(views[node].xmpp.trustBundle as string));
      expect(flat(trust.toString("utf8"))).toBe(flat(certs.join("")));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A second `up` changes nothing: only `same`, no mutating MMP command, no file written. */
async function expectSecondUpIdle(lab: Lab): Promise<void> {
  lab.clear();
  const before = lab.writes();
  const up = await lab.stack.up({ onOutput: lab.onOutput });
  expect(Object.keys(up.summary.resourceChanges ?? {})).toEqual(["same"]);
  for (const node of NODES) expect(mutating(lab.sim, node), node).toEqual([]);
  expect(lab.writes()).toEqual(before);
}

/** Every private key the stack holds (read from the decrypted state) and `extra` are absent from state and output. */
async function expectNoPlaintextKeys(lab: Lab, extraKeys: string[], minimumInState: number): Promise<void> {
  const decrypted = JSON.stringify(await lab.stack.exportStack());
  const inState = [...decrypted.matchAll(/PRIVATE KEY-----(?:\\+n|\n)([A-Za-z0-9+/=]{40,})/g)].map((m) => m[1]);
  expect(inState.length).toBeGreaterThanOrEqual(minimumInState);
  const everything = `${await exportedStateText(lab.stack)}\n${lab.output.join("")}`;
  expect(everything).not.toContain("PRIVATE KEY");
  const bodies = [...inState, ...extraKeys.map((k) => k.split("\n").find((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l)))];
  for (const body of bodies) {
    expect(body).toBeDefined();
    expect(everything).not.toContain(body);
    expect(everything).not.toContain((body as string).slice(0, 40));
  }
}

/** `xmpp cluster status` on every node every 200 ms, each over its own open MMP session. */
function watchLeader(lab: Lab) {
  const samples: { at: number; states: string[] }[] = [];
  let running = true;
  const loop = (async () => {
    const sessions = await Promise.all(NODES.map((n) => openMmpSession(lab.target(n))));
    try {
      while (running) {
        const states = await Promise.all(
          sessions.map((s) =>
            s.run("xmpp cluster status").then(
              (out) => parseClusterStatus(out).state ?? "NONE",
              (err) => `ERROR ${err}`,
            ),
          ),
        );
        samples.push({ at: Date.now(), states });
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      for (const s of sessions) s.close();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** Upper bounds of each window without a LEADER: from the last sample with one to the next sample with one. */
function leaderlessGaps(samples: { at: number; states: string[] }[]): number[] {
  const gaps: number[] = [];
  let lastWithLeader = samples[0]?.at ?? 0;
  let open = false;
  for (const sample of samples) {
    const leader = sample.states.includes("LEADER");
    if (!leader) open = true;
    if (leader && open) gaps.push(sample.at - lastWithLeader);
    if (leader) {
      lastWithLeader = sample.at;
      open = false;
    }
  }
  if (open) gaps.push(Number.POSITIVE_INFINITY);
  return gaps;
}

describe.skipIf("skip" in engine)("certificates through the real engine", () => {
  describe("onNodeCsr with the stack's CA (the default), then a rotation", () => {
    const lab = new Lab();
    let installed: Record<string, NodeView>;
    beforeAll(() => lab.start({ source: "onNodeCsr" }), 120_000);
    afterAll(() => lab.stop());

    it("up: pki csr on every node, files listed by pki list, XMPP enabled with them, chain verifies", async () => {
      const up = await lab.stack.up({ onOutput: lab.onOutput });
      expect(up.summary.result).toBe("succeeded");
      for (const node of NODES) {
        const csr = mutating(lab.sim, node).filter((c) => c.startsWith("pki csr"));
        expect(csr).toEqual([
          expect.stringMatching(
            new RegExp(
              `^pki csr xmpp-${node}-csr-[0-9a-f]{8} CN:tptac9.com subjectAltName:tptac9.com,${node}.tptac9.com$`,
            ),
          ),
        ]);
      }
      expect(lab.commands().filter((c) => c === "xmpp cluster initialize")).toHaveLength(1);
      installed = await expectInstalled(lab);
      for (const node of NODES) {
        expect(installed[node].xmpp.keyFile).toMatch(new RegExp(`^xmpp-${node}-csr-[0-9a-f]{8}\\.key$`));
        expect(installed[node].xmpp.trustBundle).toMatch(/^xmpp-trust-[0-9a-f]{8}\.cer$/);
      }
      await expectChainVerifies(lab, installed);
      expect(up.outputs.certificateExpiry.value).toHaveLength(3);
    });

    it("a second up uploads nothing and runs no mutating command", async () => {
      await expectSecondUpIdle(lab);
    });

    it("rotation: preview shows the plan; up keeps a leader, never re-initializes, switches files, removes the old", async () => {
      const old = new Set(Object.keys(lab.writes()).filter((f) => /\/xmpp-/.test(f)));
      await lab.setCertificates({ source: "onNodeCsr", subject: { O: "Example Corp" } });
      const preview = await lab.stack.preview({ diff: true, onOutput: lab.onOutput });
      for (const node of NODES) {
        const planned = ["xmpp certs <new key file> <new certificate file> <new CA bundle file>"];
        planned.push("xmpp cluster trust <new trust bundle file>", "xmpp disable", "xmpp enable");
        const lines = planned.map((c, i) => `\\+\\s+\\[${i}\\]: "${c}"`).join("\\s+");
        expect(preview.stdout).toMatch(new RegExp(`\\+ ${node}: \\[\\s+${lines}\\s+\\]`));
      }
      expect(preview.changeSummary.replace).toBeGreaterThanOrEqual(9);

      lab.clear();
      const watch = watchLeader(lab);
      const up = await lab.stack.up({ onOutput: lab.onOutput }).finally(() => undefined);
      const samples = await watch.stop();
      expect(up.summary.result).toBe("succeeded");

      // A majority runs and stays clustered in every sample; the leader is gone only while one is elected after the
      // leader itself restarts (inherent: there is no leadership transfer command), never longer than 2 s.
      expect(samples.length).toBeGreaterThan(20);
      for (const sample of samples) {
        const down = sample.states.filter((state) => !["LEADER", "FOLLOWER", "CANDIDATE"].includes(state));
        expect(down.length, JSON.stringify(sample)).toBeLessThanOrEqual(1);
        expect(
          down.filter((state) => state !== "INACTIVE"),
          JSON.stringify(sample),
        ).toEqual([]);
      }
      const gaps = leaderlessGaps(samples);
      console.log(`rotation: ${samples.length} samples, leaderless windows (ms): ${JSON.stringify(gaps)}`);
      for (const gap of gaps) expect(gap).toBeLessThan(2000);
      expect(samples.filter((s) => s.states.includes("LEADER")).length / samples.length).toBeGreaterThan(0.8);
      expect(lab.commands()).not.toContain("xmpp cluster initialize");
      for (const node of NODES) {
        expect(mutating(lab.sim, node).filter((c) => c.startsWith("xmpp"))).toEqual([
          expect.stringMatching(/^xmpp certs /),
          expect.stringMatching(/^xmpp cluster trust /),
          "xmpp disable",
          "xmpp enable",
        ]);
      }
      const rotated = await expectInstalled(lab);
      for (const node of NODES) {
        const [before, after] = [installed[node].xmpp, rotated[node].xmpp];
        expect(after.keyFile).not.toBe(before.keyFile);
        expect(after.certificateFile).not.toBe(before.certificateFile);
        expect(after.trustBundle).not.toBe(before.trustBundle);
      }
      const now = new Set(Object.keys(lab.writes()));
      expect([...old].filter((f) => now.has(f))).toEqual([]);
      await expectChainVerifies(lab, rotated);
      const subject = await lab.session("cb2", (s) => s.run(`pki inspect ${rotated.cb2.xmpp.certificateFile}`));
      expect(subject).toContain("Example Corp");
    });

    it("never shows a private key in state or engine output", async () => {
      const keyOnNode = await lab.session("cb1", async (s) => {
        const keyFile = parseXmppStatus(await s.run("xmpp")).keyFile as string;
        return (await s.download(keyFile)).toString();
      });
      await expectNoPlaintextKeys(lab, [keyOnNode], 1);
    });
  });

  describe("offNode", () => {
    const lab = new Lab();
    let installed: Record<string, NodeView>;
    beforeAll(() => lab.start({ source: "offNode" }), 120_000);
    afterAll(() => lab.stop());

    it("up: files listed by pki list, XMPP enabled with them, chain verifies", async () => {
      const up = await lab.stack.up({ onOutput: lab.onOutput });
      expect(up.summary.result).toBe("succeeded");
      installed = await expectInstalled(lab);
      for (const node of NODES) {
        expect(installed[node].xmpp.keyFile).toMatch(new RegExp(`^xmpp-${node}-[0-9a-f]{8}\\.key$`));
        expect(mutating(lab.sim, node).filter((c) => c.startsWith("pki"))).toEqual([]);
      }
      await expectChainVerifies(lab, installed);
    });

    it("a second up uploads nothing and runs no mutating command", async () => {
      await expectSecondUpIdle(lab);
    });

    it("never shows a private key in state or engine output", async () => {
      const keyOnNode = (await lab.session("cb3", (s) => s.download(installed.cb3.xmpp.keyFile as string))).toString();
      await expectNoPlaintextKeys(lab, [keyOnNode], 4);
    });
  });

  describe("bring your own (openssl-made key, certificate and chain)", () => {
    const lab = new Lab();
    const pki = new TestPki();
    const chain = pki.intermediate.cert + pki.root.cert;
    const issued = Object.fromEntries(
      NODES.map((n) => {
        const { key, cert } = pki.issue({ rsa: true });
        return [n, { key, cert }];
      }),
    );
    /** Certificates and chains in config, each key set as a secret (`pulumi config set --secret --path …key`). */
    const setByo = (entries: Record<string, { key: string; cert: string }>) =>
      lab.setClusterObject(
        { source: "byo", certs: Object.fromEntries(NODES.map((n) => [n, { cert: entries[n].cert, chain }])) },
        Object.fromEntries(NODES.map((n) => [`certificates.certs.${n}.key`, entries[n].key])),
      );
    beforeAll(async () => {
      await lab.start({ source: "offNode" });
      const missingSan = pki.issue({ sans: [DOMAIN, "cb1.tptac9.com", "cb3.tptac9.com"] });
      await setByo({ ...issued, cb2: missingSan });
    }, 120_000);
    afterAll(async () => {
      await lab.stop();
      pki.dispose();
    });

    it("a certificate without a node's FQDN fails preview with one clear error, before anything reaches a node", async () => {
      const failure = await lab.stack.preview({ onOutput: lab.onOutput }).then(
        () => "",
        (err: Error) => err.message,
      );
      expect(failure).toContain("certificate checks failed; nothing was uploaded to any node");
      expect(failure).toContain(
        'certificates.certs.cb2: the certificate "CN=tptac9.com" does not carry "cb2.tptac9.com"',
      );
      expect(new Set(failure.match(/^\s+- .*$/gm))).toEqual(new Set([expect.stringContaining("does not carry")]));
      for (const node of NODES) {
        expect(mutating(lab.sim, node), node).toEqual([]);
        expect(lab.sim.node(node).state().files).toEqual([]);
      }
    });

    it("up: files listed by pki list, XMPP enabled with them, chain verifies against the root", async () => {
      await setByo(issued);
      const up = await lab.stack.up({ onOutput: lab.onOutput });
      expect(up.summary.result).toBe("succeeded");
      const installed = await expectInstalled(lab);
      for (const node of NODES) {
        const cert = (await lab.session(node, (s) => s.download(installed[node].xmpp.certificateFile as string)))
          .toString()
          .trim();
        expect(cert).toBe(issued[node].cert.trim());
        const bundle = (await lab.session(node, (s) => s.download(installed[node].xmpp.caBundleFile as string)))
          .toString()
          .replace(/\s+/g, "");
        expect(bundle).toBe(chain.replace(/\s+/g, ""));
      }
      await expectChainVerifies(lab, installed, pki.root.cert);
    });

    it("a second up uploads nothing and runs no mutating command", async () => {
      await expectSecondUpIdle(lab);
    });

    it("never shows a private key in state or engine output", async () => {
      await expectNoPlaintextKeys(
        lab,
        NODES.map((n) => issued[n].key),
        3,
      );
    });
  });

  describe("day 2: a fourth node joins (onNodeCsr, one certificate per node)", () => {
    const lab = new Lab();
    const ALL = [...NODES, "cb4"];
    let before: Record<string, NodeView>;
    beforeAll(() => lab.start({ source: "onNodeCsr" }, ALL), 120_000);
    afterAll(() => lab.stop());

    it("up with cb1-cb3", async () => {
      const up = await lab.stack.up({ onOutput: lab.onOutput });
      expect(up.summary.result).toBe("succeeded");
      before = await expectInstalled(lab);
    });

    it("adding cb4: cb1-cb3 keep key, certificate and CA bundle; only their trust bundle changes", async () => {
      lab.members = ALL;
      await lab.setCertificates({ source: "onNodeCsr" });
      lab.clear();
      const up = await lab.stack.up({ onOutput: lab.onOutput });
      expect(up.summary.result).toBe("succeeded");
      const after = await expectInstalled(lab, ALL);
      for (const node of NODES) {
        const [was, now] = [before[node].xmpp, after[node].xmpp];
        expect([now.keyFile, now.certificateFile, now.caBundleFile], node).toEqual([
          was.keyFile,
          was.certificateFile,
          was.caBundleFile,
        ]);
        expect(now.trustBundle, node).not.toBe(was.trustBundle);
        expect(
          mutating(lab.sim, node).filter((c) => c.startsWith("pki")),
          node,
        ).toEqual([]);
        expect(
          mutating(lab.sim, node).filter((c) => c.startsWith("xmpp")),
          node,
        ).toEqual([`xmpp cluster trust ${now.trustBundle}`, "xmpp disable", "xmpp enable"]);
      }
      expect(mutating(lab.sim, "cb4").filter((c) => c.startsWith("pki csr"))).toEqual([
        expect.stringMatching(
          /^pki csr xmpp-cb4-csr-[0-9a-f]{8} CN:tptac9.com subjectAltName:tptac9.com,cb4.tptac9.com$/,
        ),
      ]);
      expect(lab.commands()).not.toContain("xmpp cluster initialize");
      // The trust bundle is now every one of the four certificates, in node order, on every node.
      await expectChainVerifies(lab, after, undefined, ALL);
    });
  });

  describe("source: existing (the TechNote's files, uploaded by hand)", () => {
    const lab = new Lab();
    const pki = new TestPki();
    const shared = pki.issue({ rsa: true });
    const chain = pki.intermediate.cert + pki.root.cert;
    const existing = {
      source: "existing",
      keyFile: "abhiall.key",
      certFile: "abhiall.cer",
      bundleFile: "certall.cer",
      trustBundle: "abhiall.cer",
      nodes: { cb2: { keyFile: "cb2.key", certFile: "cb2.cer" } },
    };
    const filesOf = (node: string): Record<string, string> => ({
      ...(node === "cb2" ? { "cb2.key": shared.key, "cb2.cer": shared.cert } : { "abhiall.key": shared.key }),
      "abhiall.cer": shared.cert,
      "certall.cer": chain,
    });
    const upload = (node: string, files: Record<string, string>) =>
      lab.session(node, async (s) => {
        for (const [name, content] of Object.entries(files)) await s.upload(name, content);
      });
    beforeAll(async () => {
      await lab.start(existing);
      for (const node of NODES) {
        const files = filesOf(node);
        if (node === "cb3") delete files["certall.cer"];
        await upload(node, files);
      }
      lab.clear();
    }, 120_000);
    afterAll(async () => {
      await lab.stop();
      pki.dispose();
    });

    it("a file missing on one node: up stops naming the node, the file and what to do; XMPP untouched", async () => {
      const failure = await lab.stack.up({ onOutput: lab.onOutput }).then(
        () => "",
        (err: Error) => err.message,
      );
      // The engine indents the message's second line under the resource it belongs to.
      expect(failure).toMatch(
        /error: \[cb3\] certificates \(source: existing\): `pki list` does not list certall\.cer \(certificates\.bundleFile\)\n\s+next: upload it to cb3 over SFTP \(the MMP login\) and check with `pki list`, or correct the file name in the stack config\n/,
      );
      expect(failure).not.toMatch(/\[cb[12]\] certificates/);
      for (const node of NODES) {
        expect(
          mutating(lab.sim, node).filter((c) => !c.startsWith("pki match")),
          node,
        ).toEqual([]);
        expect((await view(lab, node)).xmpp.enabled, node).toBe(false);
      }
    });

    it("up adopts the files as named: nothing uploaded, xmpp certs and cluster trust with them", async () => {
      await upload("cb3", { "certall.cer": chain });
      const written = lab.writes();
      const up = await lab.stack.up({ onOutput: lab.onOutput });
      expect(up.summary.result).toBe("succeeded");
      // No certificate file was written: the only new file is the stack's owner marker on each node.
      const after = lab.writes();
      expect(Object.keys(after).filter((f) => !(f in written))).toEqual(NODES.map((n) => `${n}/${OWNER_FILE}`));
      expect(Object.fromEntries(Object.keys(written).map((f) => [f, after[f]]))).toEqual(written);
      for (const node of NODES) {
        const { xmpp, files } = await view(lab, node);
        const own = node === "cb2" ? ["cb2.key", "cb2.cer"] : ["abhiall.key", "abhiall.cer"];
        expect([xmpp.keyFile, xmpp.certificateFile, xmpp.caBundleFile, xmpp.trustBundle], node).toEqual([
          ...own,
          "certall.cer",
          "abhiall.cer",
        ]);
        expect(xmpp.enabled).toBe(true);
        expect(files.sort()).toEqual(Object.keys(filesOf(node)).sort());
        const commands = lab.sim.node(node).transcript.map((e) => e.command);
        expect(commands.filter((c) => c.startsWith("pki match "))).toContain(`pki match ${own[0]} ${own[1]}`);
      }
      const status = await lab.session("cb1", async (s) => parseClusterStatus(await s.run("xmpp cluster status")));
      expect(status.peers).toHaveLength(3);
      const notAfter = new Date(new X509Certificate(shared.cert).validTo).toISOString().replace(".000", "");
      expect(up.outputs.certificateExpiry.value.map((e: { notAfter: string }) => e.notAfter)).toEqual(
        Array(3).fill(notAfter),
      );
    });

    it("a second up uploads nothing and runs no mutating command", async () => {
      await expectSecondUpIdle(lab);
    });

    it("destroy leaves the admin's files on every node", async () => {
      await lab.stack.destroy({ onOutput: lab.onOutput });
      for (const node of NODES) {
        const { files } = await view(lab, node);
        expect(files.sort(), node).toEqual(Object.keys(filesOf(node)).sort());
      }
    });
  });

  describe("onNodeCsr with an external CA: stop, sign, resume", () => {
    const lab = new Lab();
    const ca = createCa("Example Enterprise CA", "rsa");
    const dir = mkdtempSync(join(tmpdir(), "certs-external-"));
    beforeAll(() => lab.start({ source: "onNodeCsr", ca: { type: "external" } }), 120_000);
    afterAll(async () => {
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("the first up stops after pki csr, listing the CSRs and the config commands; XMPP untouched", async () => {
      await lab.setClusterObject({ source: "onNodeCsr", ca: { type: "external" } });
      const failure = await lab.stack.up({ onOutput: lab.onOutput }).then(
        () => "",
        (err: Error) => err.message,
      );
      expect(failure).toContain(
        "certificates: waiting for the external CA to sign 3 CSRs. The CSRs are on the nodes; nothing was uploaded and XMPP was not changed.",
      );
      for (const node of NODES) {
        const host = lab.sim.node(node);
        expect(failure).toMatch(
          new RegExp(
            `${node} \\(${host.host.replace(/\./g, "\\.")}:${host.sshPort}\\): xmpp-${node}-csr-[0-9a-f]{8}\\.csr`,
          ),
        );
        expect(failure).toContain(
          `pulumi config set --path 'cluster.certificates.ca.signedCerts.${node}' -- "$(cat ${node}.cer)"`,
        );
        expect(mutating(lab.sim, node)).toEqual([expect.stringMatching(/^pki csr /)]);
        expect((await view(lab, node)).xmpp.enabled).toBe(false);
      }
      expect(failure).toContain(
        `pulumi config set --path 'cluster.certificates.ca.caBundle' -- "$(cat ca-bundle.cer)"`,
      );
      expect(failure).toContain("Run `pulumi up` again");

      // The admin downloads each CSR over SFTP, has it signed, and runs the printed commands.
      for (const node of NODES) {
        const csrFile = failure.match(new RegExp(`xmpp-${node}-csr-[0-9a-f]{8}\\.csr`))?.[0] as string;
        const csr = (await lab.session(node, (s) => s.download(csrFile))).toString("utf8");
        writeFileSync(join(dir, `${node}.cer`), signCsr(csr, ca));
      }
      writeFileSync(join(dir, "ca-bundle.cer"), ca.certPem);
      const commands = [...new Set(failure.split("\n").filter((l) => /^\s+pulumi config set --path /.test(l)))];
      expect(commands).toHaveLength(4);
      const pulumiBin = join("skip" in engine ? "" : engine.pulumiRoot, "bin", "pulumi");
      for (const command of commands) {
        const line = command.trim().replace(/^pulumi config set/, `"${pulumiBin}" -C "${REPO_ROOT}" config set`);
        execFileSync("bash", ["-c", line.replace(/ --path /, ` --stack ${lab.stack.name} --path `)], {
          cwd: dir,
          env: { ...process.env, ...lab.stack.workspace.envVars },
          stdio: "pipe",
        });
      }
    });

    it("the next up resumes with the signed certificates and converges", async () => {
      lab.clear();
      const up = await lab.stack.up({ onOutput: lab.onOutput });
      expect(up.summary.result).toBe("succeeded");
      expect(lab.commands().filter((c) => c.startsWith("pki csr"))).toEqual([]);
      const installed = await expectInstalled(lab);
      await expectChainVerifies(lab, installed, ca.certPem);
      expect(lab.commands().filter((c) => c === "xmpp cluster initialize")).toHaveLength(1);
    });
  });
});
