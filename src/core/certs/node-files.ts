import { caBundleFileName, certFileName, isSafeFileName, keyFileName, trustFileName } from "./file-names";
import { certificatesToPem, parseCertificate, parseCertificates } from "./pem";
import { clusterTrustBundle } from "./trust-bundle";

/** One certificate (a node's, or the shared one) once obtained and checked. */
export interface UnitCertificate {
  /** A node name, or `shared`. */
  unit: string;
  certPem: string;
  bundlePem?: string;
  /** The key `pki csr` wrote on `node`: it is already there under `file`, and other nodes get it under that name. */
  onNodeKey?: { node: string; file: string };
}

/** What one node needs for `xmpp certs <keyFile> <certFile> [<bundleFile>]` and `xmpp cluster trust <trustFile>`. */
export interface NodeFilePlan {
  node: string;
  unit: string;
  keyFile: string;
  /** False only on the node where `pki csr` wrote the key. */
  uploadKey: boolean;
  certFile: string;
  certPem: string;
  bundleFile?: string;
  bundlePem?: string;
  trustFile: string;
  /** Undefined when the trust file is the certificate file itself (one certificate for the whole cluster). */
  trustPem?: string;
}

function unitOf(node: string, units: UnitCertificate[]): UnitCertificate {
  const unit = units.find((u) => u.unit === node) ?? units.find((u) => u.unit === "shared");
  if (!unit) throw new Error(`no certificate for node "${node}"`);
  return unit;
}

/** File names and contents per node, in node order; names are versioned by content so a rotation adds new files. */
export function planNodeFiles(nodeNames: string[], units: UnitCertificate[]): NodeFilePlan[] {
  const certs = new Map(
    units.map((u) => [u.unit, certificatesToPem([parseCertificate(u.certPem, `certificate "${u.unit}"`)])]),
  );
  const trustPem = clusterTrustBundle(nodeNames.map((node) => certs.get(unitOf(node, units).unit) as string));
  const trustIsCert = units.length === 1;
  const plans = nodeNames.map((node): NodeFilePlan => {
    const unit = unitOf(node, units);
    const certPem = certs.get(unit.unit) as string;
    const bundlePem = unit.bundlePem?.trim()
      ? certificatesToPem(parseCertificates(unit.bundlePem, `CA bundle "${unit.unit}"`))
      : undefined;
    const certFile = certFileName(unit.unit, certPem);
    return {
      node,
      unit: unit.unit,
      keyFile: unit.onNodeKey?.file ?? keyFileName(unit.unit, certPem),
      uploadKey: unit.onNodeKey?.node !== node,
      certFile,
      certPem,
      ...(bundlePem ? { bundleFile: caBundleFileName(bundlePem), bundlePem } : {}),
      trustFile: trustIsCert ? certFile : trustFileName(trustPem),
      ...(trustIsCert ? {} : { trustPem }),
    };
  });
  for (const plan of plans) {
    for (const name of [plan.keyFile, plan.certFile, plan.bundleFile, plan.trustFile]) {
      if (name !== undefined && !isSafeFileName(name)) throw new Error(`unsafe MMP file name "${name}"`);
    }
  }
  return plans;
}
