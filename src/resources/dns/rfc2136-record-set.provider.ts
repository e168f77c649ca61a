import type * as pulumi from "@pulumi/pulumi";
import { applyUpdate, DnsError, queryRecordSet, type Rfc2136Target } from "../../clients/dns/rfc2136-client";
import { RCODES } from "../../core/dns/rcode";
import {
  canonicalName,
  canonicalValues,
  isInZone,
  isValidName,
  type RecordSet,
  type RecordType,
} from "../../core/dns/records";
import { deleteRecords, replaceRecordSet } from "../../core/dns/update-message";
import type { DynamicProvider } from "../dynamic/provider-shell";

/** One RRset on an RFC 2136 server. The TSIG secret is a Pulumi secret in inputs and state. */
export interface Rfc2136RecordSetInputs {
  server: { host: string; port: number };
  zone: string;
  keyName: string;
  algorithm: "hmac-sha256";
  tsigSecret: string;
  timeoutSeconds: number;
  /** Take over an RRset that already exists instead of refusing to create it. */
  adoptExisting: boolean;
  name: string;
  type: RecordType;
  ttl: number;
  values: string[];
}

/** Outputs equal inputs: after a refresh, `ttl` and `values` are what the server holds. */

type Props = Rfc2136RecordSetInputs;

const PROPS: (keyof Props)[] = [
  "server",
  "zone",
  "keyName",
  "algorithm",
  "tsigSecret",
  "timeoutSeconds",
  "adoptExisting",
  "name",
  "type",
  "ttl",
  "values",
];

function target(p: Props): Rfc2136Target {
  return {
    server: p.server,
    zone: p.zone,
    key: { name: p.keyName, algorithm: p.algorithm, secret: p.tsigSecret },
    timeoutMs: p.timeoutSeconds * 1000,
  };
}

function recordSet(p: Props): RecordSet {
  return { name: p.name, type: p.type, ttl: p.ttl, values: p.values };
}

function describe(p: Pick<Props, "name" | "type">): string {
  return `${p.name} ${p.type}`;
}

export async function check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult<Props>> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  if (!isValidName(news.zone)) fail("zone", `"${news.zone}" is not a DNS name`);
  if (!isValidName(news.name)) fail("name", `"${news.name}" is not a DNS name`);
  else if (!isInZone(news.name, news.zone)) fail("name", `"${news.name}" is not inside zone "${news.zone}"`);
  if (!["SRV", "A", "AAAA"].includes(news.type)) fail("type", `"${news.type}" is not SRV, A or AAAA`);
  if (!Number.isInteger(news.ttl) || news.ttl < 1) fail("ttl", `${news.ttl} is not a TTL in seconds`);
  if (!Buffer.from(news.tsigSecret ?? "", "base64").length)
    fail("tsigSecret", "the TSIG secret is empty or not base64");
  let values = news.values;
  try {
    values = canonicalValues(news.type, news.values ?? []);
    if (values.length === 0) fail("values", "a record set needs at least one value");
  } catch (e) {
    fail("values", (e as Error).message);
  }
  return { inputs: { ...news, zone: canonicalName(news.zone), name: canonicalName(news.name), values }, failures };
}

export async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const replaces = (["zone", "name", "type"] as const).filter((k) => olds[k] !== news[k]);
  const changed = (k: keyof Props) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]);
  return {
    changes: replaces.length > 0 || PROPS.some(changed),
    replaces,
    // The same name and type on the same server: the old records must go before the new ones can be created.
    deleteBeforeReplace: olds.name === news.name && olds.type === news.type,
  };
}

export async function create(inputs: Props): Promise<pulumi.dynamic.CreateResult<Props>> {
  try {
    await applyUpdate(
      target(inputs),
      replaceRecordSet(inputs.zone, recordSet(inputs), inputs.adoptExisting ? "anything" : "absent"),
    );
  } catch (e) {
    if (e instanceof DnsError && e.rcode === RCODES.YXRRSET) {
      throw new DnsError(
        `${describe(inputs)} already exists on ${inputs.server.host}:${inputs.server.port} and this stack did not create it. ` +
          "Delete it by hand, or set dns.adoptExisting: true to take it over. Nothing was changed.",
        e.rcode,
      );
    }
    throw e;
  }
  return { id: `${inputs.name}/${inputs.type}`, outs: inputs };
}

export async function update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult<Props>> {
  const sameRecords = olds.ttl === news.ttl && JSON.stringify(olds.values) === JSON.stringify(news.values);
  if (sameRecords) {
    // Only the server or key changed. Re-adding the records that are already there changes nothing, but proves
    // the new key may update them before it is stored: a wrong key fails now, not at the next change or at destroy.
    const { name, type, ttl, values } = news;
    await applyUpdate(target(news), {
      zone: news.zone,
      prerequisites: [{ kind: "rrset-equals", name, type, values }],
      updates: values.map((value) => ({ kind: "add", name, type, ttl, value })),
    });
  } else {
    const expected = news.adoptExisting ? "anything" : { values: olds.values };
    await applyUpdate(target(news), replaceRecordSet(news.zone, recordSet(news), expected));
  }
  return { outs: news };
}

/** Deletes only the records this resource wrote; others at the same name stay. */
export async function remove(_id: string, props: Props): Promise<void> {
  await applyUpdate(target(props), deleteRecords(props.zone, recordSet(props)));
}

/** Refresh: reports what the server holds now, so hand edits show up as a diff and the next `up` restores them. */
export async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult<Props>> {
  const observed = await queryRecordSet(target(props), props.name, props.type);
  if (!observed) return { id: "", props: {} as Props };
  return { id, props: { ...props, ttl: observed.ttl, values: observed.values } };
}

/** The dynamic provider behind `rfc2136-record-set.resource.ts`. */
export const provider = { check, diff, create, update, delete: remove, read } satisfies DynamicProvider<Props, Props>;
