import { describe, expect, it } from "vitest";
import { withShortStackTraces } from "../src/resources/short-stack-traces";

const frames = (e: Error) => (e.stack ?? "").split("\n").filter((l) => l.trimStart().startsWith("at ")).length;

describe("withShortStackTraces", () => {
  it("builds with one-frame stack traces and returns what the build returned", () => {
    const before = Error.stackTraceLimit;
    const inside = withShortStackTraces(() => ({ limit: Error.stackTraceLimit, frames: frames(new Error("x")) }));
    expect(inside).toEqual({ limit: 1, frames: 1 });
    expect(Error.stackTraceLimit).toBe(before);
    expect(frames(new Error("after"))).toBeGreaterThan(1);
  });

  it("restores the limit when the build throws, and the error still names where it was raised", () => {
    const before = Error.stackTraceLimit;
    let caught: Error | undefined;
    try {
      withShortStackTraces(() => {
        throw new Error("node cb2: no address");
      });
    } catch (e) {
      caught = e as Error;
    }
    expect(Error.stackTraceLimit).toBe(before);
    expect(caught?.message).toBe("node cb2: no address");
    expect(frames(caught as Error)).toBe(1);
    expect(caught?.stack).toContain("short-stack-traces.test.ts");
  });
});
