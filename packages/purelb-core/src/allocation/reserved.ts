// The addresses of a pool that are never handed out. On a LAN the first and last address of an IPv4
// subnet are its network and broadcast addresses, and the first of an IPv6 subnet is the
// subnet-router anycast address (RFC 4291 2.6.1): a node that adds one as a host address confuses
// its neighbours (a broadcast address turns unicast replies into broadcasts, the anycast address
// belongs to the routers). Upstream PureLB hands them out; this allocator does not.
//
// Two CIDRs count: the pool itself when written as a CIDR, and its subnet. An IPv4 /31 or /32 has no
// network or broadcast address (RFC 3021) and an IPv6 /127 or /128 no subnet-router anycast (RFC 6164),
// so those are left whole. The subnet contains the pool, so every reserved address a pool holds is
// its first or its last: trimming the two ends is all the allocator has to do.
import type { AddressPool } from '../config/types.ts';
import { type Cidr, formatCidr, parseCidr } from '../net/cidr.ts';
import { subnetReserved } from '../net/reserved.ts';

export interface PoolEdges {
  /** The part of the pool that is handed out; `first > last` when nothing is. */
  first: bigint;
  last: bigint;
  /** Reserved address → why (e.g. "the network address of subnet 10.0.1.0/24"). */
  reserved: ReadonlyMap<bigint, string>;
}

/** The CIDRs whose edges a pool must avoid, each with how messages name it. */
function edgeCidrs(pool: AddressPool): { cidr: Cidr; label: string }[] {
  const out: { cidr: Cidr; label: string }[] = [];
  const asCidr = pool.pool.includes('/') ? parseCidr(pool.pool, true) : undefined;
  const subnetText = formatCidr(pool.subnet);
  if (asCidr !== undefined && typeof asCidr !== 'string') {
    const same = formatCidr(asCidr) === subnetText;
    out.push({ cidr: asCidr, label: same ? `pool and subnet ${subnetText}` : `pool ${pool.pool}` });
    if (same) return out;
  }
  out.push({ cidr: pool.subnet, label: `subnet ${subnetText}` });
  return out;
}

/** The reserved addresses of one CIDR (the rule is net/reserved.ts's), with why. */
const cidrReserved = (cidr: Cidr, label: string): [bigint, string][] =>
  subnetReserved(cidr).map((r) => [
    r.value,
    `${r.what} of ${label}${cidr.family === 6 ? ' (RFC 4291)' : ''}`,
  ]);

/** Which of the pool's addresses are reserved, and the bounds of the rest. */
export function poolEdges(pool: AddressPool): PoolEdges {
  const reserved = new Map<bigint, string>();
  for (const { cidr, label } of edgeCidrs(pool)) {
    for (const [value, why] of cidrReserved(cidr, label)) {
      if (value < pool.first || value > pool.last) continue;
      const before = reserved.get(value);
      reserved.set(value, before === undefined ? why : `${before} and ${why}`);
    }
  }
  let first = pool.first;
  let last = pool.last;
  while (first <= last && reserved.has(first)) first++;
  while (last >= first && reserved.has(last)) last--;
  return { first, last, reserved };
}
