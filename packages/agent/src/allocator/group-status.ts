// ServiceGroup .status as the allocator reports it, so `kubectl get sg` shows usage: upstream's
// fields (announce, ipam, addresses, allocatedIPv4/6, availableIPv4/6, boundNamespaces) plus
// `pools`, one entry per pool with exact decimal text (an IPv6 /64 has 2^64 addresses, beyond
// int64 and JavaScript's exact integers: availableIPv6 is capped, pools[].available is not).
// Counts of a family the group has no pool of are left out rather than written as 0.
import type { CustomResource, GroupFamilyUsage, ServiceGroupConfig } from '@purelb-ts/core';
import type { KubeRest } from '../kubernetes/rest.ts';
import { PURELB_API } from '../kubernetes/source.ts';

/** The fields this writer owns; any other status field is left alone. */
const MANAGED = [
  'announce',
  'ipam',
  'addresses',
  'allocatedIPv4',
  'allocatedIPv6',
  'availableIPv4',
  'availableIPv6',
  'boundNamespaces',
  'pools',
] as const;

export type GroupStatus = Partial<Record<(typeof MANAGED)[number], unknown>>;

const capped = (n: bigint): number =>
  n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);

export function groupStatus(group: ServiceGroupConfig, usage: readonly GroupFamilyUsage[]): GroupStatus {
  const status: GroupStatus = {
    announce: group.type === 'local' ? 'Local' : 'Remote',
    ipam: 'Cluster',
    addresses: group.pools.map((p) => p.pool),
    boundNamespaces: [...group.namespaces],
  };
  const pools: unknown[] = [];
  for (const u of usage) {
    if (u.group !== group.name) continue;
    status[`allocatedIPv${u.family}`] = u.inUse;
    status[`availableIPv${u.family}`] = capped(u.available);
    for (const p of u.pools) {
      pools.push({
        pool: p.pool,
        family: `IPv${u.family}`,
        size: p.size.toString(),
        inUse: p.inUse,
        available: (p.size - BigInt(p.inUse)).toString(),
      });
    }
  }
  status.pools = pools;
  return status;
}

/** The merge patch that brings `current` to `desired` on the owned fields, or undefined when equal. */
export function statusPatch(current: unknown, desired: GroupStatus): Record<string, unknown> | undefined {
  const have = (current ?? {}) as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const k of MANAGED) {
    const want = desired[k];
    if (JSON.stringify(have[k]) === JSON.stringify(want)) continue;
    patch[k] = want ?? null;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

/** Writes the owned status fields of one group when they differ; true when a write was made. */
export async function writeGroupStatus(
  rest: KubeRest,
  object: CustomResource,
  desired: GroupStatus,
): Promise<boolean> {
  const patch = statusPatch(object.status, desired);
  if (patch === undefined) return false;
  const ns = encodeURIComponent(object.metadata.namespace ?? 'default');
  const name = encodeURIComponent(object.metadata.name);
  await rest.patch(`${PURELB_API}/namespaces/${ns}/servicegroups/${name}/status`, { status: patch });
  return true;
}
