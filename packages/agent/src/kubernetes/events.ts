// Kubernetes events (events.k8s.io/v1) about any object, posted by one controller (the allocator).
// A condition that stays true (a Service that cannot get an address, retried every few seconds) is
// one occurrence, not one at every retry; forgetting it (it cleared) makes its return a new
// occurrence. Occurrences go through the event writer's correlator: a repeat within its window is a
// count on the Event already posted, not a new Event, and a token bucket per object and one for the
// process bound the writes.
import type { Logger } from '../log.ts';
import type { EventTarget } from './event-body.ts';
import { EventWriter, type EventWriterOptions } from './event-writer.ts';
import type { KubeRest } from './rest.ts';
import { TokenBucket } from './token-bucket.ts';

export { type EventTarget, eventBody } from './event-body.ts';

export interface ObjectEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  /** What the controller did or tried: events.k8s.io's `action`. */
  action: string;
  note: string;
  /** Extra log fields (service, ip, pool, reason...). */
  fields?: Record<string, unknown>;
}

export interface EventRecorderOptions {
  /** reportingController, e.g. purelb.io/allocator. */
  controller: string;
  /** reportingInstance: this process (pod name). */
  instance: string;
  logger: Logger;
  now?: () => number;
  /** The process's event writes budget. Default: burst 25, one more every 2 s. */
  budget?: TokenBucket;
  correlator?: EventWriterOptions['correlator'];
}

const objectKey = (o: EventTarget): string =>
  `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}/${o.metadata.uid ?? ''}`;

export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly writer: EventWriter;
  /** object key → `reason\0note` true since it was last recorded and not forgotten since. */
  readonly #active = new Map<string, Set<string>>();

  constructor(rest: KubeRest, options: EventRecorderOptions) {
    this.#o = options;
    const now = options.now ?? Date.now;
    this.writer = new EventWriter(rest, {
      controller: options.controller,
      instance: options.instance,
      logger: options.logger,
      now,
      budget: options.budget ?? new TokenBucket(25, 2000, now),
      ...(options.correlator === undefined ? {} : { correlator: options.correlator }),
    });
  }

  /**
   * One occurrence, unless the same (object, reason, note) is still true since it was last recorded
   * (not forgotten since); logged at each occurrence, written as the correlator and budget allow.
   * Never throws: a failed write is logged and retried by the writer.
   */
  async record(target: EventTarget, e: ObjectEvent): Promise<void> {
    const key = objectKey(target);
    const id = `${e.reason}\u0000${e.note}`;
    const active = this.#active.get(key);
    if (active?.has(id)) return;
    if (active === undefined) this.#active.set(key, new Set([id]));
    else active.add(id);
    const log = e.type === 'Warning' ? this.#o.logger.warn : this.#o.logger.info;
    log(e.note, { event: e.reason, [target.kind.toLowerCase()]: this.#name(target), ...e.fields });
    this.writer.observe(target, e);
    await this.writer.flush();
  }

  /** The object's conditions cleared (or it was deleted): each may occur again. */
  forget(target: EventTarget): void {
    this.#active.delete(objectKey(target));
  }

  /** One reason cleared for an object (e.g. AllocationFailed once the allocation succeeds). */
  forgetReason(target: EventTarget, reason: string): void {
    const active = this.#active.get(objectKey(target));
    if (active === undefined) return;
    for (const id of active) if (id.startsWith(`${reason}\u0000`)) active.delete(id);
    if (active.size === 0) this.#active.delete(objectKey(target));
  }

  #name(target: EventTarget): string {
    const ns = target.metadata.namespace;
    return ns === undefined ? target.metadata.name : `${ns}/${target.metadata.name}`;
  }
}
