import { randomInt } from "node:crypto";

/**
 * A random 127.a.b prefix for one test file's simulated nodes, so that concurrent runs (and other suites' nodes)
 * do not collide on the fixed XMPP ports 5222/5223. Loopback only.
 */
export function randomLoopbackPrefix(): string {
  return `127.${randomInt(100, 200)}.${randomInt(1, 250)}`;
}
