import type { CmsApiTarget } from "../../clients/cms-api/api-client";
import { requireSecretConfig } from "./provider-config";

/** How a provider reaches a Call Bridge's CMS API; the password is named by config key, never carried in state. */
export interface BridgeApiInput {
  bridge: string;
  apiUrl: string;
  username: string;
  passwordKey: string;
  caCertPem?: string;
  insecureSkipVerify: boolean;
}

export function cmsApiTarget(input: BridgeApiInput, timeoutMs: number): CmsApiTarget {
  return {
    bridge: input.bridge,
    url: input.apiUrl,
    username: input.username,
    password: requireSecretConfig(input.passwordKey, "CMS API password"),
    caCertPem: input.caCertPem,
    insecureSkipVerify: input.insecureSkipVerify,
    timeoutMs,
  };
}
