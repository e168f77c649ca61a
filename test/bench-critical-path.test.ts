// The bench's critical-path bound, from a plan written out by hand: the formula in bench/RESULTS.md, counted exactly.
import { describe, expect, it } from "vitest";
import { criticalPath, unitCommands } from "../bench/critical-path";
import type { ClusterPlan, Unit } from "../src/core/plan";
import type { Step } from "../src/core/steps";

const step = (node: string, op: Step["op"], extra: Record<string, unknown> = {}) => ({ node, op, ...extra }) as Step;
const unit = (node: string, steps: Step[], settle: boolean): Unit => ({ node, steps, settle });

const founder = unit(
  "cb1",
  [
    step("cb1", "setDomain", { domain: "tptac9.com" }),
    step("cb1", "addBridge", { bridge: "cb1" }),
    step("cb1", "addBridge", { bridge: "cb2" }),
    step("cb1", "clusterEnable"),
    step("cb1", "initialize"),
  ],
  true,
);
const configure = [
  unit("cb2", [step("cb2", "setDomain", { domain: "tptac9.com" }), step("cb2", "addSecret", { bridge: "cb1" })], false),
  unit(
    "cb3",
    [
      step("cb3", "setDomain", { domain: "tptac9.com" }),
      step("cb3", "addSecret", { bridge: "cb1" }),
      step("cb3", "addSecret", { bridge: "cb2" }),
    ],
    false,
  ),
];
const activate = ["cb2", "cb3"].map((n) =>
  unit(n, [step(n, "disable"), step(n, "enable"), step(n, "join", { founder: "127.0.0.1" })], true),
);

function plan(phases: ClusterPlan["phases"]): ClusterPlan {
  return { founder: "cb1", initialize: true, secretSources: {}, phases, unreachable: {}, notices: [] };
}

describe("the critical-path bound", () => {
  it("counts a unit's steps, the status read before a join and one read while it settles", () => {
    expect([unitCommands(founder), unitCommands(configure[0]), unitCommands(activate[0])]).toEqual([6, 2, 5]);
  });

  it("takes the longest unit of a parallel phase and the sum of a serial one", () => {
    const path = criticalPath(
      plan([
        { name: "founder", mode: "serial", units: [founder] },
        { name: "configure", mode: "parallel", units: configure },
        { name: "activate", mode: "serial", units: activate },
      ]),
      100,
    );
    expect(path.phases).toEqual([
      { name: "founder", mode: "serial", commands: 6 },
      { name: "configure", mode: "parallel", commands: 3 },
      { name: "activate", mode: "serial", commands: 10 },
    ]);
    // 7 reads before + 19 in the phases + 1 secret read + 4 reads after + 2 API round trips.
    expect([path.readsBefore, path.secretRead, path.readsAfter, path.apiRoundTrips]).toEqual([7, 1, 4, 2]);
    expect([path.commands, path.boundMs]).toEqual([33, 3300]);
  });

  it("reads no secrets when the founder adds no Call Bridge, and an empty phase costs nothing", () => {
    const path = criticalPath(
      plan([
        { name: "configure", mode: "parallel", units: [] },
        { name: "activate", mode: "serial", units: activate },
      ]),
      50,
    );
    expect([path.secretRead, path.commands, path.boundMs]).toEqual([0, 23, 1150]);
  });
});
