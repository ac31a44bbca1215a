// The multipath routes every contender of the multipath phase adds and deletes (bench/multipath.ts),
// so all of them do the same kernel work. bench/peers/pyroute2_worker.py computes the same; keep
// them in step.
import { GATEWAY, SECOND_GATEWAY } from '../namespace.ts';

/** Every hop of every route leaves through v0: the first with weight 1, the second with weight 2. */
export const MULTIPATH_HOPS = [
  { gateway: GATEWAY, weight: 1 },
  { gateway: SECOND_GATEWAY, weight: 2 },
] as const;

/**
 * Route i (0-based): 172.16.0.0 + i + 1 as a /32 (outside the dumps' 10.0.0.0/8 preload), i below
 * 2^20 (172.16.0.0/12).
 */
export function multipathRouteAt(i: number): string {
  if (!Number.isInteger(i) || i < 0 || i >= 0xfffff)
    throw new RangeError(`route ${i} is outside the sequence`);
  const v = 0xac100000 + i + 1;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
