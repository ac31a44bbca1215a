// Which ServiceGroup pool an address came from. The agent decides local vs remote from the pool the
// address lies in, not from the purelb.io/pool-type annotation, which anyone can edit.
import type { AddressPool, ServiceGroupConfig } from '../config/types.ts';
import type { Family, IP } from '../net/ip.ts';

export interface PoolMatch {
  group: ServiceGroupConfig;
  pool: AddressPool;
}

/** Finds the PoolMatch of an address among groups prepared once (see prepareGroups). */
export interface PreparedGroups {
  /**
   * groupForIP's answer, without allocating: the match returned for a pool is the same object every
   * time, shared by every caller of this PreparedGroups, so it must not be modified.
   */
  match(ip: IP): Readonly<PoolMatch> | undefined;
}

/**
 * The groups' pools, in the order groupForIP tries them, split by family. Invariant: each list holds
 * the pools of that family in (namespace/name of the group, order of the pool in the group) order,
 * groups with equal namespace/name keeping their input order (the sort is stable). Reads `groups` and
 * their pools once, now: a group changed afterwards needs a new PreparedGroups.
 */
export function prepareGroups(groups: readonly ServiceGroupConfig[]): PreparedGroups {
  const keyed = groups.map((group) => ({ group, key: `${group.namespace}/${group.name}` }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const byFamily: Record<Family, PoolMatch[]> = { 4: [], 6: [] };
  for (const { group } of keyed) for (const pool of group.pools) byFamily[pool.family]?.push({ group, pool });
  return {
    match(ip) {
      for (const m of byFamily[ip.family] ?? [])
        if (m.pool.first <= ip.value && ip.value <= m.pool.last) return m;
      return undefined;
    },
  };
}

/**
 * The group and pool whose range holds `ip`; the first group in namespace/name order when pools overlap.
 * Sorts the groups on every call: for many addresses, prepareGroups once and match each.
 */
export function groupForIP(ip: IP, groups: readonly ServiceGroupConfig[]): PoolMatch | undefined {
  const m = prepareGroups(groups).match(ip);
  return m === undefined ? undefined : { group: m.group, pool: m.pool };
}
