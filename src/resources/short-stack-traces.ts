/**
 * Runs `build` with one-frame stack traces. Pulumi records a stack trace for every property of every resource it
 * registers (for its report of leaked promises), and mapping each through the program's source maps costs ≈ 1 ms:
 * ≈ 0.3 s of every run for the component's resources. One frame still names where an error was raised.
 */
export function withShortStackTraces<T>(build: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
