import * as pulumi from "@pulumi/pulumi";
import { checkCertificateMaterial, formatCertificateProblems } from "../../core/certs/checks";
import type { ByoConfig } from "../../core/certs/schema";
import { outputRunError } from "./output-error";
import { readPemInput } from "./pem-input";
import type { UnitSource } from "./unit-source";

/** A unit's PEMs that are Outputs (e.g. from a secret store), by field; each already read as PEM text. */
export type LaterByoMaterial = Map<
  string,
  { key?: pulumi.Output<string>; cert?: pulumi.Output<string>; chain?: pulumi.Output<string> }
>;

interface MaterialCheck {
  field: string;
  requiredNames: string[];
  shared: boolean;
  now: Date;
}

/**
 * The admin's own key, certificate and chain per unit, read from config (PEM or file) and checked before anything is
 * registered: every problem of every unit comes back as one error. A unit with PEMs still to come is checked the same
 * way once they are known.
 */
export function byoSources(
  config: ByoConfig,
  units: string[],
  namesOf: (unit: string) => string[],
  now: Date,
  later: LaterByoMaterial = new Map(),
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
  const sources = units.map((unit): UnitSource | undefined => {
    const field = `certificates.certs.${unit}`;
    const entry = config.certs[unit];
    if (!entry) {
      problems.push(`${field}: missing`);
      return undefined;
    }
    const check: MaterialCheck = { field, requiredNames: namesOf(unit), shared: unit === "shared", now };
    const pending = later.get(unit);
    if (pending) return laterSource(unit, entry, pending, check);
    const keyPem = read(entry.key, `${field}.key`);
    const certPem = read(entry.cert, `${field}.cert`);
    const bundlePem = read(entry.chain, `${field}.chain`);
    if (keyPem === undefined || certPem === undefined) return undefined;
    problems.push(...materialProblems(check, keyPem, certPem, bundlePem));
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

function materialProblems(check: MaterialCheck, keyPem: string, certPem: string, bundlePem?: string): string[] {
  const { field: what, requiredNames, shared, now } = check;
  return checkCertificateMaterial({ what, certPem, keyPem, bundlePem, requiredNames, shared, now });
}

function laterSource(
  unit: string,
  entry: ByoConfig["certs"][string],
  pending: NonNullable<ReturnType<LaterByoMaterial["get"]>>,
  check: MaterialCheck,
): UnitSource {
  const known = (value: string | undefined, field: string) =>
    value === undefined ? undefined : pulumi.output(readPemInput(value, `${check.field}.${field}`));
  const checked = pulumi
    .all([
      pending.key ?? known(entry.key, "key"),
      pending.cert ?? known(entry.cert, "cert"),
      pending.chain ?? known(entry.chain, "chain"),
    ])
    .apply(([keyPem, certPem, bundlePem]) => {
      const problems = materialProblems(check, keyPem as string, certPem as string, bundlePem);
      if (problems.length > 0) throw outputRunError(formatCertificateProblems(problems));
      return { keyPem: keyPem as string, certPem: certPem as string, bundlePem };
    });
  const hasChain = entry.chain !== undefined;
  return {
    unit,
    what: check.field,
    // The check reads the key, which makes its result secret; the certificate and chain are public.
    certPem: pulumi.unsecret(checked.apply((m) => m.certPem)),
    keyPem: pulumi.secret(checked.apply((m) => m.keyPem)),
    ...(hasChain ? { bundlePem: pulumi.unsecret(checked.apply((m) => m.bundlePem as string)) } : {}),
  };
}
