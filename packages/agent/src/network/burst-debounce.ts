// Calls `fire` once per burst of pokes: `quietMs` after the last poke, but never later than
// `maxWaitMs` after the first poke of the burst, so a poke that never stops still fires regularly.
export class BurstDebounce {
  readonly #fire: () => void;
  readonly #quietMs: number;
  readonly #maxWaitMs: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  /** When the pending burst's first poke came (undefined: nothing pending). */
  #firstAt: number | undefined;
  #lastAt = 0;

  constructor(
    fire: () => void,
    quietMs: number,
    maxWaitMs: number,
    now: () => number = () => performance.now(),
  ) {
    this.#fire = fire;
    this.#quietMs = quietMs;
    this.#maxWaitMs = maxWaitMs;
    this.#now = now;
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
    const deadline = first + this.#maxWaitMs;
    if (now < quietAt && now < deadline) {
      this.#arm(Math.min(quietAt, deadline) - now);
      return;
    }
    this.cancel();
    this.#fire();
  }
}
