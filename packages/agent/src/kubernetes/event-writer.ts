// Writes what the event correlator decides: a new Event (POST), or a series count on an existing one
// (merge PATCH of events.k8s.io/v1 `series`), within a writes budget the process may share with its
// other writes (the node agent's announcing annotations come first: `reserve` tokens are left to them).
// Writes not allowed yet wait in the correlator, counted; a timer writes them when they are due.
import type { Logger } from '../log.ts';
import { type EventTarget, eventBody } from './event-body.ts';
import { type CorrelatorOptions, EventCorrelator, type PendingWrite } from './event-correlator.ts';
import { formatMicroTime } from './micro-time.ts';
import { isStatus, type KubeRest } from './rest.ts';
import type { TokenBucket } from './token-bucket.ts';

export interface EventWriterOptions {
  /** reportingController, e.g. purelb.io/allocator. */
  controller: string;
  /** reportingInstance: this process. */
  instance: string;
  logger: Logger;
  now?: () => number;
  /** The process's writes budget; events take a token each. Absent: only per-object buckets bound them. */
  budget?: TokenBucket;
  /** Tokens events must leave in the budget (other writes waiting for it). */
  reserve?: () => number;
  correlator?: Omit<CorrelatorOptions, 'now'>;
}

export interface EventToWrite {
  type: 'Normal' | 'Warning';
  reason: string;
  /** events.k8s.io's `action`. */
  action: string;
  note: string;
}

interface Payload {
  target: EventTarget;
  action: string;
}

/** A record's key part, kept while the record is: joined into one flat string. */
const subjectOf = (t: EventTarget): string =>
  [t.kind, '/', t.metadata.namespace ?? '', '/', t.metadata.name, '/', t.metadata.uid ?? ''].join('');

/** How often at most a line says how many occurrences the budget kept from the API server. */
const DROP_LOG_MS = 60_000;

export class EventWriter {
  readonly #rest: KubeRest;
  readonly #o: EventWriterOptions;
  readonly #now: () => number;
  readonly correlator: EventCorrelator<Payload>;
  #flushing: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #droppedLogged = 0;
  #droppedLogAt = Number.NEGATIVE_INFINITY;

  constructor(rest: KubeRest, options: EventWriterOptions) {
    this.#rest = rest;
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.correlator = new EventCorrelator<Payload>({ ...options.correlator, now: this.#now });
  }

  /** One occurrence of `e` about `target` (written now, later, or as a count, as the budget allows). */
  observe(target: EventTarget, e: EventToWrite): void {
    this.correlator.observe({
      subject: subjectOf(target),
      reason: e.reason,
      type: e.type,
      note: e.note.slice(0, 1024),
      payload: { target, action: e.action },
    });
  }

  /** Writes what is due within the budget; one flush at a time (a call during one runs once more after). */
  flush(): Promise<void> {
    if (this.#flushing !== undefined) {
      this.#again = true;
      return this.#flushing;
    }
    this.#flushing = (async () => {
      do {
        this.#again = false;
        await this.#writeDue();
      } while (this.#again);
    })().finally(() => {
      this.#flushing = undefined;
      this.#schedule();
    });
    return this.#flushing;
  }

  /** Stops the timer (pending writes are left unwritten). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #writeDue(): Promise<void> {
    const budget = this.#o.budget;
    const limit =
      budget === undefined
        ? Number.POSITIVE_INFINITY
        : Math.max(0, budget.available() - (this.#o.reserve?.() ?? 0));
    for (const w of this.correlator.due(limit)) {
      budget?.take();
      this.correlator.done(w, await this.#write(w));
    }
    this.#logDropped();
  }

  async #write(w: PendingWrite<Payload>): Promise<{ name: string } | 'gone' | 'failed'> {
    const s = w.series;
    const ns = encodeURIComponent(s.payload.target.metadata.namespace ?? 'default');
    const series = { count: w.count, lastObservedTime: formatMicroTime(s.lastMs) };
    try {
      if (w.kind === 'update') {
        const path = `/apis/events.k8s.io/v1/namespaces/${ns}/events/${encodeURIComponent(s.name as string)}`;
        await this.#rest.patch(path, { series }, 'merge');
        return { name: s.name as string };
      }
      const e = { type: s.type, reason: s.reason, action: s.payload.action, note: s.note };
      const body = eventBody(s.payload.target, e, this.#o.controller, this.#o.instance, s.firstMs);
      if (w.count > 1) body.series = series;
      const created = await this.#rest.create<{ metadata?: { name?: string } }>(
        `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
        body,
      );
      return { name: created?.metadata?.name ?? (body.metadata as { name: string }).name };
    } catch (err) {
      if (w.kind === 'update' && isStatus(err, 404)) return 'gone';
      this.#o.logger.error('event write failed', { event: s.reason, object: s.subject, reason: err });
      return 'failed';
    }
  }

  #schedule(): void {
    const due = this.correlator.nextDueIn();
    if (due === undefined) return;
    const budget = this.#o.budget;
    const wait = Math.max(due, budget?.msUntil((this.#o.reserve?.() ?? 0) + 1) ?? 0, 10);
    const at = this.#now() + wait;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      void this.flush();
    }, wait);
    this.#timer.unref();
  }

  #logDropped(): void {
    const dropped = this.correlator.dropped;
    const now = this.#now();
    if (dropped === this.#droppedLogged || now - this.#droppedLogAt < DROP_LOG_MS) return;
    this.#o.logger.info('events not posted: their objects went quiet before the writes budget allowed them', {
      reason: `${dropped - this.#droppedLogged} occurrences (the log above has each)`,
    });
    this.#droppedLogged = dropped;
    this.#droppedLogAt = now;
  }
}
