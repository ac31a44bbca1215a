// A clock that runs only while its owner is in contact with the API server. Lease expiry measured
// on it counts only the silence the owner could have heard: during an outage (or while its Lease
// watch is stalled) no peer lapses, so nobody takes an address over on the strength of missing
// news. Invariant: read() never goes backwards and advances exactly by the connected time.
export class ContactClock {
  #lostAt: number | undefined;
  /** Total time spent out of contact, excluding the current spell. */
  #pausedMs = 0;

  /** `now`: any monotonic clock in ms (the same one for every call). */
  constructor(now: number, inContact = true) {
    if (!inContact) this.#lostAt = now;
  }

  get inContact(): boolean {
    return this.#lostAt === undefined;
  }

  /** Records whether the owner is in contact at `now`. Idempotent. */
  set(inContact: boolean, now: number): void {
    if (inContact && this.#lostAt !== undefined) {
      this.#pausedMs += Math.max(0, now - this.#lostAt);
      this.#lostAt = undefined;
    } else if (!inContact && this.#lostAt === undefined) {
      this.#lostAt = now;
    }
  }

  /** The contact time at `now`. */
  read(now: number): number {
    return (this.#lostAt ?? now) - this.#pausedMs;
  }
}
