// When this node writes its slots in a Service's purelb.io/announcing-IPv4/-IPv6 annotations. Other
// nodes and the allocator read them, so two kinds of change are written at once:
// - a first announcement: this node takes an address it has not announced for that Service lately;
// - a release: this node no longer places an address at all (another node won it, it was fenced, the
//   Service let it go): the next holder waits for that slot to go before it takes the address.
// Every other change (the same address moving between interfaces, falling back to the virtual
// interface while a default route is missing, a re-announcement of an address held a moment ago, a
// stale slot to clean) is coalesced: written only once it has stood for the coalescing window, so a
// flap (A→B→A inside the window) writes nothing, and then only as the writes budget allows.
import { announcingAnnotation, parseAnnouncing } from '@purelb-ts/core';

export interface CoalescerOptions {
  node: string;
  now: () => number;
  /** How long a coalesced change must stand before it is written. Default 5 s. */
  windowMs?: number;
  /** An address this node announced for a Service within this long is not a first announcement. Default 120 s. */
  recentMs?: number;
}

export type AnnouncingValues = { 4: string | undefined; 6: string | undefined };

/** now: write at once; due: a coalesced change has stood its window (write as the budget allows);
 * wait: coalesced, not due yet; none: nothing to write. */
export type WriteDecision = 'now' | 'due' | 'wait' | 'none';

/** This node's slots in both annotations: ip → interface. */
function mine(node: string, values: AnnouncingValues): Map<string, string> {
  const out = new Map<string, string>();
  for (const family of [4, 6] as const) {
    for (const s of parseAnnouncing(values[family])) if (s.node === node) out.set(s.ip, s.interface);
  }
  return out;
}

export class AnnouncingCoalescer {
  readonly #o: CoalescerOptions;
  readonly #windowMs: number;
  readonly #recentMs: number;
  /** Service key → since when a coalesced change has been waiting. */
  readonly #pending = new Map<string, number>();
  /** Service key → ip → when this node last announced it there (read or written). */
  readonly #recent = new Map<string, Map<string, number>>();

  constructor(o: CoalescerOptions) {
    this.#o = o;
    this.#windowMs = o.windowMs ?? 5000;
    this.#recentMs = o.recentMs ?? 120_000;
  }

  /** Coalesced changes waiting. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Decides for Service `key` whose stored annotations are `have`, this node wanting `want`;
   * `placed`: the addresses of the Service this node still places (any interface).
   */
  decide(
    key: string,
    have: Readonly<Record<string, string>>,
    want: AnnouncingValues,
    placed: ReadonlySet<string>,
  ): WriteDecision {
    const now = this.#o.now();
    const stored: AnnouncingValues = { 4: have[announcingAnnotation(4)], 6: have[announcingAnnotation(6)] };
    const recent = this.#recentOf(key, now);
    const haveMine = mine(this.#o.node, stored);
    for (const ip of haveMine.keys()) recent.set(ip, now);
    if (recent.size === 0) this.#recent.delete(key);
    if (stored[4] === want[4] && stored[6] === want[6]) {
      this.#pending.delete(key);
      return 'none';
    }
    const wantMine = mine(this.#o.node, want);
    const first = [...wantMine.keys()].some((ip) => !haveMine.has(ip) && !recent.has(ip));
    const release = [...haveMine.keys()].some((ip) => !wantMine.has(ip) && !placed.has(ip));
    if (first || release) return 'now';
    const since = this.#pending.get(key);
    if (since === undefined) this.#pending.set(key, now);
    return since !== undefined && now - since >= this.#windowMs ? 'due' : 'wait';
  }

  /** `want` was written for `key`. */
  wrote(key: string, want: AnnouncingValues): void {
    this.#pending.delete(key);
    const now = this.#o.now();
    const recent = this.#recentOf(key, now);
    for (const ip of mine(this.#o.node, want).keys()) recent.set(ip, now);
    if (recent.size === 0) this.#recent.delete(key);
  }

  /** Milliseconds until the earliest coalesced change is due (undefined: none waits). */
  nextDueIn(): number | undefined {
    let oldest: number | undefined;
    for (const since of this.#pending.values())
      oldest = oldest === undefined ? since : Math.min(oldest, since);
    return oldest === undefined ? undefined : Math.max(0, oldest + this.#windowMs - this.#o.now());
  }

  /** Forgets Services not in `keys` (deleted). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#pending.keys()) if (!keys.has(key)) this.#pending.delete(key);
    for (const key of this.#recent.keys()) if (!keys.has(key)) this.#recent.delete(key);
  }

  /** The recent announcements of `key`, those older than recentMs dropped. */
  #recentOf(key: string, now: number): Map<string, number> {
    let recent = this.#recent.get(key);
    if (recent === undefined) {
      recent = new Map();
      this.#recent.set(key, recent);
    }
    for (const [ip, at] of recent) if (now - at >= this.#recentMs) recent.delete(ip);
    return recent;
  }
}
