import type { SimNodeOptions } from "../../sim";

/**
 * A random 127.x.y.0/24 per test file, so that parallel runs (or other suites using the simulator)
 * never collide on the fixed XMPP ports 5222/5223.
 */
export function loopbackSubnet(): string {
  const x = 100 + Math.floor(Math.random() * 150);
  const y = 1 + Math.floor(Math.random() * 250);
  return `127.${x}.${y}`;
}

export function threeNodes(subnet: string, extra: Partial<SimNodeOptions> = {}): SimNodeOptions[] {
  return ["cb1", "cb2", "cb3"].map((name, index) => ({ name, host: `${subnet}.${index + 1}`, ...extra }));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value. */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 5000,
  stepMs = 25,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}
