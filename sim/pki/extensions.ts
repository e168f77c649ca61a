import { isIP } from "node:net";
import { bitString, boolean, implicitPrimitive, objectIdentifier, octetString, sequence } from "./der";
import type { Asn1Node } from "./der-reader";
import { OID } from "./oids";

function ipBytes(ip: string): Buffer {
  return Buffer.from(ip.split(".").map(Number));
}

/** GeneralNames: dNSName [2] for names, iPAddress [7] for IPv4 literals. */
export function subjectAltNameExtension(names: string[]): Buffer {
  const generalNames = names.map((name) =>
    isIP(name) === 4 ? implicitPrimitive(7, ipBytes(name)) : implicitPrimitive(2, Buffer.from(name, "ascii")),
  );
  return sequence(objectIdentifier(OID.subjectAltName), octetString(sequence(...generalNames)));
}

export function basicConstraintsExtension(isCa: boolean): Buffer {
  const value = isCa ? sequence(boolean(true)) : sequence();
  return sequence(objectIdentifier(OID.basicConstraints), boolean(true), octetString(value));
}

/** keyCertSign + cRLSign for a CA. */
export function caKeyUsageExtension(): Buffer {
  return sequence(objectIdentifier(OID.keyUsage), boolean(true), octetString(bitString(Buffer.from([0x06]))));
}

/** Reads dNSName and iPAddress entries back from a SubjectAltName extension value (GeneralNames). */
export function decodeGeneralNames(node: Asn1Node): string[] {
  return node.children.flatMap((child) => {
    if (child.tag === 0x82) return [child.content.toString("ascii")];
    if (child.tag === 0x87) return [Array.from(child.content).join(".")];
    return [];
  });
}
