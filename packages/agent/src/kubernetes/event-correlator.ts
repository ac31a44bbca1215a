// Counts, not copies: what the agent and the allocator tell the API server about repeated events
// (the idea of client-go's event correlator, written for events.k8s.io/v1's `series`). Pure: it
// decides, the caller writes (event-writer.ts) and reports back.
//
// - A record per (object, reason). An occurrence of a note already posted for it within the window
//   (10 min since the record was last seen) adds to that Event's series count; the count reaches the
//   API server as one PATCH per Event per update interval at most, however many occurrences.
// - The first few distinct notes of a record get an Event each; the rest are combined into one Event
//   ("(combined from similar events): ...") whose count they increase, so notes that differ only in
//   details (an address, a port) never cost more than a handful of Events.
// - Per object, a token bucket bounds the writes (creates and updates) whatever the reasons.
// - Records idle for the window are dropped, and at most maxRecords are kept (least recently seen
//   dropped first): memory stays bounded under any churn.
import { TokenBucket } from './token-bucket.ts';

export interface CorrelatorOptions {
  now: () => number;
  /** A series continues while its record is seen again within this long. Default 10 min. */
  windowMs?: number;
  /** At most one count update per Event this often. Default 60 s. */
  updateIntervalMs?: number;
  /** Distinct notes per (object, reason) that get their own Event; later ones are combined. Default 3. */
  maxNotes?: number;
  /** Per-object token bucket: burst (default 25) and one token per refillMs (default 5 min). */
  objectBurst?: number;
  objectRefillMs?: number;
  /** Records kept at most. Default 4096. */
  maxRecords?: number;
}

export interface Occurrence<P> {
  /** The object the event is about, as a unique key. */
  subject: string;
  reason: string;
  type: 'Normal' | 'Warning';
  note: string;
  /** What the writer needs to build the Event (the object reference, the action). */
  payload: P;
}

/** One Event and the occurrences it stands for. */
export interface Series<P> {
  readonly subject: string;
  readonly reason: string;
  readonly type: 'Normal' | 'Warning';
  readonly note: string;
  readonly payload: P;
  /** The Event's name once created. */
  name: string | undefined;
  count: number;
  /** The count the API server holds (0: no Event yet). */
  written: number;
  firstMs: number;
  lastMs: number;
  /** Not written again before this (update interval, retry after a failure). */
  notBefore: number;
  inFlight: boolean;
}

export interface PendingWrite<P> {
  series: Series<P>;
  kind: 'create' | 'update';
  /** The count this write carries. */
  count: number;
}

interface Rec<P> {
  lastMs: number;
  notes: Map<string, Series<P>>;
  combined: Series<P> | undefined;
}

export const COMBINED_PREFIX = '(combined from similar events): ';

export class EventCorrelator<P> {
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #updateMs: number;
  readonly #maxNotes: number;
  readonly #burst: number;
  readonly #refillMs: number;
  readonly #maxRecords: number;
  /** subject\0reason → record, least recently seen first. */
  readonly #records = new Map<string, Rec<P>>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #pending = new Set<Series<P>>();
  /** Occurrences dropped with their record before any Event carried them. */
  dropped = 0;

  constructor(o: CorrelatorOptions) {
    this.#now = o.now;
    this.#windowMs = o.windowMs ?? 600_000;
    this.#updateMs = o.updateIntervalMs ?? 60_000;
    this.#maxNotes = o.maxNotes ?? 3;
    this.#burst = o.objectBurst ?? 25;
    this.#refillMs = o.objectRefillMs ?? 300_000;
    this.#maxRecords = o.maxRecords ?? 4096;
  }

  /** Records kept now. */
  get size(): number {
    return this.#records.size;
  }

  /** One occurrence: a new Event to create, or one more in an existing Event's count. */
  observe(o: Occurrence<P>): void {
    const now = this.#now();
    this.#evict(now);
    const key = [o.subject, '\u0000', o.reason].join(''); // kept: one flat string
    let rec = this.#records.get(key);
    if (rec === undefined) rec = { lastMs: now, notes: new Map(), combined: undefined };
    this.#records.delete(key); // re-inserted last: the map stays in order of last sight
    this.#records.set(key, rec);
    rec.lastMs = now;
    let series = rec.notes.get(o.note);
    if (series === undefined && rec.notes.size < this.#maxNotes) {
      series = this.#series(o, o.note, now);
      rec.notes.set(o.note, series);
    } else if (series === undefined) {
      rec.combined ??= this.#series(o, `${COMBINED_PREFIX}${o.note}`, now);
      series = rec.combined;
    }
    series.count++;
    series.lastMs = now;
    this.#pending.add(series);
    while (this.#records.size > this.#maxRecords) this.#dropOldest();
  }

  /**
   * The writes due now, at most `limit`, Warnings before Normal events and creates before count
   * updates, oldest first; each takes a token from its object's bucket and is in flight until done().
   */
  due(limit: number): PendingWrite<P>[] {
    const now = this.#now();
    this.#evict(now);
    const ready = [...this.#pending].filter((s) => !s.inFlight && now >= s.notBefore);
    ready.sort(
      (a, b) =>
        Number(a.name !== undefined) - Number(b.name !== undefined) ||
        Number(a.type !== 'Warning') - Number(b.type !== 'Warning') ||
        a.firstMs - b.firstMs,
    );
    const out: PendingWrite<P>[] = [];
    for (const s of ready) {
      if (out.length >= limit) break;
      if (!this.#bucket(s.subject).take()) continue;
      s.inFlight = true;
      out.push({ series: s, kind: s.name === undefined ? 'create' : 'update', count: s.count });
    }
    return out;
  }

  /**
   * A write's outcome: `name` of the Event written; 'gone' when the Event no longer exists (expired
   * on the API server: the next write creates it again); 'failed' to retry after the interval.
   */
  done(w: PendingWrite<P>, outcome: { name: string } | 'gone' | 'failed'): void {
    const s = w.series;
    const now = this.#now();
    s.inFlight = false;
    if (outcome === 'gone') {
      s.name = undefined;
      s.written = 0;
      s.notBefore = now;
    } else if (outcome === 'failed') {
      s.notBefore = now + this.#updateMs;
    } else {
      s.name = outcome.name;
      s.written = w.count;
      s.notBefore = now + this.#updateMs;
    }
    if (s.count > s.written) this.#pending.add(s);
    else this.#pending.delete(s);
  }

  /** Milliseconds until the next write may be due (undefined: nothing pending). */
  nextDueIn(): number | undefined {
    const now = this.#now();
    let next: number | undefined;
    for (const s of this.#pending) {
      if (s.inFlight) continue;
      const at = Math.max(s.notBefore - now, this.#bucket(s.subject).msUntil(), 0);
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }

  #series(o: Occurrence<P>, note: string, now: number): Series<P> {
    return {
      subject: o.subject,
      reason: o.reason,
      type: o.type,
      note,
      payload: o.payload,
      name: undefined,
      count: 0,
      written: 0,
      firstMs: now,
      lastMs: now,
      notBefore: now,
      inFlight: false,
    };
  }

  #bucket(subject: string): TokenBucket {
    let b = this.#buckets.get(subject);
    if (b === undefined) {
      b = new TokenBucket(this.#burst, this.#refillMs, this.#now);
      this.#buckets.set(subject, b);
    }
    return b;
  }

  /** Drops records not seen for the window (they are first in the map), then full buckets. */
  #evict(now: number): void {
    for (const [key, rec] of this.#records) {
      if (now - rec.lastMs < this.#windowMs) break;
      this.#drop(key, rec);
    }
    if (this.#buckets.size > this.#maxRecords) {
      for (const [subject, b] of this.#buckets) if (b.full()) this.#buckets.delete(subject);
    }
  }

  #dropOldest(): void {
    const first = this.#records.entries().next();
    if (!first.done) this.#drop(first.value[0], first.value[1]);
  }

  #drop(key: string, rec: Rec<P>): void {
    this.#records.delete(key);
    for (const s of [...rec.notes.values(), ...(rec.combined === undefined ? [] : [rec.combined])]) {
      if (s.written === 0) this.dropped += s.count;
      this.#pending.delete(s);
    }
  }
}
