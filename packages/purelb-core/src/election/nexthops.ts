// Nexthop objects (`ip nexthop`): a route may name one by id instead of carrying its own interface and
// gateway (always so with net.ipv4.nexthop_compat_mode=0). A group's paths are its members' (groups do
// not nest: the kernel refuses a group member that is itself a group).
import type { NexthopObject } from '../model.ts';

/** The ifindexes nexthop object `id` sends through: its own, or its members'; none for a blackhole or an unknown id. */
export function nexthopInterfaces(id: number, nexthops: readonly NexthopObject[]): number[] {
  const byId = new Map(nexthops.map((n) => [n.id, n]));
  const object = byId.get(id);
  if (object === undefined || object.blackhole) return [];
  const members = object.group === undefined ? [object] : object.group.map((m) => byId.get(m.id));
  const out = new Set<number>();
  for (const m of members) if (m?.oif !== undefined && !m.blackhole) out.add(m.oif);
  return [...out];
}
