import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { checkCaBundle, checkKeyMatchesCert, checkValidity, formatCertificateProblems } from "../../core/certs/checks";
import type { CertificateSubject } from "../../core/certs/csr-command";
import { certificatesToPem, describeSubject, parseCertificates } from "../../core/certs/pem";
import type { CaConfig } from "../../core/certs/schema";
import { readPemInput } from "./pem-input";

/** The CA that signs the XMPP certificates inside the stack. */
export interface SigningCa {
  certPem: pulumi.Output<string>;
  /** A Pulumi secret. */
  keyPem: pulumi.Output<string>;
  /** What nodes get as the `xmpp certs` CA bundle: the signing CA first, the root last. */
  bundlePem: pulumi.Output<string>;
}

type LocalCaConfig = Exclude<CaConfig, { type: "external" }>;

const CA_KEY = { algorithm: "RSA", rsaBits: 3072 } as const;
export const LEAF_KEY = { algorithm: "RSA", rsaBits: 2048 } as const;
const LEAF_USES = ["digital_signature", "key_encipherment", "server_auth", "client_auth"];

export function tlsSubject(commonName: string, subject: CertificateSubject) {
  return {
    commonName,
    organization: subject.O,
    organizationalUnit: subject.OU,
    locality: subject.L,
    province: subject.ST,
    country: subject.C,
  };
}

/** A CA created by the stack (tls.PrivateKey + tls.SelfSignedCert), or the admin's, checked before it signs anything. */
export function localCa(
  name: string,
  ca: LocalCaConfig,
  domain: string,
  subject: CertificateSubject,
  parent: pulumi.Resource,
): SigningCa {
  if (ca.type === "localSupplied") return suppliedCa(ca);
  const key = new tls.PrivateKey(`${name}-ca-key`, CA_KEY, { parent });
  const cert = new tls.SelfSignedCert(
    `${name}-ca`,
    {
      privateKeyPem: key.privateKeyPem,
      subject: tlsSubject(`${domain} XMPP CA`, subject),
      validityPeriodHours: ca.validityDays * 24,
      isCaCertificate: true,
      setSubjectKeyId: true,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    },
    { parent },
  );
  return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem), bundlePem: cert.certPem };
}

function suppliedCa(ca: Extract<LocalCaConfig, { type: "localSupplied" }>): SigningCa {
  const what = "certificates.ca (localSupplied)";
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      problems.push((err as Error).message);
      return undefined;
    }
  };
  const chain =
    attempt(() => parseCertificates(readPemInput(ca.cert, "certificates.ca.cert"), "certificates.ca.cert")) ?? [];
  const keyPem = attempt(() => readPemInput(ca.key, "certificates.ca.key"));
  const [signer, ...issuers] = chain;
  if (signer) {
    const now = new Date();
    const found = [
      signer.ca ? undefined : `${what}: the certificate "${describeSubject(signer)}" is not a CA certificate`,
      keyPem === undefined ? undefined : checkKeyMatchesCert(what, keyPem, signer),
      checkValidity(what, signer, now),
      checkCaBundle(`${what} chain`, signer, issuers, now),
    ];
    problems.push(...found.filter((p): p is string => p !== undefined));
  }
  if (problems.length > 0) throw new pulumi.RunError(formatCertificateProblems(problems));
  return {
    certPem: pulumi.output(certificatesToPem([signer])),
    keyPem: pulumi.secret(keyPem as string),
    bundlePem: pulumi.output(certificatesToPem(chain)),
  };
}

export interface SigningPolicy {
  validityDays: number;
  earlyRenewalDays: number;
}

/** Signs a CSR with the stack's CA; the SANs and subject come from the CSR. */
export function signRequest(
  name: string,
  certRequestPem: pulumi.Input<string>,
  ca: SigningCa,
  policy: SigningPolicy,
  parent: pulumi.Resource,
): tls.LocallySignedCert {
  return new tls.LocallySignedCert(
    name,
    {
      certRequestPem,
      caCertPem: ca.certPem,
      caPrivateKeyPem: ca.keyPem,
      validityPeriodHours: policy.validityDays * 24,
      earlyRenewalHours: policy.earlyRenewalDays * 24,
      setSubjectKeyId: true,
      allowedUses: LEAF_USES,
    },
    { parent },
  );
}
