// The allocator's work queue, as controller-runtime's: a key waits at most once (adding it again
// while it waits is a no-op), one worker takes keys in order, a key added while it is being
// processed runs again afterwards, and a key whose handler throws is retried after a per-key
// exponential backoff (reset when it succeeds). Paused, it keeps collecting keys and runs none:
// the allocator pauses it while it is not the leader.
export interface WorkQueueOptions {
  /** The work for one key; a throw means "retry later". */
  handle: (key: string) => Promise<void>;
  /** Called with the error when a key is scheduled for a retry. */
  onRetry: (key: string, err: unknown, delayMs: number) => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class WorkQueue {
  readonly #o: Required<WorkQueueOptions>;
  readonly #order: string[] = [];
  readonly #waiting = new Set<string>();
  readonly #delayed = new Map<string, NodeJS.Timeout>();
  readonly #failures = new Map<string, number>();
  #paused = true;
  #closed = false;
  #working: Promise<void> | undefined;
  #idle: (() => void)[] = [];

  constructor(options: WorkQueueOptions) {
    this.#o = { baseDelayMs: 200, maxDelayMs: 30_000, ...options };
  }

  /** Queues a key (at the front: before everything waiting, e.g. a rebuild that must come first). */
  add(key: string, front = false): void {
    if (this.#waiting.has(key)) {
      if (!front) return;
      this.#order.splice(this.#order.indexOf(key), 1);
    }
    this.#waiting.add(key);
    if (front) this.#order.unshift(key);
    else this.#order.push(key);
    this.#kick();
  }

  /** Keys waiting (not counting delayed retries). */
  get length(): number {
    return this.#order.length;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (this.#closed) return;
    this.#paused = false;
    this.#kick();
  }

  /** Stops for good: nothing more runs; waits for the key in progress. */
  async shutdown(): Promise<void> {
    this.#paused = true;
    this.#closed = true;
    await this.#working;
    for (const t of this.#delayed.values()) clearTimeout(t);
    this.#delayed.clear();
  }

  /** Resolves when nothing waits and nothing runs (delayed retries do not count). */
  whenIdle(): Promise<void> {
    if (this.#working === undefined && (this.#order.length === 0 || this.#paused)) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #kick(): void {
    if (this.#paused || this.#working !== undefined || this.#order.length === 0) return;
    this.#working = this.#drain().finally(() => {
      this.#working = undefined;
      if (!this.#paused && this.#order.length > 0) this.#kick();
      else for (const resolve of this.#idle.splice(0)) resolve();
    });
  }

  async #drain(): Promise<void> {
    while (!this.#paused) {
      const key = this.#order.shift();
      if (key === undefined) return;
      this.#waiting.delete(key);
      try {
        await this.#o.handle(key);
        this.#failures.delete(key);
      } catch (err) {
        this.#retry(key, err);
      }
    }
  }

  #retry(key: string, err: unknown): void {
    if (this.#closed) return;
    const n = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, n);
    const delay = Math.min(this.#o.baseDelayMs * 2 ** (n - 1), this.#o.maxDelayMs);
    this.#o.onRetry(key, err, delay);
    clearTimeout(this.#delayed.get(key));
    this.#delayed.set(
      key,
      setTimeout(() => {
        this.#delayed.delete(key);
        this.add(key);
      }, delay),
    );
  }
}
