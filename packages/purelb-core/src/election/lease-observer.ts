// Who is alive is this agent's observation, not the writer's word. A Lease counts as renewed when
// this observer sees its record change (holder, renewTime or duration), and it then lives for its
// duration as this observer measures it: the idea client-go's leader election applies to its lock.
// A writer's clock (skewed, or set a day ahead on purpose) can therefore neither stretch a Lease nor
// keep a dead node alive for longer than one capped duration after its last observed change.
//
// The observer's clock is an input. The agent feeds a "contact" clock that stands still while it
// cannot see the API server (see ContactClock): silence it could not have heard is not evidence of
// death.
import type { Lease } from '../kube.ts';
import { parseMicroTime } from './micro-time.ts';

/** No Lease lives longer than this after its last observed change, whatever it says. */
export const MAX_LEASE_DURATION_SECONDS = 60;

/** A duration as this observer honours it: capped, or undefined when not a positive number. */
export function cappedDurationMs(lease: Lease): number | undefined {
  const d = lease.spec?.leaseDurationSeconds;
  if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) return undefined;
  return Math.min(d, MAX_LEASE_DURATION_SECONDS) * 1000;
}

/**
 * Expiry by the written word, for a reader with no history (a one-shot diagnosis): renewTime +
 * duration, but never more than one capped duration past `now` (a renewTime in the future counts
 * as now). Undefined when the Lease has no usable renewTime or duration.
 */
export function writtenExpiry(lease: Lease, now: number): number | undefined {
  const durationMs = cappedDurationMs(lease);
  const text = lease.spec?.renewTime;
  if (durationMs === undefined || typeof text !== 'string') return undefined;
  const renewed = parseMicroTime(text);
  if (typeof renewed === 'string') return undefined;
  return Math.min(renewed, now) + durationMs;
}

interface Seen {
  record: string;
  expiresAt: number;
}

const leaseKey = (l: Lease): string => `${l.metadata.namespace ?? ''}/${l.metadata.name}`;

const recordOf = (l: Lease): string =>
  `${l.spec?.holderIdentity ?? ''}|${l.spec?.renewTime ?? ''}|${l.spec?.leaseDurationSeconds ?? ''}`;

export class LeaseObserver {
  readonly #seen = new Map<string, Seen>();

  /**
   * Takes in the Leases as they are now. `now` is the observer's clock (ms); `wallNow` the epoch ms,
   * used only for a Lease seen for the first time: it then lives for what its written renewTime
   * leaves of its duration (none if already lapsed), never more than one capped duration. A Lease
   * gone from the list is forgotten.
   */
  observe(leases: readonly Lease[], now: number, wallNow: number): void {
    const present = new Set<string>();
    for (const lease of leases) {
      const key = leaseKey(lease);
      present.add(key);
      const record = recordOf(lease);
      const seen = this.#seen.get(key);
      if (seen?.record === record) continue;
      const durationMs = cappedDurationMs(lease) ?? 0;
      const expiresAt =
        seen === undefined
          ? now + clamp((writtenExpiry(lease, wallNow) ?? wallNow) - wallNow, 0, durationMs)
          : now + durationMs;
      this.#seen.set(key, { record, expiresAt });
    }
    for (const key of this.#seen.keys()) if (!present.has(key)) this.#seen.delete(key);
  }

  /** When `lease` lapses on the observer's clock; undefined when it was never observed. */
  expiresAt(lease: Lease): number | undefined {
    const seen = this.#seen.get(leaseKey(lease));
    return seen?.record === recordOf(lease) ? seen.expiresAt : undefined;
  }
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
