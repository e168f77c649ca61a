import { generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { createCsr } from "../pki/csr";
import type { DistinguishedName } from "../pki/name";
import type { CommandContext } from "./command-context";

const generateRsaKey = promisify(generateKeyPair);

const SUBJECT_KEYS: (keyof DistinguishedName)[] = ["CN", "O", "OU", "L", "ST", "C", "emailAddress"];

type ParsedAttributes = { subject: DistinguishedName; subjectAltNames: string[] } | { error: string };

function parseAttributes(words: string[], acceptSubAltName: boolean): ParsedAttributes {
  const subject: DistinguishedName = {};
  const subjectAltNames: string[] = [];
  for (const word of words) {
    const colon = word.indexOf(":");
    const key = colon > 0 ? word.slice(0, colon) : word;
    const value = colon > 0 ? word.slice(colon + 1) : "";
    if (value === "") return { error: `Invalid attribute '${word}': expected <attribute>:<value>` };
    if (key === "subjectAltName" || (key === "subAltName" && acceptSubAltName)) {
      subjectAltNames.push(...value.split(",").filter((name) => name !== ""));
    } else if ((SUBJECT_KEYS as string[]).includes(key)) {
      subject[key as keyof DistinguishedName] = value;
    } else {
      return { error: `Unknown attribute '${key}'` };
    }
  }
  if (!subject.CN) return { error: "CN attribute is required" };
  if (subject.C !== undefined && !/^[A-Za-z]{2}$/.test(subject.C)) {
    return { error: "C attribute must be a two-letter country code" };
  }
  return { subject, subjectAltNames };
}

/** `pki csr <key/cert basename> <attribute>:<value> ...`: a 2048-bit RSA key and a PKCS#10 request. */
export async function pkiCsr({ node, args, io }: CommandContext): Promise<void> {
  const [basename, ...attributes] = args;
  if (!basename || attributes.length === 0) {
    io.error(
      "Usage: pki csr <key/cert basename> CN:<value> [subjectAltName:<name>,<name>...] [O:] [OU:] [L:] [ST:] [C:]",
    );
    return;
  }
  if (!/^[\w.-]+$/.test(basename)) return io.failure(`Invalid basename '${basename}'`);
  const parsed = parseAttributes(attributes, node.behaviour.acceptSubAltName);
  if ("error" in parsed) return io.failure(parsed.error);
  const { privateKey } = (await generateRsaKey("rsa", { modulusLength: 2048 })) as { privateKey: KeyObject };
  io.print("..............\n......");
  const keyFile = `${basename}.key`;
  const csrFile = `${basename}.csr`;
  node.store.files.write(keyFile, Buffer.from(privateKey.export({ type: "pkcs8", format: "pem" }).toString()));
  node.store.files.write(csrFile, Buffer.from(createCsr(parsed, privateKey)));
  io.print(`Created key file ${keyFile} and CSR ${csrFile}`);
  io.print(`CSR file ${csrFile} ready for download via SFTP`);
}
