import type { X509Certificate } from "node:crypto";
import { mmpDateTime } from "../mmp/format";
import { parseCsr } from "./csr";
import { formatName } from "./name";
import { readPemContents } from "./pem-contents";

const oneLine = (name: string): string => name.split("\n").join(", ");

function describeCertificate(certificate: X509Certificate): string[] {
  return [
    `    Subject: ${oneLine(certificate.subject)}`,
    `    Issuer: ${oneLine(certificate.issuer)}`,
    `    Serial number: ${certificate.serialNumber}`,
    `    Not valid before: ${mmpDateTime(new Date(certificate.validFrom))}`,
    `    Not valid after: ${mmpDateTime(new Date(certificate.validTo))}`,
    `    Subject alternative names: ${certificate.subjectAltName ?? "none"}`,
    `    CA: ${certificate.ca ? "yes" : "no"}`,
    `    SHA256 fingerprint: ${certificate.fingerprint256}`,
  ];
}

/** The text `pki inspect <file>` prints; null when the file holds nothing the MMP recognises. */
export function inspectFile(name: string, data: Buffer): string | null {
  const contents = readPemContents(data);
  const lines: string[] = [];
  contents.certificates.forEach((certificate, index) => {
    const count = contents.certificates.length;
    lines.push(count > 1 ? `Certificate ${index + 1} of ${count} in ${name}:` : `Certificate ${name}:`);
    lines.push(...describeCertificate(certificate));
  });
  if (contents.privateKey) {
    const details = contents.privateKey.asymmetricKeyDetails;
    const size = details?.modulusLength ?? (details?.namedCurve ? `curve ${details.namedCurve}` : "unknown size");
    lines.push(
      `Private key ${name}:`,
      `    Type: ${contents.privateKey.asymmetricKeyType?.toUpperCase()} (${size}${details?.modulusLength ? " bit" : ""})`,
    );
  }
  if (contents.csrPem) {
    const csr = parseCsr(contents.csrPem);
    lines.push(
      `Certificate signing request ${name}:`,
      `    Subject: ${formatName(csr.subject)}`,
      `    Subject alternative names: ${csr.subjectAltNames.join(", ") || "none"}`,
      `    Signature: ${csr.signatureValid ? "valid" : "INVALID"}`,
    );
  }
  return lines.length > 0 ? lines.join("\n") : null;
}
