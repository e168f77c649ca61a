import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { utils } from "ssh2";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === "string" ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/**
 * An ed25519 host key derived from the node name, in OpenSSH format (what ssh2 parses), so that the
 * fingerprint of "cb1" is the same on every start and every machine. Fine for a simulator, never for real use.
 */
export function derivedHostKey(nodeName: string): string {
  const seed = createHash("sha256").update(`cms-sim host key:${nodeName}`).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const publicRaw = createPublicKey(privateKey).export({ type: "spki", format: "der" }).subarray(-32);
  const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(publicRaw)]);
  const check = seed.subarray(0, 4);
  let section = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(publicRaw),
    sshString(Buffer.concat([seed, publicRaw])),
    sshString(`admin@${nodeName}`),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (section.length % 8)) % 8 }, (_, i) => i + 1));
  section = Buffer.concat([section, padding]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    Buffer.from([0, 0, 0, 1]),
    sshString(publicBlob),
    sshString(section),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** OpenSSH-style "SHA256:<base64 without padding>" of the host public key. */
export function hostKeyFingerprint(hostKey: string | Buffer): string {
  const parsed = utils.parseKey(hostKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return `SHA256:${createHash("sha256").update(key.getPublicSSH()).digest("base64").replace(/=+$/, "")}`;
}
