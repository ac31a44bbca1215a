// Writes the allocator's two Service conditions (service-conditions.ts) where they changed. Services
// are marked dirty (their reconcile settled with no write, an EndpointSlice of theirs changed, or the
// cluster's announce inputs changed: members, refusals, LBNodeAgents, Node addresses, groups) and a
// pass decides each dirty one against one snapshot of those inputs. Invariants:
//   - a write is made only when a condition's status, reason, message or observedGeneration differs
//     from what the Service shows; lastTransitionTime moves only when its status does;
//   - the patch is a strategic merge on /status, merged by type: other controllers' conditions stay;
//   - writes take a token from their own bucket; an empty bucket ends the pass, which is run again
//     once a token is back (the Services stay dirty meanwhile);
//   - what the Service shows is kept per object as a digest (a few dozen bytes), not as the
//     conditions, so the allocator's cache of 10k Services stays small.
import {
  type AnnounceContext,
  type AnnounceSlot,
  handlesService,
  type Service,
  serviceKey,
  serviceSlots,
} from '@purelb-ts/core';
import { projectService } from '../kubernetes/project.ts';
import type { KubeRest } from '../kubernetes/rest.ts';
import type { TokenBucket } from '../kubernetes/token-bucket.ts';
import type { Logger } from '../log.ts';
import type { AllocatorMetrics } from './metrics.ts';
import {
  type AllocationRefusal,
  allocatedVerdict,
  announcedVerdict,
  CONDITION_ALLOCATED,
  CONDITION_ANNOUNCED,
  CONDITION_TYPES,
  type ConditionType,
  type NodeRefusal,
  type ServiceCondition,
  type Verdict,
} from './service-conditions.ts';
import { servicePath } from './service-writes.ts';

/** One condition as a Service shows it: its status, when that last changed, and a sum of the rest. */
interface Seen {
  status: string;
  time: string;
  sum: string;
}

/**
 * What each cached Service shows of our conditions (set by projectConditionedService), as one string
 * per Service: per type in CONDITION_TYPES order `status \u0001 time \u0001 sum`, joined by \u0002,
 * empty for a type it does not show. One string instead of three objects: 10k Services keep ~1 MB.
 */
const seenOn = new WeakMap<Service, string>();

function seenOf(svc: Service): Partial<Record<ConditionType, Seen>> | undefined {
  const text = seenOn.get(svc);
  if (text === undefined) return undefined;
  const out: Partial<Record<ConditionType, Seen>> = {};
  text.split('\u0002').forEach((part, i) => {
    const [status, time, sum] = part.split('\u0001');
    const type = CONDITION_TYPES[i];
    if (type !== undefined && sum !== undefined) out[type] = { status: status ?? '', time: time ?? '', sum };
  });
  return out;
}

/** FNV-1a, twice with different seeds: 16 hex digits telling one condition text from another. */
function digest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x811c9dc5 | 1) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

const sumOf = (c: { status?: unknown; reason?: unknown; message?: unknown; observedGeneration?: unknown }) =>
  digest(`${c.status}\u0000${c.reason}\u0000${c.message}\u0000${c.observedGeneration ?? ''}`);

const isOurs = (t: unknown): t is ConditionType => CONDITION_TYPES.includes(t as ConditionType);

/** projectService, remembering a digest of the purelb.io/ conditions the Service shows. */
export function projectConditionedService(raw: unknown): Service {
  const svc = projectService(raw);
  const list = (raw as { status?: { conditions?: unknown } } | undefined)?.status?.conditions;
  if (!Array.isArray(list)) return svc;
  const seen: Partial<Record<ConditionType, string>> = {};
  for (const c of list as Record<string, unknown>[]) {
    if (isOurs(c?.type)) seen[c.type] = `${c.status}\u0001${c.lastTransitionTime}\u0001${sumOf(c)}`;
  }
  if (Object.keys(seen).length > 0) seenOn.set(svc, CONDITION_TYPES.map((t) => seen[t] ?? '').join('\u0002'));
  return svc;
}

/** metav1.Time: RFC 3339 to the second. */
const metaTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The conditions to write for `desired`, or undefined when the Service already shows them. */
export function conditionsToWrite(
  svc: Service,
  desired: Record<ConditionType, Verdict>,
  nowMs: number,
): ServiceCondition[] | undefined {
  const seen = seenOf(svc);
  const generation = svc.metadata.generation;
  let changed = false;
  const out = CONDITION_TYPES.map((type): ServiceCondition => {
    const v = desired[type];
    const c = { type, ...v, ...(generation === undefined ? {} : { observedGeneration: generation }) };
    const had = seen?.[type];
    if (had?.sum !== sumOf(c)) changed = true;
    const time = had !== undefined && had.status === v.status ? had.time : metaTime(nowMs);
    return { ...c, lastTransitionTime: time };
  });
  return changed ? out : undefined;
}

interface Write {
  conditions: Record<string, unknown>[];
  sum: string;
}

/** The inputs one pass decides against (built once per pass by the controller). */
export interface ConditionWorld {
  ctx: Omit<AnnounceContext, 'slots'>;
  refusalsOf: (ip: string) => readonly NodeRefusal[];
}

export interface ConditionsPassDeps {
  rest: KubeRest;
  metrics: AllocatorMetrics;
  logger: Logger;
  budget: TokenBucket;
  defaultAnnouncer: boolean;
  now?: () => number;
}

export class ConditionsPass {
  readonly #d: ConditionsPassDeps;
  readonly #dirty = new Set<string>();
  /** The last refusal of each Service whose allocation was refused. */
  readonly #refusals = new Map<string, AllocationRefusal>();
  /** By Service: the sum last written and the resourceVersion it was written over (the cache may lag). */
  readonly #written = new Map<string, { over: string | undefined; sum: string }>();

  constructor(deps: ConditionsPassDeps) {
    this.#d = deps;
  }

  get pending(): boolean {
    return this.#dirty.size > 0;
  }

  mark(key: string): void {
    this.#dirty.add(key);
  }

  /** The allocation outcome of a Service: its refusal, or undefined once allocated. */
  refused(key: string, refusal: AllocationRefusal | undefined): void {
    if (refusal === undefined) this.#refusals.delete(key);
    else this.#refusals.set(key, refusal);
  }

  /** The Service is gone: nothing of it is kept. */
  forget(key: string): void {
    this.#dirty.delete(key);
    this.#refusals.delete(key);
    this.#written.delete(key);
  }

  /**
   * Decides every dirty Service and writes what changed. Resolves with 0 when nothing is left, or
   * the milliseconds until the bucket has a token again.
   */
  async run(
    world: () => ConditionWorld,
    get: (key: string) => Service | undefined,
    canAct: () => boolean,
  ): Promise<number> {
    let w: ConditionWorld | undefined;
    // A Set visits keys added while it is iterated, and deleting the current key is safe.
    for (const key of this.#dirty) {
      const svc = get(key);
      if (svc === undefined) {
        this.forget(key);
        continue;
      }
      w ??= world();
      const write = this.#decide(key, svc, w);
      if (write === undefined) {
        this.#dirty.delete(key);
        continue;
      }
      if (!canAct()) return 0;
      if (!this.#d.budget.take()) return Math.max(1, this.#d.budget.msUntil());
      await this.#write(key, svc, write);
      this.#dirty.delete(key);
    }
    return 0;
  }

  /** The patch body's conditions for `svc` and their sum, or undefined when nothing is to be written. */
  #decide(key: string, svc: Service, w: ConditionWorld): Write | undefined {
    const write = handlesService(svc, this.#d.defaultAnnouncer) ? this.#desired(key, svc, w) : removal(svc);
    if (write === undefined) {
      this.#written.delete(key);
      return undefined;
    }
    const last = this.#written.get(key);
    // Written over the very object still cached: the cache has not seen our own write yet.
    if (last?.sum === write.sum && last.over === svc.metadata.resourceVersion) return undefined;
    return write;
  }

  #desired(key: string, svc: Service, w: ConditionWorld): Write | undefined {
    const ctx: AnnounceContext = { ...w.ctx, slots: slotsOf(svc) };
    const desired = {
      [CONDITION_ALLOCATED]: allocatedVerdict(svc, this.#refusals.get(key), ctx),
      [CONDITION_ANNOUNCED]: announcedVerdict(svc, ctx, w.refusalsOf, this.#d.defaultAnnouncer),
    };
    const out = conditionsToWrite(svc, desired, (this.#d.now ?? Date.now)());
    if (out === undefined) return undefined;
    return {
      conditions: out as unknown as Record<string, unknown>[],
      sum: digest(JSON.stringify(out.map(sumOf))),
    };
  }

  async #write(key: string, svc: Service, { conditions, sum }: Write): Promise<void> {
    try {
      await this.#d.rest.patch(`${servicePath(svc)}/status`, { status: { conditions } }, 'strategic');
      this.#d.metrics.conditionWrites.inc({ result: 'ok' });
      this.#written.set(key, { over: svc.metadata.resourceVersion, sum });
    } catch (err) {
      this.#written.delete(key);
      this.#d.metrics.conditionWrites.inc({ result: 'error' });
      // Deleted meanwhile: nothing to say. Anything else: the controller retries the pass.
      if ((err as { statusCode?: number }).statusCode === 404) return;
      throw err;
    }
    for (const c of conditions) {
      if (c.$patch !== undefined) continue;
      this.#d.logger.debug('service condition written', {
        service: key,
        type: c.type,
        status: c.status,
        reason: c.reason,
      });
    }
  }
}

/** No longer ours: our conditions go (other controllers' stay); undefined when it shows none. */
function removal(svc: Service): Write | undefined {
  const seen = seenOf(svc);
  if (seen === undefined) return undefined;
  return { conditions: Object.keys(seen).map((type) => ({ type, $patch: 'delete' })), sum: 'delete' };
}

/** The Service's own announcing slots, as core's rule reads them. */
function slotsOf(svc: Service): AnnounceContext['slots'] {
  const key = serviceKey(svc);
  let slots: AnnounceSlot[] | undefined;
  return (ip) => {
    slots ??= [...serviceSlots(svc, 4), ...serviceSlots(svc, 6)];
    return slots.filter((s) => s.ip === ip).map((slot) => ({ slot, service: key }));
  };
}
