import type * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../../core/config";
import type { BridgeApiArgs } from "../dynamic/api-target";
import { DynamicResource, dynamicProvider } from "../dynamic/provider-shell";
import { type CallBridgeSettingsInputs, provider } from "./callbridge-settings.provider";

const callBridgeSettingsProvider = dynamicProvider("cluster/callbridge-settings", provider);

type Inputs = { [K in keyof CallBridgeSettingsInputs]: pulumi.Input<CallBridgeSettingsInputs[K]> };

export function toInputs(cfg: ClusterConfig, api: BridgeApiArgs, sharedSecret: pulumi.Input<string>): Inputs {
  return {
    ...api,
    domain: cfg.domain,
    serverAddress: cfg.callBridges.find((b) => b.name === api.bridge)?.serverAddress ?? "",
    sharedSecret,
    retainOnDelete: cfg.retainOnDelete,
  };
}

/**
 * TechNote step 9: a Call Bridge's XMPP settings (name, domain, secret, server address) through the CMS REST API.
 * Written only when they differ; state keeps a hash of the secret, never the secret itself.
 */
export class CallBridgeXmppSettings extends DynamicResource {
  /** HMAC-SHA256 of the secret the Call Bridge was given (see callbridge-settings-impl); changes when it is rewritten. */
  declare readonly sharedSecretHash: pulumi.Output<string>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(
      callBridgeSettingsProvider,
      name,
      { ...args, sharedSecretHash: undefined },
      // sharedSecretHash: not reversible, but a hand-typed secret may be short; sharedSecret: outputs of older releases.
      { ...opts, additionalSecretOutputs: ["sharedSecretHash", "sharedSecret"] },
      "cms",
      "CallBridgeXmppSettings",
    );
  }
}
