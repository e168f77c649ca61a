import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { formatCertificateProblems } from "../../core/certs/checks";
import { csrPublicKeyDer } from "../../core/certs/csr-public-key";
import { externalCaPauseMessage, type PendingSignature } from "../../core/certs/external-ca-message";
import type { OnNodeCsrConfig } from "../../core/certs/schema";
import type { MmpTargetInput } from "../dynamic/mmp-target";
import type { NodeCsr } from "./node-csr.resource";
import { outputRunError } from "./output-error";
import { readPemInput } from "./pem-input";

type ExternalCa = Extract<OnNodeCsrConfig["ca"], { type: "external" }>;

export interface CsrOnNode {
  unit: string;
  csr: NodeCsr;
  mmp: pulumi.Input<MmpTargetInput>;
}

/** Unparseable text counts as signed here: the certificate checks then report it, naming the field. */
function signedFor(certPem: string, requestPem: string): boolean {
  let spki: Buffer;
  try {
    spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  } catch {
    return true;
  }
  return spki.equals(csrPublicKeyDer(requestPem, "CSR"));
}

/**
 * The signed certificate per unit from config. While any is missing, or was signed for an earlier CSR, the
 * certificates reject with one RunError listing what to take to the CA: `up` stops there after creating the CSRs, and
 * the next `up` resumes. Other checks (SANs, chain, validity) follow in the certificate material.
 */
export function externalCaCertificates(
  csrs: CsrOnNode[],
  ca: ExternalCa,
  paths: { configPath: string; commandPath: string },
): Map<string, pulumi.Output<string>> {
  const { configPath, commandPath } = paths;
  const problems: string[] = [];
  const signed = new Map<string, string>();
  for (const [unit, value] of Object.entries(ca.signedCerts)) {
    try {
      signed.set(unit, readPemInput(value, `${configPath}.ca.signedCerts.${unit}`));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new pulumi.RunError(formatCertificateProblems(problems));
  const missing = csrs.filter((c) => !signed.has(c.unit)).map((c) => c.unit);
  if (missing.length > 0) {
    pulumi.log.warn(
      `certificates: no signed certificate in config yet for ${missing.join(", ")}; \`pulumi up\` will create the CSRs on the nodes, then stop and say what to take to the external CA`,
    );
  }
  const all = pulumi
    .all(
      csrs.map((c) =>
        pulumi.all([c.csr.certRequestPem, c.csr.csrFile, pulumi.output(c.mmp)]).apply(([pem, csrFile, mmp]) => ({
          unit: c.unit,
          pem,
          location: `${mmp.node} (${mmp.host}:${mmp.port})`,
          csrFile,
        })),
      ),
    )
    .apply((requests) => {
      const pending: PendingSignature[] = [];
      for (const r of requests) {
        const cert = signed.get(r.unit);
        const stale = cert !== undefined && !signedFor(cert, r.pem);
        if (cert === undefined || stale)
          pending.push({ unit: r.unit, location: r.location, csrFile: r.csrFile, stale });
      }
      if (pending.length > 0) {
        throw outputRunError(externalCaPauseMessage(pending, { configPath: commandPath, askForBundle: !ca.caBundle }));
      }
      return new Map(requests.map((r) => [r.unit, signed.get(r.unit) as string]));
    });
  return new Map(csrs.map((c) => [c.unit, all.apply((certs) => certs.get(c.unit) as string)]));
}
