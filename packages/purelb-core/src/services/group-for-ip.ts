// Which ServiceGroup pool an address came from. The agent decides local vs remote from the pool the
// address lies in, not from the purelb.io/pool-type annotation, which anyone can edit.
import type { AddressPool, ServiceGroupConfig } from '../config/types.ts';
import type { IP } from '../net/ip.ts';

export interface PoolMatch {
  group: ServiceGroupConfig;
  pool: AddressPool;
}

const groupKey = (g: ServiceGroupConfig): string => `${g.namespace}/${g.name}`;

/** The group and pool whose range holds `ip`; the first group in namespace/name order when pools overlap. */
export function groupForIP(ip: IP, groups: readonly ServiceGroupConfig[]): PoolMatch | undefined {
  const ordered = [...groups].sort((a, b) =>
    groupKey(a) < groupKey(b) ? -1 : groupKey(a) > groupKey(b) ? 1 : 0,
  );
  for (const group of ordered) {
    for (const pool of group.pools) {
      if (pool.family === ip.family && pool.first <= ip.value && ip.value <= pool.last)
        return { group, pool };
    }
  }
  return undefined;
}
