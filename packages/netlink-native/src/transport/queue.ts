// A FIFO of requests waiting for room in the window. An array with a moving head: push and shift
// are O(1) and 100,000 queued requests cost one array, not 100,000 list nodes.
import type { PendingRequest } from './pending.ts';

export class RequestQueue {
  private items: (PendingRequest | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(entry: PendingRequest): void {
    this.items.push(entry);
  }

  /** Puts a request back at the front (a dump being retried goes before later requests). */
  unshift(entry: PendingRequest): void {
    if (this.head > 0) this.items[--this.head] = entry;
    else this.items.unshift(entry);
  }

  peek(): PendingRequest | undefined {
    return this.items[this.head];
  }

  shift(): PendingRequest | undefined {
    if (this.head >= this.items.length) return undefined;
    const entry = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return entry;
  }
}
