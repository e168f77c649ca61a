import { defineConfig } from "vitest/config";

// The fast tests for `npm run mutate`: the pure core and planner tests, and the executor's over scripted sessions
// (test/support/scripted-session.ts); no engine, no simulator, no network.
export default defineConfig({
  test: {
    // Stryker's instrumented code under a busy machine is slower than a normal run.
    testTimeout: 30_000,
    include: [
      "test/core-*.test.ts",
      "test/certs-checks.test.ts",
      "test/certs-files.test.ts",
      "test/certs-node-csr.test.ts",
      "test/certs-schema.test.ts",
      "test/cluster-diff.test.ts",
      "test/dns-blast-radius.test.ts",
      "test/dns-rcode.test.ts",
      "test/dns-records.test.ts",
      "test/dns-schema.test.ts",
      "test/dns-tsig.test.ts",
      "test/dns-update-message.test.ts",
      "test/dns-verification.test.ts",
      "test/dns-zonefile.test.ts",
      "test/docs.test.ts",
      "test/stack-files.test.ts",
      "test/engine-apply.test.ts",
      "test/mmp-output.test.ts",
    ],
  },
});
