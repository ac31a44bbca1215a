// Whether this agent is in contact with the API server, as a ContactClock that runs only while it
// is. Contact is proven by this node's own Lease: a renewal (or a read of the Lease between
// renewals) that the API server answered, and, for a renewal, the resourceVersion it got coming
// back on the Lease watch (so a stalled or failing watch is out of contact too, even while writes pass).
// The clock stops when an attempt starts and runs again only once it is proven; an attempt takes
// milliseconds, so a healthy agent loses nothing, and an agent cut off loses no peer on silence it
// could not have heard.
import { ContactClock } from '@purelb-ts/core';

export interface ContactProbe {
  /** A request to the API server about to be sent. */
  attempt(): void;
  /** It failed (no answer, an error status). */
  failed(): void;
  /** A read was answered. */
  reached(): void;
  /** A renewal was accepted; the Lease's resourceVersion after it. */
  renewed(version: string): void;
}

export interface ApiContactOptions {
  /** A monotonic clock in ms (default performance.now). */
  now?: () => number;
  /** A renewal not seen on the watch this long after it was accepted: the watch is stale. */
  echoGraceMs?: number;
  /** Called then (the Lease informer should list and watch again). */
  onStale?: () => void;
  /** Out of contact this long: cut off (default 1 s; an answered request takes milliseconds). */
  cutOffAfterMs?: number;
  /** Called when this agent becomes cut off, and when it is in contact again. */
  onCutOff?: (cutOff: boolean) => void;
}

export class ApiContact implements ContactProbe {
  readonly #clock: ContactClock;
  readonly #now: () => number;
  readonly #o: ApiContactOptions;
  #staleTimer: NodeJS.Timeout | undefined;
  #cutOffTimer: NodeJS.Timeout | undefined;
  #cutOff = false;
  #inFlight = 0;
  /** The resourceVersion written but not yet seen on the watch. */
  #awaiting: string | undefined;
  #lastSeen: string | undefined;
  /** The watch was found stale and is listing again: its next word on the Lease is fresh. */
  #relisting = false;

  /** Out of contact until proven. */
  constructor(options: ApiContactOptions = {}) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
    this.#clock = new ContactClock(this.#now(), false);
  }

  /** Stops the timers (the agent is stopping). */
  close(): void {
    clearTimeout(this.#staleTimer);
    clearTimeout(this.#cutOffTimer);
  }

  /** Out of contact for longer than an answered request ever takes (cutOffAfterMs). */
  get cutOff(): boolean {
    return this.#cutOff;
  }

  get inContact(): boolean {
    return this.#clock.inContact;
  }

  /** The contact clock now (ms): Lease expiries are measured on it. */
  read(): number {
    return this.#clock.read(this.#now());
  }

  attempt(): void {
    this.#inFlight++;
    this.#lose();
  }

  #lose(): void {
    const wasIn = this.#clock.inContact;
    this.#clock.set(false, this.#now());
    if (!wasIn || this.#cutOff) return;
    clearTimeout(this.#cutOffTimer);
    this.#cutOffTimer = setTimeout(() => {
      if (this.#clock.inContact || this.#cutOff) return;
      this.#cutOff = true;
      this.#o.onCutOff?.(true);
    }, this.#o.cutOffAfterMs ?? 1000);
    this.#cutOffTimer.unref();
  }

  failed(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  reached(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#settle();
  }

  renewed(version: string): void {
    this.#awaiting = this.#lastSeen === version ? undefined : version;
    this.reached();
    clearTimeout(this.#staleTimer);
    if (this.#awaiting === undefined || this.#o.onStale === undefined) return;
    const onStale = this.#o.onStale;
    this.#staleTimer = setTimeout(() => {
      if (this.#awaiting !== version) return;
      this.#relisting = true;
      onStale();
    }, this.#o.echoGraceMs ?? 2000);
    this.#staleTimer.unref();
  }

  /** This node's Lease as the watch delivered it (its resourceVersion). */
  seen(version: string | undefined): void {
    this.#lastSeen = version;
    if (this.#relisting || (version !== undefined && version === this.#awaiting)) this.#awaiting = undefined;
    this.#relisting = false;
    this.#settle();
  }

  #settle(): void {
    if (this.#inFlight !== 0 || this.#awaiting !== undefined || this.#lastSeen === undefined) return;
    this.#clock.set(true, this.#now());
    clearTimeout(this.#cutOffTimer);
    if (!this.#cutOff) return;
    this.#cutOff = false;
    this.#o.onCutOff?.(false);
  }
}
