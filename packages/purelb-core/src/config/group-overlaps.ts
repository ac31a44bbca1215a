// Pools that overlap across ServiceGroups: two groups handing out one address would give it to two
// Services. The allocator keeps the group that comes first by namespace/name and refuses the later.
import { formatRange, rangesOverlap } from '../net/range.ts';
import type { AddressPool, ServiceGroupConfig, ValidationIssue } from './types.ts';

export interface GroupOverlapIssue extends ValidationIssue {
  /** The refused group ("namespace/name"), which the issue's path refers to. */
  group: string;
  /** The group it overlaps, which keeps its pool. */
  other: string;
}

const keyOf = (g: ServiceGroupConfig): string => `${g.namespace}/${g.name}`;

/** One issue per pool of a later group that overlaps a pool of an earlier one (namespace/name order). */
export function checkGroupOverlaps(groups: ServiceGroupConfig[]): GroupOverlapIssue[] {
  const sorted = [...groups].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const out: GroupOverlapIssue[] = [];
  sorted.forEach((later, i) => {
    later.pools.forEach((pool: AddressPool, p) => {
      for (const earlier of sorted.slice(0, i)) {
        const hit = earlier.pools.find((q) => rangesOverlap(q, pool));
        if (hit === undefined) continue;
        out.push({
          path: `${pool.path ?? `spec.${later.type}.pools[${p}]`}.pool`,
          value: pool.pool,
          message:
            `ServiceGroup ${keyOf(later)} pool ${pool.pool} (${formatRange(pool)}) overlaps ServiceGroup ` +
            `${keyOf(earlier)} pool ${hit.pool} (${formatRange(hit)}); ${keyOf(later)} is refused`,
          group: keyOf(later),
          other: keyOf(earlier),
        });
        break;
      }
    });
  });
  return out;
}
