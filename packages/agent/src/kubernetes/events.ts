// Kubernetes events (events.k8s.io/v1) about any object, posted by one controller. The recorder
// remembers what it posted per object, so a condition that stays true (a Service that cannot get an
// address, retried every few seconds) is reported once, not at every retry; forgetting an object
// (it succeeded, or it is gone) lets the same event be posted again when the condition returns.
import { randomBytes } from 'node:crypto';
import type { ObjectMeta } from '@purelb-ts/core';
import type { Logger } from '../log.ts';
import { formatMicroTime } from './micro-time.ts';
import type { KubeRest } from './rest.ts';

export interface EventTarget {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

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
}

const objectKey = (o: EventTarget): string =>
  `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}/${o.metadata.uid ?? ''}`;

/** The events.k8s.io/v1 body for one event (the note is cut at the API server's 1 KiB limit). */
export function eventBody(
  target: EventTarget,
  e: ObjectEvent,
  controller: string,
  instance: string,
  nowMs: number,
): Record<string, unknown> {
  const ns = target.metadata.namespace ?? 'default';
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `${target.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
    eventTime: formatMicroTime(nowMs),
    reportingController: controller,
    reportingInstance: instance,
    action: e.action,
    reason: e.reason,
    note: e.note.slice(0, 1024),
    type: e.type,
    regarding: {
      apiVersion: target.apiVersion,
      kind: target.kind,
      namespace: ns,
      name: target.metadata.name,
      uid: target.metadata.uid,
      resourceVersion: target.metadata.resourceVersion,
    },
  };
}

export class EventRecorder {
  readonly #rest: KubeRest;
  readonly #o: EventRecorderOptions;
  readonly #now: () => number;
  /** object key → `reason\0note` posted and not forgotten since. */
  readonly #posted = new Map<string, Set<string>>();

  constructor(rest: KubeRest, options: EventRecorderOptions) {
    this.#rest = rest;
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Posts the event unless the same (object, reason, note) was posted since the object was last
   * forgotten; always logs it at first sight. A failed post is logged and not remembered, so the
   * next call tries again. Never throws.
   */
  async record(target: EventTarget, e: ObjectEvent): Promise<void> {
    const key = objectKey(target);
    const id = `${e.reason}\u0000${e.note}`;
    const seen = this.#posted.get(key);
    if (seen?.has(id)) return;
    const log = e.type === 'Warning' ? this.#o.logger.warn : this.#o.logger.info;
    log(e.note, { event: e.reason, [target.kind.toLowerCase()]: this.#name(target), ...e.fields });
    const ns = encodeURIComponent(target.metadata.namespace ?? 'default');
    try {
      await this.#rest.create(
        `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
        eventBody(target, e, this.#o.controller, this.#o.instance, this.#now()),
      );
    } catch (err) {
      this.#o.logger.error('event post failed', { event: e.reason, object: key, reason: err });
      return;
    }
    if (seen === undefined) this.#posted.set(key, new Set([id]));
    else seen.add(id);
  }

  /** Drops the memory of an object's events (its condition cleared, or it was deleted). */
  forget(target: EventTarget): void {
    this.#posted.delete(objectKey(target));
  }

  /** Drops memory of one reason for an object (e.g. AllocationFailed once the allocation succeeds). */
  forgetReason(target: EventTarget, reason: string): void {
    const seen = this.#posted.get(objectKey(target));
    if (seen === undefined) return;
    for (const id of seen) if (id.startsWith(`${reason}\u0000`)) seen.delete(id);
    if (seen.size === 0) this.#posted.delete(objectKey(target));
  }

  #name(target: EventTarget): string {
    const ns = target.metadata.namespace;
    return ns === undefined ? target.metadata.name : `${ns}/${target.metadata.name}`;
  }
}
