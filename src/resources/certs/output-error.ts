import * as pulumi from "@pulumi/pulumi";

/**
 * A RunError to throw inside an `apply` whose result feeds resource inputs (the external-CA pause, the certificate
 * checks). Two things would otherwise bury it:
 * - its stack holds source-mapped frames such as `node_modules/@pulumi/output.ts:516`, on which Node 20's
 *   `util.inspect` (called by the SDK's uncaught-error handler) loops in `markNodeModules` until it runs out of
 *   memory: 30-45 s of garbage collection before the message is printed, or a RangeError instead of it;
 * - each resource input it passes through prefixes `error serializing property "x": ` to the message.
 * So the stack is the message alone (RunErrors never print a stack) and the message ignores writes.
 */
export function outputRunError(message: string): pulumi.RunError {
  const err = new pulumi.RunError(message);
  Object.defineProperty(err, "stack", { value: `RunError: ${message}`, writable: true, configurable: true });
  Object.defineProperty(err, "message", { get: () => message, set: () => undefined, configurable: true });
  return err;
}
