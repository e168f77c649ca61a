// The owner marker: what it holds, how a node's marker is judged against the stack that runs, and the words of
// a conflict.
import { describe, expect, it } from "vitest";
import {
  conflictDetail,
  type NodeOwner,
  nodesToClaim,
  OWNER_FILE,
  ownershipConflicts,
  parseMarker,
  renderMarker,
} from "../src/core/ownership";

const ME = "organization/cms/prod";
const marker = (stack: string): NodeOwner => ({ kind: "marker", marker: { stack, since: "2026-12-01T10:00:00.000Z" } });

describe("owner marker", () => {
  it("is one JSON line with the stack and the time it was claimed, read back as written", () => {
    const text = renderMarker({ stack: ME, since: "2026-12-01T10:00:00.000Z" });
    expect(text).toBe('{"stack":"organization/cms/prod","since":"2026-12-01T10:00:00.000Z"}\n');
    expect(parseMarker(text)).toEqual(marker(ME));
  });

  it.each([
    ["not JSON", "owned by bob"],
    ["no stack", '{"since":"x"}'],
    ["an empty stack", '{"stack":"","since":"x"}'],
    ["no time", '{"stack":"a/b/c"}'],
    ["JSON null", "null"],
  ])("is unreadable with %s", (_what, text) => {
    expect(parseMarker(text)).toEqual({ kind: "unreadable" });
  });

  it("has a fixed name in the SFTP root", () => {
    expect(OWNER_FILE).toBe("cms-xmpp-resiliency.owner");
  });
});

describe("ownership", () => {
  const owners: Record<string, NodeOwner> = {
    cb1: marker(ME),
    cb2: { kind: "none" },
    cb3: marker("organization/cms/lab"),
    cb4: { kind: "unreadable" },
  };

  it("conflicts on another stack's marker and on one it cannot read, not on none or its own", () => {
    expect(ownershipConflicts(ME, owners)).toEqual([
      { node: "cb3", holder: "organization/cms/lab", since: "2026-12-01T10:00:00.000Z" },
      { node: "cb4", holder: undefined, since: undefined },
    ]);
    expect(ownershipConflicts(ME, { cb1: marker(ME), cb2: { kind: "none" } })).toEqual([]);
  });

  it("claims every node that does not hold its marker yet", () => {
    expect(nodesToClaim(ME, owners)).toEqual(["cb2", "cb3", "cb4"]);
    expect(nodesToClaim(ME, { cb1: marker(ME) })).toEqual([]);
  });

  it("names each node and who holds it", () => {
    expect(conflictDetail(ownershipConflicts(ME, owners))).toBe(
      'cb3 is managed by stack "organization/cms/lab" (since 2026-12-01T10:00:00.000Z); cb4 holds a cms-xmpp-resiliency.owner file this tool cannot read',
    );
  });
});
