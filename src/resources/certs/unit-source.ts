import type * as pulumi from "@pulumi/pulumi";

/** One certificate (a node's, or the shared one) as a source delivers it, before the checks and the file plan. */
export interface UnitSource {
  /** A node name, or `shared`. */
  unit: string;
  /** How messages name it, e.g. `certificates.certs.cb1` or `shared certificate`. */
  what: string;
  /** Public; validated before any file is planned. */
  certPem: pulumi.Output<string>;
  /** A Pulumi secret; absent when `pki csr` keeps the key on the node. */
  keyPem?: pulumi.Output<string>;
  bundlePem?: pulumi.Output<string>;
  /** The key `pki csr` wrote on `node`, under `file`. */
  onNodeKey?: { node: string; file: pulumi.Output<string> };
  /** The CSR the certificate must have been signed from. */
  request?: { pem: pulumi.Output<string>; name: pulumi.Output<string> };
}

export function unitLabel(unit: string): string {
  return unit === "shared" ? "shared certificate" : `certificate of node "${unit}"`;
}
