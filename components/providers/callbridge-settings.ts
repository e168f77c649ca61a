import * as pulumi from "@pulumi/pulumi";
import type { CallBridgeSettingsInputs } from "./callbridge-settings-impl";
import { providerShell } from "./load-implementation";

const callBridgeSettingsProvider = providerShell("callbridge-settings-impl", [
  "diff",
  "create",
  "update",
  "delete",
  "read",
]);

type Inputs = { [K in keyof CallBridgeSettingsInputs]: pulumi.Input<CallBridgeSettingsInputs[K]> };

/** Seed step 9: a Call Bridge's XMPP settings (name, domain, secret, server address) through the CMS REST API. */
export class CallBridgeXmppSettings extends pulumi.dynamic.Resource {
  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(
      callBridgeSettingsProvider,
      name,
      args,
      { ...opts, additionalSecretOutputs: ["sharedSecret"] },
      "cms",
      "CallBridgeXmppSettings",
    );
  }
}
