import type * as pulumi from "@pulumi/pulumi";
import type { CmsApiTarget } from "../../clients/cms-api/api-client";
import type { ClusterConfig } from "../../core/config";
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

/** As the program passes it: the CA may be an Output of another resource. */
export type BridgeApiArgs = Omit<BridgeApiInput, "caCertPem"> & { caCertPem?: pulumi.Input<string> };

/** The Call Bridges whose CMS API the stack manages (those with an `apiUrl`). */
export function bridgeApiInputs(cfg: ClusterConfig, passwordKey: string): BridgeApiInput[] {
  return cfg.callBridges.flatMap((b) =>
    b.apiUrl
      ? [
          {
            bridge: b.name,
            apiUrl: b.apiUrl,
            username: cfg.api.username,
            passwordKey,
            caCertPem: cfg.api.caCertPem,
            insecureSkipVerify: cfg.api.insecureSkipVerify,
          },
        ]
      : [],
  );
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
