import type { MmpTarget } from "../../clients/mmp/session";
import type { ClusterConfig, NodeConfig } from "../../core/config";
import { requireSecretConfig } from "./provider-config";

/** How a provider reaches a node's MMP; the password is named by config key, never carried in inputs or state. */
export interface MmpTargetInput {
  node: string;
  host: string;
  port: number;
  username: string;
  passwordKey: string;
  hostKeyFingerprint?: string;
  trustOnFirstUse: boolean;
  timeoutSeconds: number;
}

/** The one mapping from a configured node to how providers reach its MMP. */
export function mmpTargetInput(cfg: ClusterConfig, node: NodeConfig, passwordKey: string): MmpTargetInput {
  return {
    node: node.name,
    host: node.address,
    port: node.sshPort,
    username: cfg.mmp.username,
    passwordKey,
    hostKeyFingerprint: node.hostKeyFingerprint,
    trustOnFirstUse: cfg.mmp.trustOnFirstUse,
    timeoutSeconds: cfg.mmp.timeoutSeconds,
  };
}

export function mmpTarget(input: MmpTargetInput): MmpTarget {
  return {
    node: input.node,
    host: input.host,
    port: input.port,
    username: input.username,
    password: requireSecretConfig(input.passwordKey, "MMP (SSH) password"),
    hostKeyFingerprint: input.hostKeyFingerprint,
    trustOnFirstUse: input.trustOnFirstUse,
    timeoutMs: input.timeoutSeconds * 1000,
  };
}
