import * as pulumi from "@pulumi/pulumi";
import type { CallBridgeSettingsInputs } from "./callbridge-settings-impl";
import { implementationPath, loadImplementation } from "./load-implementation";

type Impl = typeof import("./callbridge-settings-impl") & typeof import("./provider-config");
const IMPL = implementationPath("callbridge-settings-impl");
const CONFIG = implementationPath("provider-config");

const impl = (): Impl => ({ ...loadImplementation(IMPL), ...loadImplementation(CONFIG) }) as Impl;

const callBridgeSettingsProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => impl().setProviderConfig(req.config),
  diff: (id, olds, news) => impl().diff(id, olds, news),
  create: (inputs) => impl().create(inputs),
  update: (id, olds, news) => impl().update(id, olds, news),
  delete: (id, props) => impl().remove(id, props),
  read: (id, props) => impl().read(id, props),
};

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
