import type { SrvRecord } from "node:dns";

/**
 * RFC 2782 target selection: ascending priority; inside one priority, repeated weighted random picks
 * (weight-0 records first in the running sum, so they are picked rarely but still can be).
 */
export function orderSrvRecords(records: SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const priorities = [...new Set(records.map((record) => record.priority))].sort((a, b) => a - b);
  const ordered: SrvRecord[] = [];
  for (const priority of priorities) {
    const group = records
      .filter((record) => record.priority === priority)
      .sort((a, b) => Number(b.weight === 0) - Number(a.weight === 0));
    while (group.length > 0) {
      const total = group.reduce((sum, record) => sum + record.weight, 0);
      const threshold = random() * (total + 1);
      let running = 0;
      let index = group.findIndex((record) => {
        running += record.weight;
        return running >= threshold;
      });
      if (index < 0) index = group.length - 1;
      ordered.push(...group.splice(index, 1));
    }
  }
  return ordered;
}
