import * as pulumi from "@pulumi/pulumi";
import { checkCertificateMaterial, formatCertificateProblems } from "../../core/certs/checks";
import type { ByoConfig } from "../../core/certs/schema";
import { readPemInput } from "./pem-input";
import type { UnitSource } from "./unit-source";

/**
 * The admin's own key, certificate and chain per unit, read from config (PEM or file) and checked before anything is
 * registered: every problem of every unit comes back as one error.
 */
export function byoSources(
  config: ByoConfig,
  units: string[],
  namesOf: (unit: string) => string[],
  now: Date,
): UnitSource[] {
  const problems: string[] = [];
  const read = (value: string | undefined, field: string): string | undefined => {
    if (value === undefined) return undefined;
    try {
      return readPemInput(value, field);
    } catch (err) {
      problems.push((err as Error).message);
      return undefined;
    }
  };
  const sources = units.map((unit) => {
    const field = `certificates.certs.${unit}`;
    const entry = config.certs[unit];
    if (!entry) {
      problems.push(`${field}: missing`);
      return undefined;
    }
    const keyPem = read(entry.key, `${field}.key`);
    const certPem = read(entry.cert, `${field}.cert`);
    const bundlePem = read(entry.chain, `${field}.chain`);
    if (keyPem === undefined || certPem === undefined) return undefined;
    const requiredNames = namesOf(unit);
    const shared = unit === "shared";
    problems.push(...checkCertificateMaterial({ what: field, certPem, keyPem, bundlePem, requiredNames, shared, now }));
    return {
      unit,
      what: field,
      certPem: pulumi.output(certPem),
      keyPem: pulumi.secret(keyPem),
      ...(bundlePem ? { bundlePem: pulumi.output(bundlePem) } : {}),
    };
  });
  if (problems.length > 0) throw new pulumi.RunError(formatCertificateProblems(problems));
  return sources as UnitSource[];
}
