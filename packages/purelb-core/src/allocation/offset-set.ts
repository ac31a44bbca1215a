// The used addresses of one pool as a sorted array of offsets from the pool's first address.
// Sorted offsets make "lowest free" a binary search: offsets are distinct, so used[i] >= i, and the
// first index where used[i] !== i is the first gap. Insert and delete are a binary search plus one
// memmove. Pools that fit in a double's exact range (every IPv4 pool, IPv6 pools up to 2^53) keep
// the offsets in a Float64Array, which moves and sorts natively and makes no garbage; larger IPv6
// pools keep a sorted bigint array.

const MAX_EXACT = 2n ** 53n;

export interface OffsetSet {
  readonly size: number;
  has(offset: bigint): boolean;
  /** Returns false when the offset was already present. */
  add(offset: bigint): boolean;
  /** Returns false when the offset was absent. */
  delete(offset: bigint): boolean;
  /** Replaces the content in one sort, for rebuilding tens of thousands of entries at once. */
  load(offsets: Iterable<bigint>): void;
  /** The lowest offset in [0, capacity) not in the set, or undefined when all are used. */
  firstFree(capacity: bigint): bigint | undefined;
  /** The offsets in ascending order. */
  values(): bigint[];
}

/** The index for a pool of `capacity` addresses. */
export const offsetSetFor = (capacity: bigint): OffsetSet =>
  capacity <= MAX_EXACT ? new NumberOffsetSet() : new BigOffsetSet();

/** Index of the first entry >= x in used[0..length). */
function lowerBound<T>(used: ArrayLike<T>, length: number, x: T): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((used[mid] as T) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class NumberOffsetSet implements OffsetSet {
  #used = new Float64Array(16);
  #length = 0;

  get size(): number {
    return this.#length;
  }

  has(offset: bigint): boolean {
    const x = Number(offset);
    const at = lowerBound(this.#used, this.#length, x);
    return at < this.#length && this.#used[at] === x;
  }

  add(offset: bigint): boolean {
    const x = Number(offset);
    const at = lowerBound(this.#used, this.#length, x);
    if (at < this.#length && this.#used[at] === x) return false;
    if (this.#length === this.#used.length) {
      const grown = new Float64Array(this.#used.length * 2);
      grown.set(this.#used);
      this.#used = grown;
    }
    this.#used.copyWithin(at + 1, at, this.#length);
    this.#used[at] = x;
    this.#length++;
    return true;
  }

  delete(offset: bigint): boolean {
    const x = Number(offset);
    const at = lowerBound(this.#used, this.#length, x);
    if (at >= this.#length || this.#used[at] !== x) return false;
    this.#used.copyWithin(at, at + 1, this.#length);
    this.#length--;
    return true;
  }

  load(offsets: Iterable<bigint>): void {
    const all = Float64Array.from(offsets, Number).sort();
    let n = 0;
    for (let i = 0; i < all.length; i++) if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i] as number;
    this.#used = new Float64Array(Math.max(16, n * 2));
    this.#used.set(all.subarray(0, n));
    this.#length = n;
  }

  firstFree(capacity: bigint): bigint | undefined {
    const used = this.#used;
    // Invariant: used[i] === i for every i < lo; the answer is the first index where it breaks.
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (used[mid] === mid) lo = mid + 1;
      else hi = mid;
    }
    const free = BigInt(lo);
    return free < capacity ? free : undefined;
  }

  values(): bigint[] {
    return Array.from(this.#used.subarray(0, this.#length), (x) => BigInt(x));
  }
}

export class BigOffsetSet implements OffsetSet {
  #used: bigint[] = [];

  get size(): number {
    return this.#used.length;
  }

  has(offset: bigint): boolean {
    return this.#used[lowerBound(this.#used, this.#used.length, offset)] === offset;
  }

  add(offset: bigint): boolean {
    const at = lowerBound(this.#used, this.#used.length, offset);
    if (this.#used[at] === offset) return false;
    this.#used.splice(at, 0, offset);
    return true;
  }

  delete(offset: bigint): boolean {
    const at = lowerBound(this.#used, this.#used.length, offset);
    if (this.#used[at] !== offset) return false;
    this.#used.splice(at, 1);
    return true;
  }

  load(offsets: Iterable<bigint>): void {
    this.#used = [...new Set(offsets)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  firstFree(capacity: bigint): bigint | undefined {
    const used = this.#used;
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

  values(): bigint[] {
    return [...this.#used];
  }
}
