// One Service, level-triggered: whatever happened before, bring the Service to what purelb-core's
// Allocator says it should show now. A Service we handle gets its addresses (kept, moved, or
// refused with the reason); one we no longer handle (type or class changed) or that is gone gives
// its addresses back. Every write carries the resourceVersion it was decided from; a 409 means the
// Service changed meanwhile, so it is read again and decided again from what it is now.
import {
  type AllocationResult,
  type Allocator,
  ANNOTATION_ALLOCATED_BY,
  ANNOTATION_RE_EVALUATE,
  ANNOTATION_SERVICE_GROUP,
  handlesService,
  type LoadBalancerIngress,
  nodeAddressText,
  PURELB_BRAND,
  type Reclaim,
  resolveGroup,
  type Service,
  type ServiceGroupConfig,
  serviceKey,
} from '@purelb-ts/core';
import type { EventRecorder, EventTarget, ObjectEvent } from '../kubernetes/events.ts';
import { isStatus, type KubeRest } from '../kubernetes/rest.ts';
import type { Logger } from '../log.ts';
import type { InvalidGroup } from './groups.ts';
import type { AllocatorMetrics } from './metrics.ts';
import { ingressIPs, patchAnnotations, patchIngress, servicePath } from './service-writes.ts';

/** Thrown when a write would happen while this allocator may not act (not the leader). */
export class NotLeading extends Error {
  override name = 'NotLeading';
}

export interface ServiceReconcilerDeps {
  allocator: Allocator;
  rest: KubeRest;
  recorder: EventRecorder;
  metrics: AllocatorMetrics;
  logger: Logger;
  defaultAnnouncer: boolean;
  /** The valid ServiceGroups (what the Allocator was given), to name the pool of a refusal. */
  groups: () => readonly ServiceGroupConfig[];
  /** ServiceGroups refused by name, to say why a Service naming one gets nothing. */
  invalidGroups: () => ReadonlyMap<string, InvalidGroup>;
  /** Canonical subnets of live node Leases (multiPool local groups use only those ranges). */
  liveSubnets: () => ReadonlySet<string>;
  /** False once leadership is lost: no write is started then. */
  canAct: () => boolean;
}

export interface ServiceOutcome {
  /** Addresses that became free (a failed Service may now get one). */
  freed: string[];
  /** Whether pool usage changed (ServiceGroup status to refresh). */
  usageChanged: boolean;
  /** The allocation was refused: retry when addresses are freed or groups change. */
  failed: boolean;
  /** The refusal's code (core's AllocationFailure) and message, when refused. */
  refusal?: { reason: string; message: string };
  /** Nothing was written: the cached Service is what the API server holds (its conditions may be decided). */
  settled: boolean;
}

const MAX_CONFLICTS = 5;

/** The Warning's reason when a Service's address is cleared, by what took it. */
const RECLAIM_REASON: Record<Reclaim['change'], string> = {
  shrunk: 'PoolShrunk',
  deleted: 'ServiceGroupDeleted',
  'node-address': 'NodeAddress',
};

const target = (svc: Service): EventTarget => ({ apiVersion: 'v1', kind: 'Service', metadata: svc.metadata });

const branded = (svc: Service): boolean =>
  svc.metadata.annotations?.[ANNOTATION_ALLOCATED_BY] === PURELB_BRAND;

/**
 * purelb.io/re-evaluate (upstream's one-shot trigger; upstream consumes only the value "true"). Here
 * every reconcile already decides a served Service from scratch against the current ServiceGroups,
 * Node addresses and live Lease subnets (core's allocate keeps a held address only while it is still
 * valid: in a pool of the group the Service names, no Node's own, shareable), so the trigger's work is
 * the reconcile its edit causes: a Service refused earlier is tried again, a multiPool Service gains
 * ranges whose subnet became live (Lease changes alone do not re-decide Services), one whose address is
 * no longer valid is moved. A valid address is never released because of it. The key is then removed,
 * in the same patch as any other annotation change (or alone). Invariant: only "true" is consumed, and
 * only on a Service this allocator serves; another value is left for the user to correct, with a
 * ConfigurationWarning.
 */
const reEvaluation = (svc: Service): 'consume' | 'bad-value' | undefined => {
  const value = svc.metadata.annotations?.[ANNOTATION_RE_EVALUATE];
  if (value === undefined) return undefined;
  return value === 'true' ? 'consume' : 'bad-value';
};

/** The annotations to write with the trigger removed when it is to be consumed. */
const withReEvaluation = (
  svc: Service,
  annotations: Readonly<Record<string, string | null>>,
): Readonly<Record<string, string | null>> =>
  reEvaluation(svc) === 'consume' ? { ...annotations, [ANNOTATION_RE_EVALUATE]: null } : annotations;

export class ServiceReconciler {
  readonly #d: ServiceReconcilerDeps;

  constructor(deps: ServiceReconcilerDeps) {
    this.#d = deps;
  }

  /** `svc` is the cached object, or undefined when the Service is gone. */
  async reconcile(key: string, svc: Service | undefined): Promise<ServiceOutcome> {
    let current = svc;
    for (let attempt = 0; ; attempt++) {
      if (current === undefined) return this.#gone(key);
      try {
        return handlesService(current, this.#d.defaultAnnouncer)
          ? await this.#allocate(current)
          : await this.#unhandled(current);
      } catch (err) {
        if (!isStatus(err, 409) || attempt >= MAX_CONFLICTS) throw err;
        this.#d.logger.debug('service changed while writing; re-reading', { service: key, attempt });
        current = await this.#read(current);
      }
    }
  }

  async #read(svc: Service): Promise<Service | undefined> {
    try {
      return await this.#d.rest.get<Service>(servicePath(svc));
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  #gone(key: string): ServiceOutcome {
    const r = this.#d.allocator.release(key);
    if (r.released.length > 0) {
      this.#d.logger.info('service deleted: addresses released', {
        service: key,
        ip: r.released.join(','),
        freed: r.freed,
      });
    }
    return { freed: r.freed, usageChanged: r.freed.length > 0, failed: false, settled: true };
  }

  async #allocate(svc: Service): Promise<ServiceOutcome> {
    const key = serviceKey(svc);
    await this.#noteReEvaluation(svc);
    const result = this.#d.allocator.allocate(svc, { liveSubnets: this.#d.liveSubnets() });
    if (!result.ok) return this.#refused(svc, result);
    const fresh = await this.#write(svc, withReEvaluation(svc, result.annotations), result.ingress);
    this.#d.recorder.forgetReason(target(svc), 'AllocationFailed');
    const freed = result.released.filter((ip) => this.#d.allocator.holdersOf(ip).length === 0);
    // Assigned/Released are edges (posted after the write that made them true): a Service moving back
    // to an address it had before is reported again.
    for (const reason of ['AddressAssigned', 'AddressReleased'])
      this.#d.recorder.forgetReason(target(svc), reason);
    if (result.changed) {
      const pool = result.groups.join(',');
      const note = `Assigned ${result.ips.join(', ')} from ServiceGroup ${pool} (${result.poolType})`;
      await this.#event(fresh, 'Normal', 'AddressAssigned', 'Allocate', note, {
        ip: result.ips.join(','),
        pool,
      });
    }
    if (result.released.length > 0) {
      const note =
        result.outsidePools.length > 0
          ? `Released ${result.released.join(', ')}: ${this.#whyTaken(result.outsidePools, result.groups.join(','))}; the Service now has ${result.ips.join(', ')}`
          : `Released ${result.released.join(', ')}: the Service now asks for ${result.ips.join(', ')}`;
      await this.#event(fresh, 'Normal', 'AddressReleased', 'Release', note, {
        ip: result.released.join(','),
      });
    }
    for (const w of result.warnings) {
      await this.#event(fresh, 'Warning', 'ConfigurationWarning', 'Allocate', w, {});
    }
    this.#d.logger.debug('service reconciled', {
      service: key,
      ip: result.ips.join(','),
      changed: result.changed,
    });
    return {
      freed,
      usageChanged: result.changed || freed.length > 0,
      failed: false,
      settled: fresh === svc,
    };
  }

  /** A refusal changes nothing held; the Service is made to show what it holds (possibly nothing). */
  async #refused(svc: Service, result: Extract<AllocationResult, { ok: false }>): Promise<ServiceOutcome> {
    const key = serviceKey(svc);
    const named = svc.metadata.annotations?.[ANNOTATION_SERVICE_GROUP]?.trim() ?? '';
    const bad = this.#d.invalidGroups().get(named);
    const message =
      result.reason === 'no-group' && bad !== undefined
        ? `ServiceGroup ${named} is invalid and ignored: ${bad.problems}`
        : result.message;
    const resolved = resolveGroup(this.#d.groups(), svc.metadata.namespace ?? 'default', named || undefined);
    const pool = resolved.ok ? resolved.group.name : named;
    this.#d.metrics.rejected.inc({ pool, reason: result.reason });
    // A valid pool change left its addresses outside its group, which has no room: they are taken back.
    const reclaimed = result.reason === 'group-invalid' ? undefined : this.#d.allocator.reclaim(key);
    const held = this.#d.allocator.addressesOf(key);
    const ingress = held.map((ip) => ({ ip, ipMode: 'VIP' as const }));
    // Nothing held and something shown: the brand goes too, so nobody announces what was never ours
    // (release of a Service holding nothing only answers which annotations are ours).
    const annotations =
      held.length === 0 && branded(svc) && ingressIPs(svc).length > 0
        ? this.#d.allocator.release(key).annotations
        : {};
    const fresh = await this.#write(svc, withReEvaluation(svc, annotations), ingress);
    await this.#event(fresh, 'Warning', 'AllocationFailed', 'Allocate', `${result.reason}: ${message}`, {
      pool,
      reason: result.reason,
    });
    if (reclaimed !== undefined) await this.#reclaimed(fresh, reclaimed, message);
    const freed = reclaimed?.freed ?? [];
    return {
      freed,
      usageChanged: freed.length > 0,
      failed: true,
      refusal: { reason: result.reason, message },
      settled: fresh === svc,
    };
  }

  /** Logs a re-evaluation request; a value other than "true" gets a ConfigurationWarning (once). */
  async #noteReEvaluation(svc: Service): Promise<void> {
    const how = reEvaluation(svc);
    if (how === undefined) {
      this.#d.recorder.forgetReason(target(svc), 'ReEvaluateIgnored');
      return;
    }
    const value = svc.metadata.annotations?.[ANNOTATION_RE_EVALUATE];
    const fields = { service: serviceKey(svc), reason: `${ANNOTATION_RE_EVALUATE}=${value}` };
    if (how === 'consume') {
      this.#d.logger.info(
        're-evaluation requested: allocation decided again, then the annotation removed',
        fields,
      );
      return;
    }
    const note = `${ANNOTATION_RE_EVALUATE} is ${JSON.stringify(value)}: only "true" requests a re-evaluation (the annotation is left in place)`;
    await this.#event(svc, 'Warning', 'ReEvaluateIgnored', 'Allocate', note, { reason: fields.reason });
  }

  /** Why addresses were taken from a Service: a Node's own, or no longer in a pool of its group. */
  #whyTaken(ips: readonly string[], group: string): string {
    const nodes = ips.flatMap((ip) => {
      const a = this.#d.allocator.nodeAddressOf(ip);
      return a === undefined ? [] : [`${ip} is ${nodeAddressText(a)}, never a Service's`];
    });
    const outside = ips.filter((ip) => this.#d.allocator.nodeAddressOf(ip) === undefined);
    const shrunk =
      outside.length === 0
        ? []
        : [`ServiceGroup ${group} no longer holds ${outside.join(', ')} (its pools changed)`];
    return [...shrunk, ...nodes].join('; ');
  }

  /** Says why a Service lost addresses to a pool change: a log line per address, one event. */
  async #reclaimed(svc: Service, r: Reclaim, why: string): Promise<void> {
    const change =
      r.change === 'deleted' ? `ServiceGroup ${r.group} was deleted` : this.#whyTaken(r.released, r.group);
    for (const ip of r.released) {
      this.#d.logger.warn('address reclaimed: no pool of its ServiceGroup holds it', {
        service: serviceKey(svc),
        ip,
        pool: r.group,
        reason: `${change}; ${why}`,
      });
    }
    const reason = RECLAIM_REASON[r.change];
    const note = `${change}: cleared ${r.released.join(', ')}, as no other address could be given (${why})`;
    await this.#event(svc, 'Warning', reason, 'Reclaim', note, { ip: r.released.join(','), pool: r.group });
  }

  /** Not (or no longer) ours: give back what it held and take the brand and our ingress off. */
  async #unhandled(svc: Service): Promise<ServiceOutcome> {
    const key = serviceKey(svc);
    const held = this.#d.allocator.addressesOf(key);
    if (held.length === 0 && !branded(svc))
      return { freed: [], usageChanged: false, failed: false, settled: true };
    const r = this.#d.allocator.release(key);
    const shown = svc.status?.loadBalancer?.ingress ?? [];
    // Not a LoadBalancer any more: its load-balancer status means nothing. Another class: that
    // controller's entries stay, only ours go.
    const ingress =
      svc.spec?.type !== 'LoadBalancer' ? [] : shown.filter((e) => !r.released.includes(e.ip ?? ''));
    const fresh = await this.#write(svc, branded(svc) ? r.annotations : {}, ingress, 'status-first');
    this.#d.recorder.forgetReason(target(svc), 'AddressReleased');
    if (r.released.length > 0) {
      const why =
        svc.spec?.type !== 'LoadBalancer'
          ? `the Service is now of type ${svc.spec?.type ?? 'ClusterIP'}`
          : `the Service's loadBalancerClass is ${svc.spec?.loadBalancerClass ?? 'unset'}, not served here`;
      await this.#event(
        fresh,
        'Normal',
        'AddressReleased',
        'Release',
        `Released ${r.released.join(', ')}: ${why}`,
        {
          ip: r.released.join(','),
        },
      );
    }
    return { freed: r.freed, usageChanged: r.freed.length > 0, failed: false, settled: fresh === svc };
  }

  /**
   * Annotations then status (a crash between them leaves the brand without an address, which a
   * restart re-allocates, never an address without the brand); when taking an address away, status
   * first, so agents stop announcing before the brand goes.
   */
  async #write(
    svc: Service,
    annotations: Readonly<Record<string, string | null>>,
    ingress: readonly LoadBalancerIngress[],
    order: 'annotations-first' | 'status-first' = 'annotations-first',
  ): Promise<Service> {
    const steps = [
      async (s: Service) => this.#step('annotations', () => patchAnnotations(this.#d.rest, s, annotations)),
      async (s: Service) => this.#step('status', () => patchIngress(this.#d.rest, s, ingress)),
    ];
    if (order === 'status-first') steps.reverse();
    let s = svc;
    for (const step of steps) s = await step(s);
    return s;
  }

  async #step(part: 'annotations' | 'status', write: () => Promise<Service>): Promise<Service> {
    if (!this.#d.canAct()) throw new NotLeading('no longer the leader: write not started');
    try {
      const s = await write();
      this.#d.metrics.serviceWrites.inc({ part, result: 'ok' });
      return s;
    } catch (err) {
      this.#d.metrics.serviceWrites.inc({ part, result: isStatus(err, 409) ? 'conflict' : 'error' });
      throw err;
    }
  }

  async #event(
    svc: Service,
    type: ObjectEvent['type'],
    reason: string,
    action: string,
    note: string,
    fields: Record<string, unknown>,
  ): Promise<void> {
    await this.#d.recorder.record(target(svc), {
      type,
      reason,
      action,
      note,
      fields: { service: serviceKey(svc), ...fields },
    });
  }
}
