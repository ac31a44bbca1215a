// The nexthop objects every contender of the nexthops phase adds and deletes (bench/nexthops.ts),
// so all of them do the same kernel work.
import { GATEWAY } from '../namespace.ts';

/** Object i of the sequence has id NEXTHOP_ID_BASE + i. */
export const NEXTHOP_ID_BASE = 1;

/** Object i (0-based): `id 1+i via 192.168.0.2 dev v0` (the gateway on v0's subnet). */
export function nexthopAt(i: number): { id: number; gateway: string } {
  if (!Number.isInteger(i) || i < 0 || i >= 0xfffffffe)
    throw new RangeError(`nexthop ${i} is outside the sequence`);
  return { id: NEXTHOP_ID_BASE + i, gateway: GATEWAY };
}
