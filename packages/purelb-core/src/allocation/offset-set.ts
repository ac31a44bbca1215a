// The used addresses of one pool as a sorted array of offsets from the pool's first address.
// Sorted offsets make "lowest free" a binary search: offsets are distinct, so used[i] >= i, and the
// first index where used[i] !== i is the first gap. Insert and delete are a binary search plus one
// splice (a memmove), which stays in the microseconds at tens of thousands of entries.

export class OffsetSet {
  #used: bigint[] = [];

  get size(): number {
    return this.#used.length;
  }

  /** Index of the first entry >= offset. */
  #lowerBound(offset: bigint): number {
    let lo = 0;
    let hi = this.#used.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#used[mid] as bigint) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(offset: bigint): boolean {
    return this.#used[this.#lowerBound(offset)] === offset;
  }

  /** Returns false when the offset was already present. */
  add(offset: bigint): boolean {
    const at = this.#lowerBound(offset);
    if (this.#used[at] === offset) return false;
    this.#used.splice(at, 0, offset);
    return true;
  }

  /** Returns false when the offset was absent. */
  delete(offset: bigint): boolean {
    const at = this.#lowerBound(offset);
    if (this.#used[at] !== offset) return false;
    this.#used.splice(at, 1);
    return true;
  }

  /** Replaces the content in one sort, for rebuilding tens of thousands of entries at once. */
  load(offsets: Iterable<bigint>): void {
    const sorted = [...new Set(offsets)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.#used = sorted;
  }

  /** The lowest offset in [0, capacity) not in the set, or undefined when all are used. */
  firstFree(capacity: bigint): bigint | undefined {
    const used = this.#used;
    // Invariant: used[i] === i for every i < lo; the answer is the first index where it breaks.
    let lo = 0;
    let hi = used.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (used[mid] === BigInt(mid)) lo = mid + 1;
      else hi = mid;
    }
    const free = BigInt(lo);
    return free < capacity ? free : undefined;
  }

  values(): readonly bigint[] {
    return this.#used;
  }
}
