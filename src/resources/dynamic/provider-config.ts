/** Stack config handed to dynamic providers by the engine (`configure`); secrets arrive decrypted, in memory only. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

let source: ConfigSource | undefined;

export function setProviderConfig(config: ConfigSource): void {
  source = config;
}

/** Reads a secret (an SSH or API password) by its full config key, e.g. `cms-xmpp-resiliency:mmpPassword`. */
export function requireSecretConfig(key: string, purpose: string): string {
  const value = source?.get(key);
  if (!value) {
    throw new Error(
      `the ${purpose} is not set: run \`pulumi config set --secret ${key.split(":").pop()} <value>\` (config key ${key})`,
    );
  }
  return value;
}
