import * as pulumi from "@pulumi/pulumi";

/**
 * Under mocks, a RunError thrown inside an `apply` surfaces as an unhandled rejection, which the Pulumi runtime would
 * report as the program's clean stop. This routes those to `runErrors` (other rejections still reach vitest).
 */
export function routeRunErrors(): unknown[] {
  const runErrors: unknown[] = [];
  const vitestListeners = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason, promise) => {
    if (pulumi.RunError.isInstance(reason)) runErrors.push(reason);
    else for (const listener of vitestListeners) listener(reason, promise);
  });
  return runErrors;
}
