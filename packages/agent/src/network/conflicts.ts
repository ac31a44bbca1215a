// Addresses another host on the segment answered for: an ARP probe or IPv6 duplicate-address-detection
// solicitation sent before the first claim got an answer, or the kernel's own DAD failed after the add.
// The core never places them (DesiredInput.conflicts); this remembers them and when to look again, with
// a doubling backoff so a real conflict costs a probe now and then, not an add/delete loop (the kernel
// deletes a non-permanent address whose DAD fails: re-adding it at once looped 45 times in 24 s).
export interface ConflictRecord {
  /** What answered, in words ("ARP reply from 52:54:00:aa:bb:cc", "duplicate address detection failed"). */
  evidence: string;
  /** Milliseconds since the epoch: not claimed again before this. */
  until: number;
  attempts: number;
  /** When the conflict was first seen (cleared by a clean probe). */
  since: number;
}

export interface ConflictBackoff {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_CONFLICT_BACKOFF: ConflictBackoff = { firstMs: 2_000, maxMs: 60_000 };

export class AddressConflicts {
  readonly #by = new Map<string, ConflictRecord>();
  readonly #now: () => number;
  readonly #backoff: ConflictBackoff;

  constructor(now: () => number = Date.now, backoff: ConflictBackoff = DEFAULT_CONFLICT_BACKOFF) {
    this.#now = now;
    this.#backoff = backoff;
  }

  /** Someone answered for `ip`: held back for the next backoff step. Returns true when it is news. */
  record(ip: string, evidence: string): boolean {
    const now = this.#now();
    const prev = this.#by.get(ip);
    const attempts = (prev?.attempts ?? 0) + 1;
    const wait = Math.min(this.#backoff.maxMs, this.#backoff.firstMs * 2 ** (attempts - 1));
    this.#by.set(ip, { evidence, until: now + wait, attempts, since: prev?.since ?? now });
    return prev === undefined || prev.evidence !== evidence;
  }

  /** A clean probe (nobody answered) or a completed DAD: the address is free to claim. */
  clear(ip: string): void {
    this.#by.delete(ip);
  }

  /** The addresses held back now, with what answered (for DesiredInput.conflicts). */
  active(): Map<string, string> {
    const now = this.#now();
    const out = new Map<string, string>();
    for (const [ip, r] of this.#by) if (r.until > now) out.set(ip, r.evidence);
    return out;
  }

  /** Every recorded conflict, held back or due for another look. */
  entries(): [string, ConflictRecord][] {
    return [...this.#by];
  }

  /** Milliseconds until the earliest held-back address may be probed again; undefined when none is. */
  nextRetryIn(): number | undefined {
    const now = this.#now();
    let next: number | undefined;
    for (const r of this.#by.values())
      if (r.until > now && (next === undefined || r.until < next)) next = r.until;
    return next === undefined ? undefined : next - now;
  }
}
