import * as pulumi from "@pulumi/pulumi";
import { type CertificateExpiry, expiryAt } from "../../core/certs/expiry";
import { type ExistingConfig, existingFilesOf } from "../../core/certs/schema";
import type { CertificateMaterial, CertificateMaterialArgs, NodeCertificateFiles } from "./certificate-material";
import * as existingNodeFiles from "./existing-node-files.resource";
import { ExistingNodeFiles } from "./existing-node-files.resource";

/**
 * `source: existing`: the files the admin already put on each node. Nothing is uploaded, nothing deleted; one
 * ExistingNodeFiles per node checks them over MMP, and the cluster waits for those checks.
 */
export function existingFiles(
  name: string,
  args: CertificateMaterialArgs & { config: ExistingConfig },
  parent: pulumi.Resource,
): CertificateMaterial {
  const configPath = args.configPath ?? "certificates";
  const checked = args.nodes.map((node) => {
    const names = existingFilesOf(args.config, node.name, configPath);
    const check = new ExistingNodeFiles(`${name}-${node.name}-existing`, existingNodeFiles.toInputs(node.mmp, names), {
      parent,
    });
    const files: NodeCertificateFiles = {
      node: node.name,
      keyFile: pulumi.output(names.keyFile),
      certFile: pulumi.output(names.certFile),
      ...(names.bundleFile ? { bundleFile: pulumi.output(names.bundleFile) } : {}),
      trustFile: pulumi.output(names.trustBundle),
      uploads: [],
      notAfter: check.notAfter.apply((n) => n ?? ""),
    };
    return { check, files };
  });
  const expiry = pulumi.all(checked.map((c) => c.files.notAfter)).apply((dates) => {
    const now = new Date();
    return dates.flatMap((notAfter, i): CertificateExpiry[] =>
      notAfter ? [expiryAt(checked[i].files.node, new Date(notAfter), now)] : [],
    );
  });
  return { files: checked.map((c) => c.files), expiry, checks: checked.map((c) => c.check) };
}
