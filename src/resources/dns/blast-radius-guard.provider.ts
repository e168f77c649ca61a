import { DnsError, queryRecordSet } from "../../clients/dns/rfc2136-client";
import { blastRadiusRefusal } from "../../core/dns/blast-radius";
import type { RecordSet } from "../../core/dns/records";
import type { DynamicProvider } from "../dynamic/provider-shell";

/** The RFC 2136 server and key the record sets will use (the key's secret is `tsigSecret`). */
export interface KeyCheck {
  server: { host: string; port: number };
  zone: string;
  keyName: string;
  algorithm: "hmac-sha256";
  timeoutSeconds: number;
}

export interface GuardInputs {
  recordSets: RecordSet[];
  allowLargeChanges: boolean;
  /** RFC 2136 only: prove the key before any record set is written, so a wrong key fails once, not per record. */
  keyCheck?: KeyCheck;
  /** A Pulumi secret; never in outputs. */
  tsigSecret?: string;
}

type GuardOutputs = Omit<GuardInputs, "keyCheck" | "tsigSecret">;

/**
 * A signed query proves the key's name, algorithm and secret (and the clocks) before the record sets run, which all
 * depend on the guard: a wrong key stops the `up` with one error and nothing written. Whether the key may update
 * the zone is only known from an update, so that is still reported by each record set.
 */
async function proveKey(check: KeyCheck, tsigSecret: string, probe: RecordSet): Promise<void> {
  const key = { name: check.keyName, algorithm: check.algorithm, secret: tsigSecret };
  const server = `${check.server.host}:${check.server.port}`;
  try {
    await queryRecordSet(
      { server: check.server, zone: check.zone, key, timeoutMs: check.timeoutSeconds * 1000 },
      probe.name,
      probe.type,
    );
  } catch (e) {
    if (!(e instanceof DnsError)) throw e;
    throw new DnsError(
      `[dns ${server}] prove TSIG key "${check.keyName}" before writing any record: ${e.message}. Nothing was changed. ` +
        "next: give the stack the key the server holds (`pulumi config set --secret tsigSecret <base64>`, " +
        "`dns.tsig.name`), then run `pulumi up` again",
      e.rcode,
      e.tsigError,
    );
  }
}

async function proveKeyOf({ keyCheck, tsigSecret, recordSets }: GuardInputs): Promise<void> {
  if (keyCheck && tsigSecret !== undefined && recordSets.length > 0)
    await proveKey(keyCheck, tsigSecret, recordSets[0]);
}

const outputs = ({ recordSets, allowLargeChanges }: GuardInputs): GuardOutputs => ({ recordSets, allowLargeChanges });

/**
 * Refuses, at check time (so in preview too, before any record changes), a change that deletes or replaces more
 * than a third of the stack's records. Its state is the record list of the last successful run. A change of the key
 * alone is not a change of the guard: each record set proves a new key itself.
 */
export const provider = {
  async check(olds, news) {
    const refusal = olds.recordSets
      ? blastRadiusRefusal(olds.recordSets, news.recordSets, news.allowLargeChanges)
      : undefined;
    return { inputs: news, failures: refusal ? [{ property: "recordSets", reason: refusal }] : [] };
  },
  async diff(_id, olds, news) {
    const changed = JSON.stringify(olds.recordSets) !== JSON.stringify(news.recordSets);
    return { changes: changed || olds.allowLargeChanges !== news.allowLargeChanges };
  },
  async create(inputs) {
    await proveKeyOf(inputs);
    return { id: "dns-blast-radius-guard", outs: outputs(inputs) };
  },
  async update(_id, _olds, news) {
    await proveKeyOf(news);
    return { outs: outputs(news) };
  },
} satisfies DynamicProvider<GuardInputs, GuardOutputs>;
