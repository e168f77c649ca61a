import { createHash } from "node:crypto";

/** OpenSSH-style fingerprint of a raw SSH public key blob: "SHA256:<base64 without padding>". */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

export type HostKeyDecision = { accept: true } | { accept: false; reason: string; hint: string };

export function decideHostKey(seen: string, pinned: string | undefined, trustOnFirstUse: boolean): HostKeyDecision {
  if (pinned) {
    if (pinned === seen) return { accept: true };
    return {
      accept: false,
      reason: `host key mismatch: expected ${pinned}, the node presented ${seen}`,
      hint: "if the node was reinstalled on purpose, update hostKeyFingerprint in the stack config; otherwise do not connect",
    };
  }
  if (trustOnFirstUse) return { accept: true };
  return {
    accept: false,
    reason: `no hostKeyFingerprint configured; the node presented ${seen}`,
    hint: `verify it on the node console, then set hostKeyFingerprint: "${seen}" (or set trustOnFirstUse: true)`,
  };
}
