// The events.k8s.io/v1 body of one Event about any object (shared by the agent and the allocator).
import { randomBytes } from 'node:crypto';
import type { ObjectMeta } from '@purelb-ts/core';
import { formatMicroTime } from './micro-time.ts';

export interface EventTarget {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

/** The body for one event first seen at `nowMs` (the note is cut at the API server's 1 KiB limit). */
export function eventBody(
  target: EventTarget,
  e: { type: 'Normal' | 'Warning'; reason: string; action: string; note: string },
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
