import { blastRadiusRefusal } from "../../core/dns/blast-radius";
import type { RecordSet } from "../../core/dns/records";
import type { DynamicProvider } from "../dynamic/provider-shell";

export interface GuardInputs {
  recordSets: RecordSet[];
  allowLargeChanges: boolean;
}

/**
 * Refuses, at check time (so in preview too, before any record changes), a change that deletes or replaces more
 * than a third of the stack's records. Its state is the record list of the last successful run.
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
    return { id: "dns-blast-radius-guard", outs: inputs };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
} satisfies DynamicProvider<GuardInputs, GuardInputs>;
