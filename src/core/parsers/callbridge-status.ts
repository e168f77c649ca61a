import { firstValue, keyValueLines, optionalValue } from "./key-value";

/**
 * The bare `callbridge` command: the Call Bridge service's settings. [C] Status commands print aligned `Key : value`
 * lines. [I] Its keys: `configured` is undefined when the node printed no `Listening interfaces` line.
 */
export interface CallBridgeStatus {
  configured: boolean | undefined;
}

export function parseCallBridgeStatus(output: string): CallBridgeStatus {
  const pairs = keyValueLines(output);
  const listen = firstValue(pairs, /^listening interfaces?$/);
  if (listen === undefined) return { configured: undefined };
  const set = (key: RegExp) => optionalValue(firstValue(pairs, key)) !== undefined;
  return { configured: optionalValue(listen) !== undefined && set(/^key file$/) && set(/^cert(ificate)? file$/) };
}
