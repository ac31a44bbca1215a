// A token bucket on an injected clock: `burst` tokens at most, one more every `refillMs`. Bounds how
// often something may happen however often it is asked for (the agent's writes to the API server).

export class TokenBucket {
  readonly burst: number;
  readonly refillMs: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(burst: number, refillMs: number, now: () => number) {
    if (!(burst >= 1) || !(refillMs > 0))
      throw new Error(`TokenBucket: burst ${burst} / refillMs ${refillMs}`);
    this.burst = burst;
    this.refillMs = refillMs;
    this.#now = now;
    this.#tokens = burst;
    this.#at = now();
  }

  /** Whole tokens available now. */
  available(): number {
    this.#refill();
    return Math.floor(this.#tokens);
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Whether the bucket is full (its state then says nothing and may be dropped). */
  full(): boolean {
    this.#refill();
    return this.#tokens >= this.burst;
  }

  /** Milliseconds until `n` whole tokens are available (0: now). */
  msUntil(n = 1): number {
    this.#refill();
    return this.#tokens >= n ? 0 : Math.ceil((n - this.#tokens) * this.refillMs);
  }

  #refill(): void {
    const now = this.#now();
    if (now > this.#at) this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#at) / this.refillMs);
    this.#at = now;
  }
}
