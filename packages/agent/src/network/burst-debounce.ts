// Calls `fire` once per burst of pokes: `quietMs` after the last poke, but never later than
// `maxWaitMs` after its first, so a burst that never pauses still fires soon. When the same flood
// goes on after such a forced fire (a poke within `quietMs` of it), the next forced fire waits
// `floodWaitMs` instead: a program churning addresses for a minute gets a reconcile at the start,
// one per flood wait and one when it stops, not one a second (each re-reads every address the flood
// added, in dumps the churn keeps interrupting, so each costs several). A pause ends the flood.
export interface BurstDebounceOptions {
  quietMs: number;
  maxWaitMs: number;
  /** The wait of every forced fire after the first while a flood goes on (default maxWaitMs). */
  floodWaitMs?: number;
  now?: () => number;
}

export class BurstDebounce {
  readonly #fire: () => void;
  readonly #quietMs: number;
  readonly #maxWaitMs: number;
  readonly #floodWaitMs: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  /** When the pending burst's first poke came (undefined: nothing pending). */
  #firstAt: number | undefined;
  #lastAt = 0;
  /** The pending burst's longest wait. */
  #waitMs: number;
  /** When the last fire forced by the wait happened (undefined after a quiet fire). */
  #forcedAt: number | undefined;

  constructor(fire: () => void, o: BurstDebounceOptions) {
    this.#fire = fire;
    this.#quietMs = o.quietMs;
    this.#maxWaitMs = o.maxWaitMs;
    this.#floodWaitMs = Math.max(o.maxWaitMs, o.floodWaitMs ?? o.maxWaitMs);
    this.#now = o.now ?? (() => performance.now());
    this.#waitMs = o.maxWaitMs;
  }

  get pending(): boolean {
    return this.#firstAt !== undefined;
  }

  /**
   * Another event of the burst. The timer is set once per burst and only moved forward when it
   * fires early: re-arming a timer for every one of 60k notifications would cost more than it saves.
   */
  poke(): void {
    const now = this.#now();
    this.#lastAt = now;
    if (this.#firstAt !== undefined) return;
    const floodGoesOn = this.#forcedAt !== undefined && now - this.#forcedAt < this.#quietMs;
    this.#waitMs = floodGoesOn ? this.#floodWaitMs : this.#maxWaitMs;
    this.#firstAt = now;
    this.#arm(this.#quietMs);
  }

  /** Drops the pending burst (something else already covers it). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#firstAt = undefined;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#due(), Math.max(0, ms));
    this.#timer.unref();
  }

  #due(): void {
    const first = this.#firstAt;
    if (first === undefined) return;
    const now = this.#now();
    const quietAt = this.#lastAt + this.#quietMs;
    const deadline = first + this.#waitMs;
    if (now < quietAt && now < deadline) {
      this.#arm(Math.min(quietAt, deadline) - now);
      return;
    }
    this.#forcedAt = now < quietAt ? now : undefined;
    this.cancel();
    this.#fire();
  }
}
