import { createHmac } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  CmsApiError,
  getXmppConnectionStatus,
  getXmppSettings,
  putXmppSettings,
  type XmppSettings,
} from "../../clients/cms-api/api-client";
import { callBridgeConnected } from "../../core/verify";
import { type BridgeApiInput, cmsApiTarget } from "../dynamic/api-target";
import type { DynamicProvider } from "../dynamic/provider-shell";

export interface CallBridgeSettingsInputs extends BridgeApiInput {
  domain: string;
  /** Blank: DNS SRV lookup with failover (recommended). `host:port`: pinned to one XMPP server. */
  serverAddress: string;
  sharedSecret: string;
  retainOnDelete: boolean;
}

/** What the resource outputs: its inputs without the secret, plus a keyed hash of the secret. */
export type CallBridgeSettingsOutputs = Omit<CallBridgeSettingsInputs, "sharedSecret"> & { sharedSecretHash: string };

/** Outputs as stored: releases before the hash kept the plaintext `sharedSecret` instead. */
export type StoredCallBridgeSettings = Omit<CallBridgeSettingsInputs, "sharedSecret"> & {
  sharedSecretHash?: string;
  sharedSecret?: string;
};

/**
 * HMAC-SHA256 of the secret keyed by `cms-xmpp-resiliency:<bridge>:<domain>`. The key is stable and not secret, so
 * diff, create and the upgrade of old outputs all compute the same value with no salt to keep, while two bridges
 * holding the same secret still get different hashes. A fast hash suffices for the generated secrets (16 random
 * letters and digits, about 95 bits); the output is also a secret output, so a weak hand-typed secret is not open
 * to offline guessing from the state file.
 */
export function sharedSecretHash(bridge: string, domain: string, sharedSecret: string): string {
  return createHmac("sha256", `cms-xmpp-resiliency:${bridge}:${domain}`).update(sharedSecret).digest("hex");
}

/** The stored hash, or for outputs of older releases the hash of their plaintext; undefined when neither is known. */
function storedHash(olds: StoredCallBridgeSettings): string | undefined {
  if (olds.sharedSecretHash) return olds.sharedSecretHash;
  return olds.sharedSecret === undefined ? undefined : sharedSecretHash(olds.bridge, olds.domain, olds.sharedSecret);
}

const hashOf = (inputs: CallBridgeSettingsInputs) =>
  sharedSecretHash(inputs.bridge, inputs.domain, inputs.sharedSecret);

function outputs(inputs: CallBridgeSettingsInputs): CallBridgeSettingsOutputs {
  const { sharedSecret: _, ...rest } = inputs;
  return { ...rest, sharedSecretHash: hashOf(inputs) };
}

const target = (inputs: BridgeApiInput) => cmsApiTarget(inputs, 30_000);

function settings(inputs: CallBridgeSettingsInputs): XmppSettings {
  return { uniqueName: inputs.bridge, domain: inputs.domain, serverAddress: inputs.serverAddress };
}

/** What the Call Bridge holds: a change here needs a PUT. */
const WRITTEN = ["bridge", "apiUrl", "domain", "serverAddress"] as const;
/** How the provider reaches the API and what delete does: a change here only updates the outputs (refresh and delete read them). */
const LOCAL = ["username", "passwordKey", "caCertPem", "insecureSkipVerify", "retainOnDelete"] as const;

/** True when the Call Bridge must be written: a setting differs, or the secret's hash does (or is unknown). */
export function needsWrite(olds: StoredCallBridgeSettings, news: CallBridgeSettingsInputs): boolean {
  return WRITTEN.some((k) => olds[k] !== news[k]) || storedHash(olds) !== hashOf(news);
}

export async function diff(_id: string, olds: StoredCallBridgeSettings, news: CallBridgeSettingsInputs) {
  const result: pulumi.dynamic.DiffResult = {
    changes: needsWrite(olds, news) || LOCAL.some((k) => olds[k] !== news[k]),
  };
  return result;
}

/**
 * True when the Call Bridge already holds these settings: name, domain and server address match, and it reports
 * being connected. The API never returns the secret, but a connected Call Bridge proves the XMPP server accepts it.
 * Anything unreadable (no status exposed, an API error) means no proof, so the caller writes.
 */
async function alreadyConfigured(inputs: CallBridgeSettingsInputs): Promise<boolean> {
  try {
    const live = await getXmppSettings(target(inputs));
    const wanted = settings(inputs);
    if (live.uniqueName !== wanted.uniqueName || live.domain !== wanted.domain) return false;
    if (live.serverAddress !== wanted.serverAddress) return false;
    return callBridgeConnected(await getXmppConnectionStatus(target(inputs)));
  } catch {
    return false;
  }
}

/** Also adopts a Call Bridge an admin configured by hand: no PUT when it already holds the settings and is connected. */
export async function create(inputs: CallBridgeSettingsInputs): Promise<pulumi.dynamic.CreateResult> {
  if (!(await alreadyConfigured(inputs))) {
    await putXmppSettings(target(inputs), settings(inputs), inputs.sharedSecret);
  }
  return { id: `callbridge-${inputs.bridge}`, outs: outputs(inputs) };
}

export async function update(_id: string, olds: StoredCallBridgeSettings, news: CallBridgeSettingsInputs) {
  if (needsWrite(olds, news)) await putXmppSettings(target(news), settings(news), news.sharedSecret);
  const result: pulumi.dynamic.UpdateResult = { outs: outputs(news) };
  return result;
}

export async function remove(_id: string, props: StoredCallBridgeSettings): Promise<void> {
  if (props.retainOnDelete) return;
  try {
    await putXmppSettings(target(props), { uniqueName: "", domain: "", serverAddress: "" }, "");
  } catch (err) {
    // A Call Bridge that is gone (its node died and is being replaced) has nothing left to clear.
    if (!(err instanceof CmsApiError && err.unreachable)) throw err;
  }
}

/**
 * A value the engine stores as a secret. On refresh the engine keeps secret only the outputs that were secret before,
 * and `additionalSecretOutputs` is not applied: a hash first computed here (from outputs of older releases) would
 * otherwise land in state in plaintext.
 */
const secretOutput = (value: string) => ({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value });

/**
 * Refresh: the API returns everything but the secret, so drift in name, domain or server address shows up. The
 * stored hash stays (outputs of older releases get theirs computed here, and lose the plaintext).
 */
export async function read(id: string, props: StoredCallBridgeSettings): Promise<pulumi.dynamic.ReadResult> {
  const live = await getXmppSettings(target(props));
  const { sharedSecret: _, ...rest } = props;
  return {
    id,
    props: {
      ...rest,
      sharedSecretHash: secretOutput(storedHash(props) ?? ""),
      bridge: live.uniqueName,
      domain: live.domain,
      serverAddress: live.serverAddress,
    },
  };
}

/** The dynamic provider behind `callbridge-settings.resource.ts`. */
export const provider = { diff, create, update, delete: remove, read } satisfies DynamicProvider<
  CallBridgeSettingsInputs,
  StoredCallBridgeSettings
>;
