// What this node reports in its Lease that no other node can see (core's lease-reports.ts): its
// candidate interfaces without trusted carrier and the addresses it refuses or cannot place. Kept
// here between reconciles and read by every Lease renewal. Invariant: it writes nothing itself; a
// method returns true when the published value changes, and the caller then asks the Lease for a
// renewal (LeaseKeeper.renewSoon, rate-limited there), so no write loop of its own exists.
import {
  formatCarrierDown,
  formatRefused,
  type PlacementSkip,
  parseRefused,
  type Refusal,
  refusalsOf,
} from '@purelb-ts/core';
import type { LeaseReports } from '../kubernetes/lease.ts';
import type { Logger } from '../log.ts';

export class LeaseReporter {
  readonly #log: Logger;
  readonly #carrierDown: () => readonly string[];
  #refused: Refusal[] = [];
  #refusedText = '';
  #carrierText = '';

  /** `carrierDown`: the reconciler's current list (also right after computeSubnets, before a run). */
  constructor(log: Logger, carrierDown: () => readonly string[]) {
    this.#log = log;
    this.#carrierDown = carrierDown;
  }

  /** What the next renewal writes. */
  reports(): LeaseReports {
    return { carrierDown: this.#carrierDown(), refused: this.#refused };
  }

  /** The candidate interfaces without trusted carrier changed; true when the published value did. */
  carrierChanged(interfaces: readonly string[]): boolean {
    const text = formatCarrierDown(interfaces);
    if (text === this.#carrierText) return false;
    this.#carrierText = text;
    if (text === '') {
      this.#log.info('every candidate interface has trusted carrier: the Lease no longer lists any', {});
    } else {
      this.#log.warn(`interfaces without carrier: ${text}; the Lease lists them`, {
        interface: text,
        reason: 'no carrier, or carrier back too recently to trust (--carrier-hold)',
      });
    }
    return true;
  }

  /** A reconcile decided these skips; true when the refused addresses published changed. */
  decided(skips: readonly PlacementSkip[]): boolean {
    const refused = refusalsOf(skips);
    const text = formatRefused(refused);
    if (text === this.#refusedText) return false;
    this.#refusedText = text;
    // All of them: the renewal's formatRefused bounds the value and counts those it leaves out.
    this.#refused = refused;
    // The skips themselves are logged by the reconciler; this says what the Lease now lists.
    this.#log.info('addresses refused on this node changed: the Lease lists them', {
      ip: parseRefused(text)
        .refusals.map((r) => r.ip)
        .join(' '),
      reason: text === '' ? 'none refused' : text,
    });
    return true;
  }
}
