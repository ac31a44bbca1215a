// What the agent tells the cluster after each reconcile: this node's slots in the Services'
// purelb.io/announcing-IPv4/-IPv6 annotations (v0.17: space-separated node,interface,ip, one slot
// per IP), events on the Services (AnnouncingLocal, AnnouncingNonLocal, AnnouncementFailed, and
// AnnounceSlotSteal when this node takes over an IP another node's slot held), and an
// ParseFailed event on each ServiceGroup / LBNodeAgent that does not parse, naming the field.
// Annotations are merge-patched only when the value changes, first announcements and releases at once,
// other changes coalesced (announcing-coalescer.ts); an event is an occurrence when its condition
// appears (not at every resync while it stays true), the occurrences of one reason on one object in
// one pass are one event listing them, and occurrences go through the event writer's correlator (a
// repeat is a count on the Event already posted). Annotation writes and events share a per-node writes
// budget in which coalesced annotation writes come first.
import {
  announcingAnnotation,
  ingressIPs as canonicalIngress,
  type DesiredState,
  formatAnnouncing,
  type NodeService,
  type Placement,
  type PlacementSkip,
  parseIP,
  sameData,
  serviceKey,
  serviceSlots,
} from '@purelb-ts/core';
import type { Logger } from '../log.ts';
import { AnnouncingCoalescer, type AnnouncingValues } from './announcing-coalescer.ts';
import type { EventTarget } from './event-body.ts';
import { EventWriter } from './event-writer.ts';
import { isStatus, type KubeRest } from './rest.ts';
import { TokenBucket } from './token-bucket.ts';

export const REPORTING_CONTROLLER = 'purelb.io/lbnodeagent';

/** A ServiceGroup or LBNodeAgent that is invalid, why (field paths and bad values), and what is in force. */
export interface InvalidObject {
  kind: 'ServiceGroup' | 'LBNodeAgent';
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  /** The first bad field's path, e.g. spec.local.v4pools[0].aggregation. */
  field: string | undefined;
  /** Every error as "path: message", joined with "; ". */
  reason: string;
  /** last-valid: its last valid version stays in force; frozen: none was seen, what it governs is left as is. */
  inForce: 'last-valid' | 'frozen';
}

export interface ServiceEvent {
  type: 'Normal' | 'Warning';
  reason:
    | 'AnnouncingLocal'
    | 'AnnouncingNonLocal'
    | 'AnnouncementFailed'
    | 'AnnounceSlotSteal'
    | 'AddressConflict'
    | 'ParseFailed';
  note: string;
}

/** The object an event is about (events.k8s.io/v1 `regarding`). */
interface Regarding {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

const regardingService = (svc: NodeService): Regarding => ({
  apiVersion: 'v1',
  kind: 'Service',
  namespace: svc.metadata.namespace ?? 'default',
  name: svc.metadata.name,
  uid: svc.metadata.uid,
  resourceVersion: svc.metadata.resourceVersion,
});

const regardingConfig = (o: InvalidObject): Regarding => ({
  apiVersion: 'purelb.io/v2',
  kind: o.kind,
  namespace: o.namespace,
  name: o.name,
  uid: o.uid,
  resourceVersion: o.resourceVersion,
});

/** The key events are remembered under: the Service key for Services, kind-prefixed for the rest. */
/** Kept as a map key for every Service: joined into one flat string, not a tree of concatenations. */
const subjectKey = (r: Regarding): string =>
  (r.kind === 'Service' ? [r.namespace, '/', r.name] : [r.kind, ' ', r.namespace, '/', r.name]).join('');

export interface WritebackInput {
  services: readonly NodeService[];
  desired: DesiredState;
  /** Placements the netlink apply failed for, by canonical IP: the error text. */
  applyFailures?: ReadonlyMap<string, string>;
  /**
   * true while the lease is fenced: local addresses were withdrawn, so this node's announcing slots
   * are removed and no AnnouncingLocal is claimed.
   */
  fenced?: boolean;
  /** ServiceGroups / LBNodeAgents that did not parse: each gets a ParseFailed event. */
  invalidConfig?: readonly InvalidObject[];
}

export interface WritebackOptions {
  node: string;
  logger: Logger;
  /** Called once the annotation that moves `ip`'s slot from node `from` to this node is written. */
  onSlotSteal?: (ip: string, from: string) => void;
  now?: () => number;
  /**
   * The node's writes budget (coalesced annotation writes, then events). Default: burst 10, one more
   * every 3 s (at most 30 a minute after the burst).
   */
  budget?: TokenBucket;
  /** How long a coalesced annotation change must stand before it is written. Default 5 s. */
  coalesceMs?: number;
}

/** One event per reason: occurrences of one reason in one pass are listed in a single note. */
export function aggregated(events: readonly ServiceEvent[]): ServiceEvent[] {
  const byReason = new Map<string, ServiceEvent[]>();
  for (const e of events) push(byReason, e.reason, e);
  return [...byReason.values()].map((list) => {
    const [first] = list as [ServiceEvent];
    if (list.length === 1) return first;
    return { ...first, note: `${list.length} addresses: ${list.map((e) => e.note).join('; ')}` };
  });
}

const targetOf = (r: Regarding): EventTarget => {
  const { apiVersion, kind, ...metadata } = r;
  return { apiVersion, kind, metadata };
};

interface ByService {
  placements: Map<string, Placement[]>;
  skips: Map<string, PlacementSkip[]>;
}

const push = <T>(m: Map<string, T[]>, key: string, v: T): void => {
  const list = m.get(key);
  if (list === undefined) m.set(key, [v]);
  else list.push(v);
};

/** The outcome indexed by Service once per reconcile (thousands of Services × thousands of placements). */
const indexed = new WeakMap<DesiredState, ByService>();
function byService(desired: DesiredState): ByService {
  let idx = indexed.get(desired);
  if (idx === undefined) {
    idx = { placements: new Map(), skips: new Map() };
    for (const p of desired.placements) for (const key of p.services) push(idx.placements, key, p);
    for (const s of desired.skips) push(idx.skips, s.service, s);
    indexed.set(desired, idx);
  }
  return idx;
}

const ACTIONS: Readonly<Record<ServiceEvent['reason'], string>> = {
  AnnouncingLocal: 'Announcing',
  AnnouncingNonLocal: 'Announcing',
  AnnouncementFailed: 'Failed',
  AnnounceSlotSteal: 'Announcing',
  AddressConflict: 'Probe',
  ParseFailed: 'Validate',
};

/** Log fields naming an event's subject: `service` for Services, `kind` + `name` otherwise. */
const logSubject = (r: Regarding): Record<string, string> =>
  r.kind === 'Service' ? { service: subjectKey(r) } : { kind: r.kind, name: `${r.namespace}/${r.name}` };

/** Between the ids of a subject's active events (a note never holds it). */
const ACTIVE_SEPARATOR = '\u0001';

/** Whether two write-back inputs are the same: the same objects, no apply failure on either side. */
function sameWriteback(a: WritebackInput, b: WritebackInput): boolean {
  if (a.desired !== b.desired || a.fenced !== b.fenced) return false;
  if ((a.applyFailures?.size ?? 0) > 0 || (b.applyFailures?.size ?? 0) > 0) return false;
  if (!sameData(a.invalidConfig ?? [], b.invalidConfig ?? [])) return false;
  if (a.services.length !== b.services.length) return false;
  for (let i = 0; i < a.services.length; i++) if (a.services[i] !== b.services[i]) return false;
  return true;
}

export class Writeback {
  readonly #rest: KubeRest;
  readonly #o: WritebackOptions;
  readonly #now: () => number;
  readonly #budget: TokenBucket;
  readonly #coalescer: AnnouncingCoalescer;
  readonly #events: EventWriter;
  /**
   * subject key → the event ids true at the last pass (their return is a new occurrence), joined with
   * ACTIVE_SEPARATOR: one flat string per Service, not a Set of concatenated ones (at 10k Services the
   * Sets held 4 MB).
   */
  readonly #active = new Map<string, string>();
  /** Per Service key: the inputs of its last write that fully succeeded. */
  readonly #written = new Map<string, string>();
  /** Passes run one at a time; the last input is kept while a coalesced write waits for it. */
  #chain: Promise<void> = Promise.resolve();
  #last: WritebackInput | undefined;
  #timer: NodeJS.Timeout | undefined;
  /**
   * The input of the last pass after which nothing was left to write (every Service's write complete,
   * no coalesced write waiting). A pass over the same input would write nothing and observe only
   * events already active, so it is skipped whole: after a restore or a resync at 10k Services the
   * reconciler hands over the very same desired state (core's DecisionMemo).
   */
  #settled: WritebackInput | undefined;
  /** Passes run, and passes skipped whole as settled (for tests and benchmarks). */
  readonly passes = { run: 0, settled: 0 };

  constructor(rest: KubeRest, options: WritebackOptions) {
    this.#rest = rest;
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#budget = options.budget ?? new TokenBucket(10, 3000, this.#now);
    this.#coalescer = new AnnouncingCoalescer({
      node: options.node,
      now: this.#now,
      ...(options.coalesceMs === undefined ? {} : { windowMs: options.coalesceMs }),
    });
    this.#events = new EventWriter(rest, {
      controller: REPORTING_CONTROLLER,
      instance: `${REPORTING_CONTROLLER}-${options.node}`,
      logger: options.logger,
      now: this.#now,
      budget: this.#budget,
      reserve: () => this.#coalescer.pending,
    });
  }

  /** Event records kept (bounded by the correlator). */
  get eventRecords(): number {
    return this.#events.correlator.size;
  }

  /**
   * Writes annotations and events for every Service; one Service's failure does not stop the rest.
   * A Service whose inputs are those of its last complete write (see #inputsOf) is skipped: at 10k
   * Services, recomputing every one after each reconcile cost more than the reconcile.
   */
  apply(input: WritebackInput): Promise<void> {
    const run = this.#chain.then(() => this.#pass(input));
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Stops the timers (what waits is not written). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#events.stop();
  }

  async #pass(input: WritebackInput): Promise<void> {
    this.#last = input;
    if (this.#settled !== undefined && sameWriteback(this.#settled, input)) {
      this.passes.settled++;
      return;
    }
    this.passes.run++;
    this.#settled = undefined;
    let settled = true;
    const seen = new Set<string>();
    for (const svc of input.services) {
      const key = serviceKey(svc);
      seen.add(key);
      const inputs = this.#inputsOf(svc, input);
      if (inputs !== undefined && this.#written.get(key) === inputs) continue;
      let complete = true;
      try {
        const steals = this.stolenSlots(svc, input);
        if (await this.#annotate(svc, input)) for (const s of steals) this.#o.onSlotSteal?.(s.ip, s.from);
        else complete = false;
      } catch (err) {
        complete = false;
        // 409: the Service changed since the snapshot; that change triggers the next reconcile.
        const level = isStatus(err, 409) ? 'debug' : 'error';
        this.#o.logger[level]('announcing annotation write failed', { service: key, reason: err });
      }
      this.#occurrences(regardingService(svc), aggregated(this.eventsFor(svc, input)));
      if (complete && inputs !== undefined) this.#written.set(key, inputs);
      else this.#written.delete(key);
      settled &&= complete && inputs !== undefined;
    }
    for (const key of this.#written.keys()) if (!seen.has(key)) this.#written.delete(key);
    this.#coalescer.retain(seen);
    for (const o of input.invalidConfig ?? []) {
      const regarding = regardingConfig(o);
      seen.add(subjectKey(regarding));
      const inForce =
        o.inForce === 'last-valid'
          ? 'its last valid version stays in force'
          : 'no valid version has been seen, so the addresses it governs are left as they are';
      this.#occurrences(regarding, [
        {
          type: 'Warning',
          reason: 'ParseFailed',
          note: `${o.kind} ${o.namespace}/${o.name} is invalid: ${o.reason}; ${inForce}`,
        },
      ]);
    }
    for (const key of this.#active.keys()) if (!seen.has(key)) this.#active.delete(key);
    await this.#events.flush();
    this.#rerunWhenDue();
    if (settled && this.#coalescer.pending === 0) this.#settled = input;
  }

  /** A coalesced annotation write waits: run the last input again when it is due (and budgeted). */
  #rerunWhenDue(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const due = this.#coalescer.nextDueIn();
    if (due === undefined) {
      this.#last = undefined;
      return;
    }
    const wait = Math.max(due, this.#budget.msUntil(), 10);
    this.#timer = setTimeout(() => {
      const last = this.#last;
      if (last !== undefined) void this.apply(last).catch(() => {});
    }, wait);
    this.#timer.unref();
  }

  /**
   * Everything this node's annotation and events for `svc` are computed from: the Service as read
   * (its resourceVersion), its placements, failed adds and error skips, and the fence. Undefined when
   * the Service carries no resourceVersion (it is then always written).
   */
  #inputsOf(svc: NodeService, input: WritebackInput): string | undefined {
    const rv = svc.metadata.resourceVersion;
    if (rv === undefined) return undefined;
    const key = serviceKey(svc);
    const idx = byService(input.desired);
    const parts = [rv, input.fenced === true ? 'fenced' : ''];
    for (const p of idx.placements.get(key) ?? [])
      parts.push(`${p.kind} ${p.ip} ${p.link} ${input.applyFailures?.get(p.ip) ?? ''}`);
    for (const k of idx.skips.get(key) ?? []) if (k.error) parts.push(`skip ${k.ip} ${k.reason}`);
    return parts.join('\n');
  }

  /** The local addresses of `svc` this node announces now: ip → interface. */
  #ours(svc: NodeService, input: WritebackInput): Map<string, string> {
    const ours = new Map<string, string>();
    if (input.fenced === true) return ours;
    for (const p of byService(input.desired).placements.get(serviceKey(svc)) ?? []) {
      if (p.kind === 'local' && !input.applyFailures?.has(p.ip)) ours.set(p.ip, p.link);
    }
    return ours;
  }

  /** The IPs this node announces whose slot on `svc` still names another node (upstream: a slot steal). */
  stolenSlots(svc: NodeService, input: WritebackInput): { ip: string; from: string }[] {
    const ours = this.#ours(svc, input);
    if (ours.size === 0) return [];
    const out: { ip: string; from: string }[] = [];
    for (const family of [4, 6] as const) {
      for (const slot of serviceSlots(svc, family)) {
        if (slot.node !== this.#o.node && ours.has(slot.ip)) out.push({ ip: slot.ip, from: slot.node });
      }
    }
    return out;
  }

  /** The annotation values this node wants on `svc` (undefined: remove the key). */
  announcingFor(svc: NodeService, input: WritebackInput): { 4: string | undefined; 6: string | undefined } {
    const ours = this.#ours(svc, input);
    const ingress = new Set(canonicalIngress(svc).ips.map((i) => i.ip));
    const result: { 4: string | undefined; 6: string | undefined } = { 4: undefined, 6: undefined };
    for (const family of [4, 6] as const) {
      // Slots for IPs no longer in ingress go; our own slot goes when we no longer announce the IP.
      // Older two-field entries of other nodes are read (serviceSlots) and written back as v0.17 slots.
      const kept = serviceSlots(svc, family).filter(
        (s) => ingress.has(s.ip) && (s.node !== this.#o.node || ours.has(s.ip)),
      );
      for (const [ip, link] of ours) {
        if (parseIP(ip)?.family === family) kept.push({ node: this.#o.node, interface: link, ip });
      }
      const value = formatAnnouncing(kept);
      result[family] = value === '' ? undefined : value;
    }
    return result;
  }

  /** The events that describe this node's part for `svc` now. */
  eventsFor(svc: NodeService, input: WritebackInput): ServiceEvent[] {
    const key = serviceKey(svc);
    const events: ServiceEvent[] = [];
    const idx = byService(input.desired);
    for (const p of idx.placements.get(key) ?? []) {
      const failure = input.applyFailures?.get(p.ip);
      if (failure !== undefined) {
        events.push({
          type: 'Warning',
          reason: 'AnnouncementFailed',
          note: `node ${this.#o.node} could not add ${p.ip} to ${p.link}: ${failure}`,
        });
      } else if (p.kind === 'local' && input.fenced !== true) {
        events.push({
          type: 'Normal',
          reason: 'AnnouncingLocal',
          note: `Node ${this.#o.node} announcing ${p.ip} on interface ${p.link}`,
        });
      } else if (p.kind === 'virtual') {
        events.push({
          type: 'Normal',
          reason: 'AnnouncingNonLocal',
          note: `Node ${this.#o.node} announcing ${p.ip} on interface ${p.link}`,
        });
      }
    }
    for (const s of this.stolenSlots(svc, input)) {
      events.push({
        type: 'Normal',
        reason: 'AnnounceSlotSteal',
        note: `Node ${this.#o.node} took over announcing ${s.ip} from node ${s.from}`,
      });
    }
    for (const s of idx.skips.get(key) ?? []) {
      if (!s.error) continue;
      // Another host answering for the address is its own reason: the operator looks on the LAN.
      const reason = s.code === 'address-conflict' ? 'AddressConflict' : 'AnnouncementFailed';
      events.push({ type: 'Warning', reason, note: `node ${this.#o.node}: ${s.ip}: ${s.reason}` });
    }
    return events;
  }

  /**
   * Writes this node's slots when they differ from the stored ones, at once or coalesced (see
   * announcing-coalescer.ts). True when the stored value is what this node wants (written, or
   * nothing to write); false while a coalesced write waits.
   */
  async #annotate(svc: NodeService, input: WritebackInput): Promise<boolean> {
    const key = serviceKey(svc);
    const want = this.announcingFor(svc, input);
    const have = svc.metadata.annotations ?? {};
    const idx = byService(input.desired);
    // An address on the virtual interface because its link lost carrier reaches nobody on the segment:
    // that is a release, written at once, so the next holder need not wait for this node's slot.
    const deadLink = new Set(
      (idx.skips.get(key) ?? []).filter((s) => s.code === 'no-carrier').map((s) => s.ip),
    );
    const placed = new Set(
      (idx.placements.get(key) ?? []).map((p) => p.ip).filter((ip) => !deadLink.has(ip)),
    );
    const decision = this.#coalescer.decide(key, have, want, placed);
    if (decision === 'none') return true;
    if (decision === 'wait') return false;
    // First announcements and releases are never held back; they take a token when there is one.
    if (!this.#budget.take() && decision === 'due') return false;
    await this.#patch(svc, have, want);
    this.#coalescer.wrote(key, want);
    return true;
  }

  async #patch(
    svc: NodeService,
    have: Readonly<Record<string, string>>,
    want: AnnouncingValues,
  ): Promise<void> {
    const patch: Record<string, string | null> = {};
    for (const family of [4, 6] as const) {
      const name = announcingAnnotation(family);
      if ((have[name] ?? undefined) === want[family]) continue;
      patch[name] = want[family] ?? null;
    }
    const ns = encodeURIComponent(svc.metadata.namespace ?? 'default');
    const path = `/api/v1/namespaces/${ns}/services/${encodeURIComponent(svc.metadata.name)}`;
    // The resourceVersion precondition: a Service changed since our snapshot is re-read and
    // re-decided at the next reconcile instead of being patched from stale slots.
    const metadata: Record<string, unknown> = { annotations: patch };
    if (svc.metadata.resourceVersion !== undefined) metadata.resourceVersion = svc.metadata.resourceVersion;
    await this.#rest.patch(path, { metadata }, 'merge');
    this.#o.logger.info('announcing annotation updated', { service: serviceKey(svc), annotations: patch });
  }

  /**
   * The events true now for a subject: those not true at its last pass are occurrences (logged, and
   * handed to the event writer); what is no longer true is forgotten, so its return is one again.
   */
  #occurrences(regarding: Regarding, events: readonly ServiceEvent[]): void {
    const key = subjectKey(regarding);
    const before = this.#active.get(key)?.split(ACTIVE_SEPARATOR);
    const now: string[] = [];
    for (const e of events) {
      const id = `${e.reason}\u0000${e.note}`;
      if (!now.includes(id)) now.push(id);
      if (before?.includes(id)) continue;
      const log = e.type === 'Warning' ? this.#o.logger.warn : this.#o.logger.info;
      log(regarding.kind === 'Service' ? 'service event' : 'configuration event', {
        ...logSubject(regarding),
        event: e.reason,
        note: e.note,
      });
      this.#events.observe(targetOf(regarding), { ...e, action: ACTIONS[e.reason] });
    }
    if (now.length === 0) this.#active.delete(key);
    else this.#active.set(key, now.join(ACTIVE_SEPARATOR));
  }
}
