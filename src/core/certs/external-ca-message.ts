/** A CSR on a node still waiting for the external CA's signature. */
export interface PendingSignature {
  /** A node name, or `shared`. */
  unit: string;
  /** Where the CSR is, e.g. `cb1 (10.106.81.30:22)`. */
  location: string;
  csrFile: string;
  /** The certificate in config was signed for an earlier CSR (the request changed since). */
  stale: boolean;
}

/** Why `up` stopped, and the exact steps to resume it. */
export function externalCaPauseMessage(
  pending: PendingSignature[],
  options: { configPath: string; askForBundle: boolean },
): string {
  const key = (unit: string) => `${options.configPath}.ca.signedCerts.${unit}`;
  const lines = [
    `certificates: waiting for the external CA to sign ${pending.length} CSR${pending.length > 1 ? "s" : ""}. The CSRs are on the nodes; nothing was uploaded and XMPP was not changed.`,
    "  1. Download each CSR over SFTP (the MMP login) and have the CA sign it as a web server (TLS server and client) certificate:",
    ...pending.map(
      (p) =>
        `       ${p.location}: ${p.csrFile}${p.stale ? "  (the certificate in config was signed for an earlier CSR)" : ""}`,
    ),
    "  2. Put each signed certificate (PEM text, or the path of the file) in the stack config:",
    ...pending.map((p) => `       pulumi config set --path '${key(p.unit)}' -- "$(cat ${p.unit}.cer)"`),
    ...(options.askForBundle
      ? [
          "     and the CA chain, the certificate that signed them first and the root last:",
          `       pulumi config set --path '${options.configPath}.ca.caBundle' -- "$(cat ca-bundle.cer)"`,
        ]
      : []),
    "  3. Run `pulumi up` again: it resumes from here and keeps the keys already made on the nodes.",
  ];
  return lines.join("\n");
}
