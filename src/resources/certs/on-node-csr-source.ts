import * as pulumi from "@pulumi/pulumi";
import { formatCertificateProblems } from "../../core/certs/checks";
import type { OnNodeCsrConfig } from "../../core/certs/schema";
import type { CertificateMaterialArgs, CertificateNode } from "./certificate-material";
import { externalCaCertificates } from "./external-ca";
import { localCa, signRequest } from "./local-ca";
import * as nodeCsr from "./node-csr.resource";
import { NodeCsr } from "./node-csr.resource";
import { readPemInput } from "./pem-input";
import { type UnitSource, unitLabel } from "./unit-source";

/**
 * `pki csr` on each node (or once, on the first node, for a shared certificate), signed by the stack's CA or an
 * external one. A node's CSR names the domain and that node's FQDN; a shared one every node's FQDN. A shared key is
 * downloaded from the first node and goes to the others as a secret.
 */
export function onNodeCsrSources(
  name: string,
  args: CertificateMaterialArgs & { config: OnNodeCsrConfig; configPath: string; configKey: string },
  units: string[],
  parent: pulumi.Resource,
): { sources: UnitSource[]; caCertPem?: pulumi.Output<string> } {
  const cfg = args.config;
  const holderOf = (unit: string) => args.nodes.find((n) => n.name === unit) ?? args.nodes[0];
  const exportKey = cfg.shared && args.nodes.length > 1;
  const csrs = units.map((unit) => {
    const holder: CertificateNode = holderOf(unit);
    const csr = new NodeCsr(
      `${name}-${unit}-csr`,
      nodeCsr.toInputs(args.domain, args.nodes, holder, unit, { subject: cfg.subject, exportKey }),
      { parent },
    );
    return { unit, holder, csr };
  });
  const ca = cfg.ca;
  let certs: Map<string, pulumi.Output<string>>;
  let bundlePem: pulumi.Output<string> | undefined;
  let what = unitLabel;
  if (ca.type === "external") {
    certs = externalCaCertificates(
      csrs.map((c) => ({ unit: c.unit, csr: c.csr, mmp: c.holder.mmp })),
      ca,
      { configPath: args.configPath, commandPath: `${args.configKey}.${args.configPath}` },
    );
    if (ca.caBundle) bundlePem = pulumi.output(readBundle(ca.caBundle, `${args.configPath}.ca.caBundle`));
    what = (unit) => `${args.configPath}.ca.signedCerts.${unit}`;
  } else {
    const signing = localCa(name, ca, args.domain, cfg.subject, parent);
    certs = new Map(
      csrs.map((c) => [
        c.unit,
        signRequest(`${name}-${c.unit}-cert`, c.csr.certRequestPem, signing, cfg, parent).certPem,
      ]),
    );
    bundlePem = signing.bundlePem;
  }
  const sources = csrs.map(
    (c): UnitSource => ({
      unit: c.unit,
      what: what(c.unit),
      certPem: certs.get(c.unit) as pulumi.Output<string>,
      ...(exportKey ? { keyPem: pulumi.secret(c.csr.keyPem as pulumi.Output<string>) } : {}),
      ...(bundlePem ? { bundlePem } : {}),
      onNodeKey: { node: c.holder.name, file: c.csr.keyFile },
      request: { pem: c.csr.certRequestPem, name: c.csr.csrFile },
    }),
  );
  return { sources, caCertPem: bundlePem };
}

function readBundle(value: string, field: string): string {
  try {
    return readPemInput(value, field);
  } catch (err) {
    throw new pulumi.RunError(formatCertificateProblems([(err as Error).message]));
  }
}
