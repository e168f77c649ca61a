import { firstValue, keyValueLines, parseFlag } from "./key-value";

/**
 * `database cluster status`. [C] It ends with `Last command : '<command>' (Success)` (Cisco doc 210530). [I] The
 * `Status : Enabled|Disabled` line: `enabled` is undefined when the node printed no such line (an unknown layout).
 */
export interface DatabaseClusterStatus {
  enabled: boolean | undefined;
  lastCommand: string | undefined;
}

export function parseDatabaseClusterStatus(output: string): DatabaseClusterStatus {
  const pairs = keyValueLines(output);
  return {
    enabled: parseFlag(firstValue(pairs, /^status$/)),
    lastCommand: firstValue(pairs, /^last command$/),
  };
}
