import { ia5String, objectIdentifier, printableString, sequence, set, utf8String } from "./der";
import { type Asn1Node, decodeObjectIdentifier } from "./der-reader";
import { OID } from "./oids";

/** The subject attributes `pki csr` accepts. */
export interface DistinguishedName {
  CN?: string;
  O?: string;
  OU?: string;
  L?: string;
  ST?: string;
  C?: string;
  emailAddress?: string;
}

const ATTRIBUTES: { key: keyof DistinguishedName; oid: string }[] = [
  { key: "C", oid: OID.country },
  { key: "ST", oid: OID.state },
  { key: "L", oid: OID.locality },
  { key: "O", oid: OID.organization },
  { key: "OU", oid: OID.organizationalUnit },
  { key: "CN", oid: OID.commonName },
  { key: "emailAddress", oid: OID.emailAddress },
];

function encodeValue(key: keyof DistinguishedName, value: string): Buffer {
  if (key === "C") return printableString(value);
  if (key === "emailAddress") return ia5String(value);
  return utf8String(value);
}

export function encodeName(name: DistinguishedName): Buffer {
  const rdns = ATTRIBUTES.filter(({ key }) => name[key] !== undefined).map(({ key, oid }) =>
    set(sequence(objectIdentifier(oid), encodeValue(key, name[key] as string))),
  );
  return sequence(...rdns);
}

export function decodeName(node: Asn1Node): DistinguishedName {
  const name: DistinguishedName = {};
  for (const rdn of node.children) {
    for (const pair of rdn.children) {
      const oid = decodeObjectIdentifier(pair.children[0].content);
      const attribute = ATTRIBUTES.find((candidate) => candidate.oid === oid);
      if (attribute) name[attribute.key] = pair.children[1].content.toString("utf8");
    }
  }
  return name;
}

/** "CN=tptac9.com, O=Example" in the conventional most-significant-last order. */
export function formatName(name: DistinguishedName): string {
  return ATTRIBUTES.filter(({ key }) => name[key] !== undefined)
    .reverse()
    .map(({ key }) => `${key}=${name[key]}`)
    .join(", ");
}
