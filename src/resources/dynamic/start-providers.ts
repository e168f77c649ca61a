// Only the invoke: the program's entry calls this before loading anything else, and `@pulumi/pulumi`'s index takes
// ≈ 0.3 s to load where this module is already in memory.
import { invoke } from "@pulumi/pulumi/runtime/invoke";

let started = false;

/**
 * Starts Pulumi's dynamic-provider process now. The engine starts a provider on its first use, and the first
 * dynamic resource registers only once the certificates it uploads are known; the process takes ≈ 0.6 s to load
 * `@pulumi/pulumi`, which then overlaps loading and building the program. An invoke is a use that changes nothing:
 * the dynamic-provider host implements no functions, so it fails, as expected, and the failure is dropped.
 */
export function startDynamicProviders(): void {
  if (started) return;
  started = true;
  invoke("pulumi-nodejs:dynamic:start", {}).then(
    () => undefined,
    () => undefined,
  );
}
