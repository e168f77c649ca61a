import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { CertificateSubject } from "../../core/certs/csr-command";
import { LEAF_KEY, type SigningCa, type SigningPolicy, signRequest, tlsSubject } from "./local-ca";
import { type UnitSource, unitLabel } from "./unit-source";

/** Key, CSR and certificate made by the stack (tls.PrivateKey + CertRequest + LocallySignedCert); the key is a secret. */
export function offNodeSource(
  name: string,
  unit: string,
  request: { domain: string; names: string[]; subject: CertificateSubject },
  ca: SigningCa,
  policy: SigningPolicy,
  parent: pulumi.Resource,
): UnitSource {
  const key = new tls.PrivateKey(`${name}-${unit}-key`, LEAF_KEY, { parent });
  const csr = new tls.CertRequest(
    `${name}-${unit}-csr`,
    { privateKeyPem: key.privateKeyPem, subject: tlsSubject(request.domain, request.subject), dnsNames: request.names },
    { parent },
  );
  const cert = signRequest(`${name}-${unit}-cert`, csr.certRequestPem, ca, policy, parent);
  return {
    unit,
    what: unitLabel(unit),
    certPem: cert.certPem,
    keyPem: pulumi.secret(key.privateKeyPem),
    bundlePem: ca.bundlePem,
  };
}
