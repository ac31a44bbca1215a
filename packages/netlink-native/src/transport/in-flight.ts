// The requests in flight, found by the seq of a reply. A table indexed by the low bits of the seq
// rather than a Map: the connection hands out seqs in order and skips any whose slot is still
// taken, so a lookup is one array load and a compare, and nothing is allocated per request. The
// table stays at most half full (it doubles before that), so a free slot is always near.
import type { PendingRequest } from './pending.ts';

const INITIAL = 64;

export class InFlightTable {
  private slots: (PendingRequest | undefined)[];
  private mask: number;
  private count = 0;

  /** `expected`: how many requests are usually in flight at most (the window), to size the table once. */
  constructor(expected: number) {
    let size = INITIAL;
    while (size < expected * 2 && size < 1 << 14) size *= 2;
    this.slots = new Array(size).fill(undefined);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The request waiting for `seq`, if any. */
  get(seq: number): PendingRequest | undefined {
    const entry = this.slots[seq & this.mask];
    return entry !== undefined && entry.seq === seq ? entry : undefined;
  }

  /** Whether a new request could not take `seq` now (its slot is in use). */
  taken(seq: number): boolean {
    return this.slots[seq & this.mask] !== undefined;
  }

  /** Adds a request whose seq is not taken (see `taken`). */
  add(entry: PendingRequest): void {
    this.slots[entry.seq & this.mask] = entry;
    this.count++;
    if (this.count * 2 > this.slots.length) this.grow();
  }

  delete(entry: PendingRequest): void {
    const at = entry.seq & this.mask;
    if (this.slots[at] === entry) {
      this.slots[at] = undefined;
      this.count--;
    }
  }

  /** Every request in flight (a copy: the caller may settle them while walking it). */
  values(): PendingRequest[] {
    const out: PendingRequest[] = [];
    for (const entry of this.slots) if (entry !== undefined) out.push(entry);
    return out.sort((a, b) => a.token - b.token || a.seq - b.seq);
  }

  clear(): void {
    this.slots.fill(undefined);
    this.count = 0;
  }

  /** Doubles the table; distinct slots stay distinct, since the new mask keeps every old bit. */
  private grow(): void {
    const old = this.slots;
    this.slots = new Array(old.length * 2).fill(undefined);
    this.mask = this.slots.length - 1;
    for (const entry of old) if (entry !== undefined) this.slots[entry.seq & this.mask] = entry;
  }
}
