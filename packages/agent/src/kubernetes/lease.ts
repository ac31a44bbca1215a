// This node's election Lease, purelb-node-<node> in the install namespace. Renewed every
// duration/2 (sooner after a failure); every renewal also refreshes purelb.io/subnets. When the
// Lease cannot be renewed before it lapses (now > last renewal + duration - margin), other nodes
// will soon consider this one dead and take its local addresses, so the agent must withdraw them
// first: the `onFence(true)` callback says so, `onFence(false)` when a renewal succeeds again.
// With `reports`, every renewal also carries what only this node sees: purelb.io/carrier-down and
// purelb.io/refused (core's lease-reports codecs), each left out of the Lease when empty.
import {
  ANNOTATION_CARRIER_DOWN,
  ANNOTATION_INSTANCE,
  ANNOTATION_REFUSED,
  ANNOTATION_SUBNETS,
  formatCarrierDown,
  formatRefused,
  type KubeNode,
  type Lease,
  type Refusal,
} from '@purelb-ts/core';
import type { Logger } from '../log.ts';
import type { ContactProbe } from './api-contact.ts';
import { formatMicroTime } from './micro-time.ts';
import { isStatus, type KubeRest } from './rest.ts';

export const leaseName = (node: string): string => `purelb-node-${node}`;

/** What this node reports in its Lease besides its subnets (see core's lease-reports.ts). */
export interface LeaseReports {
  /** Candidate interfaces without trusted carrier (core's carrierDownInterfaces). */
  carrierDown: readonly string[];
  /** Addresses this node refuses or cannot place as asked (core's refusalsOf its error skips). */
  refused: readonly Refusal[];
}

export interface LeaseOptions {
  namespace: string;
  node: string;
  leaseDurationSeconds: number;
  /** purelb.io/instance: the pod UID (or any id unique to this agent process). */
  instance: string;
  /** The node's advertised subnets (core's advertisedSubnets over the current network). */
  subnets: () => readonly string[];
  /** Read at each renewal; absent: the Lease carries neither carrier-down nor refused. */
  reports?: () => LeaseReports;
  /** true: the Lease is (about to be) lapsed, withdraw local addresses; false: renewed again. */
  onFence: (fenced: boolean) => void;
  logger: Logger;
  /** Fence this long before the Lease lapses. Default: a fifth of the duration. */
  fenceMarginMs?: number;
  now?: () => number;
  /**
   * Told of every request to the API server and its outcome (api-contact.ts). With it, the Lease is
   * also read once between renewals, so contact is proven every quarter of the duration.
   */
  contact?: ContactProbe;
}

export interface LeaseHealth {
  /** Wall-clock ms of the last renewal the API server accepted (the renewTime written), if any. */
  lastRenew: number | undefined;
  fenced: boolean;
  consecutiveFailures: number;
  lastError: string | undefined;
}

const MAX_CONFLICT_RETRIES = 3;
/** The least time between two renewals forced by a change of subnets (renewSoon). */
export const FORCED_RENEWAL_GAP_MS = 5_000;

export class LeaseKeeper {
  readonly #rest: KubeRest;
  readonly #o: LeaseOptions;
  readonly #now: () => number;
  readonly #durationMs: number;
  readonly #marginMs: number;
  readonly #path: string;
  readonly #collection: string;
  #nodeUid: string | undefined;
  #lastRenew: number | undefined;
  #fenced = false;
  #failures = 0;
  #lastError: string | undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  #soonTimer: NodeJS.Timeout | undefined;
  #lastForced = Number.NEGATIVE_INFINITY;
  #checkTimer: NodeJS.Timeout | undefined;
  #fenceTimer: NodeJS.Timeout | undefined;
  #running = false;
  #inFlight: Promise<void> | undefined;

  constructor(rest: KubeRest, options: LeaseOptions) {
    const d = options.leaseDurationSeconds;
    if (!Number.isInteger(d) || d < 1) {
      throw new Error(`leaseDurationSeconds must be a whole number of seconds >= 1, got ${d}`);
    }
    if (options.namespace === '' || options.node === '') {
      throw new Error('LeaseKeeper: namespace and node must not be empty');
    }
    this.#rest = rest;
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#durationMs = d * 1000;
    this.#marginMs = options.fenceMarginMs ?? this.#durationMs / 5;
    if (!(this.#marginMs >= 0 && this.#marginMs < this.#durationMs)) {
      throw new Error(`fenceMarginMs must be in [0, ${this.#durationMs}), got ${this.#marginMs}`);
    }
    const ns = encodeURIComponent(options.namespace);
    this.#collection = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
    this.#path = `${this.#collection}/${leaseName(options.node)}`;
  }

  /** Renews once (the result is in health()), then keeps renewing every duration/2. */
  async start(): Promise<void> {
    this.#running = true;
    await this.#tick();
  }

  health(): LeaseHealth {
    return {
      lastRenew: this.#lastRenew,
      fenced: this.#fenced,
      consecutiveFailures: this.#failures,
      lastError: this.#lastError,
    };
  }

  get fenced(): boolean {
    return this.#fenced;
  }

  /** Stops renewing (the Lease is left to lapse). */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#checkTimer);
    clearTimeout(this.#fenceTimer);
    clearTimeout(this.#soonTimer);
    this.#soonTimer = undefined;
    await this.#inFlight;
  }

  /**
   * Graceful shutdown, AFTER the local addresses are withdrawn: stops renewing and deletes the Lease,
   * so peers see the node leave at once instead of after the lease duration.
   */
  async release(): Promise<void> {
    await this.stop();
    try {
      await this.#rest.delete(this.#path);
      this.#o.logger.info('lease released', { lease: leaseName(this.#o.node) });
    } catch (err) {
      if (isStatus(err, 404)) return;
      this.#o.logger.error('lease release failed', { lease: leaseName(this.#o.node), reason: err });
      throw err;
    }
  }

  /**
   * The advertised subnets changed (a link lost carrier): a renewal carrying them now, or
   * FORCED_RENEWAL_GAP_MS after the last such one, so a flapping link adds at most one write per gap.
   * A renewal already in flight may carry the old subnets: this one follows it.
   */
  renewSoon(): void {
    if (!this.#running || this.#soonTimer !== undefined) return;
    const wait = Math.max(0, this.#lastForced + FORCED_RENEWAL_GAP_MS - this.#now());
    this.#soonTimer = setTimeout(() => {
      void (this.#inFlight ?? Promise.resolve()).then(() => {
        this.#soonTimer = undefined;
        if (!this.#running) return;
        this.#lastForced = this.#now();
        return this.renewNow();
      });
    }, wait);
  }

  /** One renewal now (also used by start); exposed for tests and for a forced refresh of subnets. */
  renewNow(): Promise<void> {
    this.#inFlight ??= this.#renew().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #tick(): Promise<void> {
    clearTimeout(this.#renewTimer);
    await this.renewNow();
    if (!this.#running) return;
    const next = this.#failures === 0 ? this.#durationMs / 2 : this.#durationMs / 4;
    this.#renewTimer = setTimeout(() => void this.#tick(), next);
    clearTimeout(this.#checkTimer);
    if (this.#o.contact !== undefined && this.#failures === 0) {
      this.#checkTimer = setTimeout(() => void this.#check(), next / 2);
    }
  }

  /** Between renewals: a read of the Lease, proving contact (api-contact.ts). */
  async #check(): Promise<void> {
    const contact = this.#o.contact;
    if (!this.#running || contact === undefined || this.#inFlight !== undefined) return;
    contact.attempt();
    try {
      await this.#rest.get<Lease>(this.#path);
      contact.reached();
    } catch {
      contact.failed();
    }
  }

  async #renew(): Promise<void> {
    const sentAt = this.#now();
    this.#o.contact?.attempt();
    try {
      const version = await this.#write(sentAt);
      this.#o.contact?.renewed(version);
      this.#lastRenew = sentAt;
      if (this.#failures > 0) {
        this.#o.logger.info('lease renewed again', { lease: leaseName(this.#o.node), after: this.#failures });
      }
      this.#failures = 0;
      this.#lastError = undefined;
      this.#setFenced(false);
    } catch (err) {
      this.#o.contact?.failed();
      this.#failures++;
      this.#lastError = err instanceof Error ? err.message : String(err);
      this.#o.logger.error('lease renewal failed', {
        lease: leaseName(this.#o.node),
        reason: this.#lastError,
        consecutiveFailures: this.#failures,
      });
      this.#checkFence();
    }
    this.#armFenceTimer();
  }

  /** Wakes up at the fence deadline, so a hung API server cannot keep the addresses alive. */
  #armFenceTimer(): void {
    clearTimeout(this.#fenceTimer);
    if (!this.#running || this.#fenced) return;
    const deadline = (this.#lastRenew ?? this.#now()) + this.#durationMs - this.#marginMs;
    this.#fenceTimer = setTimeout(() => this.#checkFence(), Math.max(0, deadline - this.#now()) + 1);
  }

  #checkFence(): void {
    if (!this.#running) return;
    // Never renewed: the agent holds no claim yet, so it must not announce local addresses either.
    if (this.#lastRenew === undefined || this.#now() > this.#lastRenew + this.#durationMs - this.#marginMs) {
      this.#setFenced(true);
    } else {
      this.#armFenceTimer();
    }
  }

  #setFenced(fenced: boolean): void {
    if (fenced === this.#fenced) return;
    this.#fenced = fenced;
    const fields = { lease: leaseName(this.#o.node), reason: this.#lastError };
    // What the node does about it (--fence) is the caller's to say, in onFence.
    if (fenced) this.#o.logger.error('lease not renewed before it lapses', fields);
    else this.#o.logger.info('lease renewed again after it was about to lapse', fields);
    this.#o.onFence(fenced);
  }

  /** Writes the renewal; resolves to the Lease's resourceVersion after it. */
  async #write(sentAt: number): Promise<string> {
    if (this.#nodeUid === undefined) {
      const node = await this.#rest.get<KubeNode>(`/api/v1/nodes/${encodeURIComponent(this.#o.node)}`);
      if (node.metadata.uid === undefined) throw new Error(`Node ${this.#o.node} has no metadata.uid`);
      this.#nodeUid = node.metadata.uid;
    }
    for (let attempt = 0; ; attempt++) {
      let current: Lease | undefined;
      try {
        current = await this.#rest.get<Lease>(this.#path);
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
      const desired = this.#desired(current, sentAt);
      try {
        const written =
          current === undefined
            ? await this.#rest.create<Lease>(this.#collection, desired)
            : await this.#rest.replace<Lease>(this.#path, desired);
        return written.metadata.resourceVersion ?? '';
      } catch (err) {
        // 409: someone wrote the Lease between our read and write (or it appeared): read again.
        if (!isStatus(err, 409) || attempt >= MAX_CONFLICT_RETRIES) throw err;
        this.#o.logger.debug('lease conflict; re-reading', { lease: leaseName(this.#o.node), attempt });
      }
    }
  }

  /** The Lease's annotations after this renewal: others' kept, ours written, an empty report removed. */
  #annotations(current: Lease | undefined): Record<string, string> {
    const out: Record<string, string> = {
      ...current?.metadata.annotations,
      [ANNOTATION_SUBNETS]: this.#o.subnets().join(','),
      [ANNOTATION_INSTANCE]: this.#o.instance,
    };
    const reports = this.#o.reports?.();
    if (reports === undefined) return out;
    const values = [
      [ANNOTATION_CARRIER_DOWN, formatCarrierDown(reports.carrierDown)],
      [ANNOTATION_REFUSED, formatRefused(reports.refused)],
    ] as const;
    for (const [key, value] of values) {
      if (value === '') delete out[key];
      else out[key] = value;
    }
    return out;
  }

  #desired(current: Lease | undefined, sentAt: number): Lease {
    const renewTime = formatMicroTime(sentAt);
    const heldByUs = current?.spec?.holderIdentity === this.#o.node && current.spec.acquireTime !== undefined;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        ...current?.metadata,
        name: leaseName(this.#o.node),
        namespace: this.#o.namespace,
        annotations: this.#annotations(current),
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Node', name: this.#o.node, uid: this.#nodeUid as string },
        ],
      },
      spec: {
        ...current?.spec,
        holderIdentity: this.#o.node,
        leaseDurationSeconds: this.#o.leaseDurationSeconds,
        acquireTime: heldByUs ? current?.spec?.acquireTime : renewTime,
        renewTime,
      },
    };
  }
}
