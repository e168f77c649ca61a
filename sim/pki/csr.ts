import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { bitString, objectIdentifier, sequence, set, smallInteger, tlv } from "./der";
import { decodeObjectIdentifier, parseDer } from "./der-reader";
import { decodeGeneralNames, subjectAltNameExtension } from "./extensions";
import { type DistinguishedName, decodeName, encodeName } from "./name";
import { OID } from "./oids";
import { fromPem, signatureAlgorithm, signSha256, toPem } from "./signing";

export interface CsrRequest {
  subject: DistinguishedName;
  subjectAltNames: string[];
}

/** A real PKCS#10 request, signed with the given private key, as PEM. */
export function createCsr(request: CsrRequest, privateKey: KeyObject): string {
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const attributes =
    request.subjectAltNames.length > 0
      ? [
          sequence(
            objectIdentifier(OID.extensionRequest),
            set(sequence(subjectAltNameExtension(request.subjectAltNames))),
          ),
        ]
      : [];
  const info = sequence(smallInteger(0), encodeName(request.subject), spki, tlv(0xa0, ...attributes));
  const der = sequence(info, signatureAlgorithm(privateKey), bitString(signSha256(info, privateKey)));
  return toPem("CERTIFICATE REQUEST", der);
}

export interface ParsedCsr extends CsrRequest {
  publicKey: KeyObject;
  signatureValid: boolean;
}

export function parseCsr(pem: string): ParsedCsr {
  const root = parseDer(fromPem(pem, "CERTIFICATE REQUEST"));
  const [info, , signature] = root.children;
  const [, subject, spki, attributes] = info.children;
  const publicKey = createPublicKey({ key: spki.raw, format: "der", type: "spki" });
  const subjectAltNames: string[] = [];
  for (const attribute of attributes?.children ?? []) {
    if (decodeObjectIdentifier(attribute.children[0].content) !== OID.extensionRequest) continue;
    for (const extension of attribute.children[1].children[0].children) {
      if (decodeObjectIdentifier(extension.children[0].content) !== OID.subjectAltName) continue;
      const value = extension.children[extension.children.length - 1].content;
      subjectAltNames.push(...decodeGeneralNames(parseDer(value)));
    }
  }
  const signatureValid = verify("sha256", info.raw, publicKey, signature.content.subarray(1));
  return { subject: decodeName(subject), subjectAltNames, publicKey, signatureValid };
}
