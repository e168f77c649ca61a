import type * as pulumi from "@pulumi/pulumi";
import { getXmppSettings, putXmppSettings } from "../callbridge/api-client";
import { type BridgeApiInput, cmsApiTarget } from "./api-target";

export interface CallBridgeSettingsInputs extends BridgeApiInput {
  domain: string;
  /** Blank: DNS SRV lookup with failover (recommended). `host:port`: pinned to one XMPP server. */
  serverAddress: string;
  sharedSecret: string;
  retainOnDelete: boolean;
}

const target = (inputs: CallBridgeSettingsInputs) => cmsApiTarget(inputs, 30_000);

function settings(inputs: CallBridgeSettingsInputs) {
  return { uniqueName: inputs.bridge, domain: inputs.domain, serverAddress: inputs.serverAddress };
}

const COMPARED: (keyof CallBridgeSettingsInputs)[] = ["bridge", "apiUrl", "domain", "serverAddress", "sharedSecret"];

export async function diff(_id: string, olds: CallBridgeSettingsInputs, news: CallBridgeSettingsInputs) {
  const changed = COMPARED.filter((k) => olds[k] !== news[k]);
  const result: pulumi.dynamic.DiffResult = {
    changes: changed.length > 0 || olds.retainOnDelete !== news.retainOnDelete,
  };
  return result;
}

export async function create(inputs: CallBridgeSettingsInputs): Promise<pulumi.dynamic.CreateResult> {
  await putXmppSettings(target(inputs), settings(inputs), inputs.sharedSecret);
  return { id: `callbridge-${inputs.bridge}`, outs: inputs };
}

export async function update(_id: string, _olds: CallBridgeSettingsInputs, news: CallBridgeSettingsInputs) {
  await putXmppSettings(target(news), settings(news), news.sharedSecret);
  const result: pulumi.dynamic.UpdateResult = { outs: news };
  return result;
}

export async function remove(_id: string, props: CallBridgeSettingsInputs): Promise<void> {
  if (props.retainOnDelete) return;
  await putXmppSettings(target(props), { uniqueName: "", domain: "", serverAddress: "" }, "");
}

/** Refresh: the API returns everything but the secret, so drift in name, domain or server address shows up. */
export async function read(id: string, props: CallBridgeSettingsInputs): Promise<pulumi.dynamic.ReadResult> {
  const live = await getXmppSettings(target(props));
  return { id, props: { ...props, bridge: live.uniqueName, domain: live.domain, serverAddress: live.serverAddress } };
}
