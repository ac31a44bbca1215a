// Carrier: a local address on an interface whose link is down reaches no one, while the node's Lease
// keeps renewing over another path (cilium#35507, metallb#2026: nothing fails over). So an interface
// without carrier is no local candidate (local-candidates.ts): its subnets leave this node's
// purelb.io/subnets and its local addresses go to another node. Carrier that returns is trusted only
// once it has held for a while (CarrierHysteresis), so a flapping link does not move addresses back
// and forth with every flap.
import type { Link } from '../net/objects.ts';

/** IFF_LOWER_UP: the driver reports the link's physical layer up (`ip link`'s LOWER_UP). */
export const IFF_LOWER_UP = 0x10000;

/** How long carrier must hold, without a loss, before its interface takes part again. */
export const CARRIER_HOLD_MS = 10_000;

export const hasCarrier = (l: Link): boolean => (l.flags & IFF_LOWER_UP) !== 0;

export interface CarrierView {
  /** ifindexes with carrier that is not trusted yet (it came back less than holdMs ago). */
  held: ReadonlySet<number>;
  /** When the earliest of them will be trusted (ms, on the caller's clock); undefined: none held. */
  nextAt: number | undefined;
}

/**
 * Tracks each link's carrier across network reads. Invariants: a link seen without carrier is out at
 * once; it is back only after `holdMs` of carrier with no loss seen in between (a loss starts the wait
 * over); a link that had carrier when first seen (at agent start, or a new link) is trusted at once.
 */
export class CarrierHysteresis {
  readonly #holdMs: number;
  /** Links seen without carrier since they were last trusted. */
  readonly #lost = new Set<number>();
  /** Links whose carrier came back and is not trusted yet → since when. */
  readonly #since = new Map<number, number>();

  constructor(holdMs: number = CARRIER_HOLD_MS) {
    if (!(holdMs >= 0)) throw new Error(`CarrierHysteresis: holdMs must be >= 0, got ${holdMs}`);
    this.#holdMs = holdMs;
  }

  observe(links: readonly Link[], now: number): CarrierView {
    const present = new Set<number>();
    for (const l of links) {
      present.add(l.index);
      if (!hasCarrier(l)) {
        this.#lost.add(l.index);
        this.#since.delete(l.index);
      } else if (this.#lost.delete(l.index)) {
        this.#since.set(l.index, now);
      }
    }
    const held = new Set<number>();
    let nextAt: number | undefined;
    for (const [index, since] of this.#since) {
      if (!present.has(index) || now - since >= this.#holdMs) {
        this.#since.delete(index);
        continue;
      }
      held.add(index);
      const at = since + this.#holdMs;
      nextAt = nextAt === undefined ? at : Math.min(nextAt, at);
    }
    for (const index of this.#lost) if (!present.has(index)) this.#lost.delete(index);
    return { held, nextAt };
  }
}
