import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withMmpSession } from "../src/clients/mmp/session";
import type { Finding } from "../src/core/verify";
import { applyCluster } from "../src/engine/apply";
import { type VerifyRequest, verifyClusterOutcome } from "../src/engine/verify-cluster";
import { verificationFailure } from "../src/resources/cluster/cluster-verification.provider";
import { eventually } from "./sim-support/loopback-net";
import { type SimLab, startSimLab } from "./support/sim-lab";

let lab: SimLab;
let secrets: Record<string, string>;
const brief = (findings: Finding[]) => findings.map((f) => [f.scenario, f.subject, f.problem, f.transient]);
const request = (extra: Partial<VerifyRequest>): VerifyRequest => ({
  expected: { nodes: lab.intent.nodes, callBridges: lab.intent.callBridges },
  targets: lab.targets,
  bridges: [],
  timeoutMs: 60_000,
  ...extra,
});
const onNodes = (nodes: number[], command: string) =>
  Promise.all(nodes.map((i) => withMmpSession(lab.targets[i], (s) => s.run(command))));

beforeAll(async () => {
  lab = await startSimLab();
  secrets = (await applyCluster({ intent: lab.intent, targets: lab.targets, leavers: [], settleTimeoutMs: 10_000 }))
    .secrets;
});
afterAll(async () => {
  await lab?.sim.stop();
});

describe("verifyCluster waits only for what heals by waiting", () => {
  it("waits through an election, and reports the timeout when it does not end", async () => {
    await onNodes([1, 2], "xmpp disable");
    await eventually(() => lab.sim.node("cb1").state().cluster.state === "CANDIDATE");
    const electing = [
      ["quorum", "cb1", "sees no leader (state CANDIDATE: an election is in progress)", true],
      ["membership", "cb2", "is a member whose XMPP server is not running (state INACTIVE)", true],
      ["membership", "cb3", "is a member whose XMPP server is not running (state INACTIVE)", true],
    ];

    const stuck = await verifyClusterOutcome(request({ timeoutMs: 1000, intervalMs: 200 }));
    expect(brief(stuck.findings)).toEqual(electing);
    expect(stuck.failedFast).toBe(false);
    expect(stuck.looks).toBeGreaterThan(1);
    expect(verificationFailure(stuck, 1).split("\n")[0]).toBe("verification failed after the 1 s timeout:");

    let enabling: Promise<unknown> | undefined;
    const looks: Finding[][] = [];
    const outcome = await verifyClusterOutcome(
      request({
        intervalMs: 200,
        onLook: (findings) => {
          looks.push(findings);
          enabling ??= onNodes([1, 2], "xmpp enable");
        },
      }),
    );
    await enabling;
    expect(brief(looks[0])).toEqual(electing);
    expect(outcome.findings).toEqual([]);
    expect(outcome.failedFast).toBe(false);
    expect(outcome.looks).toBeGreaterThan(1);
    expect(lab.sim.nodes.filter((n) => n.state().cluster.state === "LEADER")).toHaveLength(1);
  });

  it("fails at once on a duplicate peer (CSCvi67717), well inside a 60 s timeout", async () => {
    // TechNote scenario 3: cb3 is reset while still a member, then joins again under a new member id.
    await withMmpSession(lab.targets[2], async (s) => {
      await s.run("xmpp reset");
      for (const command of [
        "xmpp domain tptac9.com",
        "xmpp listen a",
        "xmpp certs xmpp.key xmpp.cer xmpp-ca.cer",
        "xmpp cluster trust xmpp.cer",
      ])
        await s.run(command);
      for (const bridge of ["cb1", "cb2", "cb3"])
        await s.run(`xmpp callbridge add-secret ${bridge}`, { secretAnswers: [secrets[bridge]] });
      for (const command of ["xmpp cluster enable", "xmpp enable", `xmpp cluster join ${lab.sim.nodes[0].host}`])
        await s.run(command);
    });
    await eventually(() => lab.sim.nodes.every((n) => n.state().cluster.peers.length === 4));

    const started = Date.now();
    const outcome = await verifyClusterOutcome(request({ timeoutMs: 60_000 }));
    const elapsed = Date.now() - started;

    const cb3 = `${lab.sim.nodes[2].host}:5222`;
    expect(brief(outcome.findings)).toEqual(
      ["cb1", "cb2", "cb3"].map((node) => ["duplicate peers", node, `lists ${cb3} more than once`, false]),
    );
    expect(outcome.failedFast).toBe(true);
    expect(outcome.looks).toBe(2);
    expect(elapsed).toBeLessThan(10_000);

    const message = verificationFailure(outcome, 60).split("\n");
    expect(message[0]).toMatch(
      /^verification failed at once: these findings do not heal by waiting \(seen on two looks in a row, \d+(\.\d)? s into the 60 s timeout\):$/,
    );
    expect(message.slice(1, 3)).toEqual([
      `- [duplicate peers] cb1 lists ${cb3} more than once`,
      "    next: CSCvi67717 (TechNote scenario 3): the node was reset while still a member. Make it leave (`xmpp cluster disable`), remove the stale peer with `xmpp cluster remove` on a member, reset it, then `pulumi up` to re-join",
    ]);
    expect(message.at(-1)).toBe("The cluster state is saved; fix the cause and run `pulumi up` again.");
  });
});
