// A FIFO of requests waiting for room in the window: a ring over an array that only grows (by
// doubling), so push and shift are O(1), 100,000 queued requests cost one array, not 100,000 list
// nodes, and a queue that fills and drains every tick allocates nothing once it has grown.
import type { PendingRequest } from './pending.ts';

/** The largest ring kept once empty (a burst beyond it is given back when it has drained). */
const MAX_KEPT = 4096;
const INITIAL = 16;

export class RequestQueue {
  private items: (PendingRequest | undefined)[] = new Array(INITIAL).fill(undefined);
  private mask = INITIAL - 1;
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(entry: PendingRequest): void {
    if (this.count > this.mask) this.grow();
    this.items[(this.head + this.count) & this.mask] = entry;
    this.count++;
  }

  /** Puts a request back at the front (a dump being retried goes before later requests). */
  unshift(entry: PendingRequest): void {
    if (this.count > this.mask) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = entry;
    this.count++;
  }

  peek(): PendingRequest | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  shift(): PendingRequest | undefined {
    if (this.count === 0) return undefined;
    const entry = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    // A burst's array is given back once it has drained.
    if (this.count === 0 && this.items.length > MAX_KEPT) this.reset();
    return entry;
  }

  private reset(): void {
    this.items = new Array(INITIAL).fill(undefined);
    this.mask = INITIAL - 1;
    this.head = 0;
  }

  private grow(): void {
    const size = this.items.length * 2;
    const next: (PendingRequest | undefined)[] = new Array(size).fill(undefined);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.mask = size - 1;
    this.head = 0;
  }
}
