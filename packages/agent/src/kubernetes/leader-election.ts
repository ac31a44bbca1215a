// Leader election on one coordination.k8s.io Lease, the way client-go's leaderelection does it:
// candidates read the Lease every retry period; a Lease whose record has not changed for its whole
// duration, BY THE CANDIDATE'S OWN CLOCK (so clocks need not agree), or whose holder is empty, is
// taken with a resourceVersion precondition (one winner; the others get 409). The leader renews
// every retry period and stops leading, calling onStoppedLeading, when it has not renewed for the
// renew deadline (two thirds of the duration): it stops acting a third of a duration before any
// candidate may take over. stop() hands the Lease back (empty holder) so a standby takes over at
// once instead of after the duration.
import type { Lease } from '@purelb-ts/core';
import type { Logger } from '../log.ts';
import { formatMicroTime } from './micro-time.ts';
import { isStatus, type KubeRest } from './rest.ts';

export interface LeaderElectionOptions {
  namespace: string;
  /** The Lease's name, e.g. purelb-allocator. */
  name: string;
  /** This candidate (pod name + a random suffix: two processes never share it). */
  identity: string;
  leaseDurationSeconds: number;
  logger: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  now?: () => number;
}

type LeaderLease = Lease & { spec?: Lease['spec'] & { leaseTransitions?: number } };

export class LeaderElector {
  readonly #rest: KubeRest;
  readonly #o: LeaderElectionOptions;
  readonly #now: () => number;
  readonly #durationMs: number;
  readonly #retryMs: number;
  readonly #deadlineMs: number;
  readonly #collection: string;
  readonly #path: string;
  #leading = false;
  #lastRenew = 0;
  /** The last record seen (holder, renewTime, resourceVersion) and when, by our clock, it changed. */
  #observed = '';
  #observedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #running = false;
  #inFlight: Promise<void> | undefined;

  constructor(rest: KubeRest, options: LeaderElectionOptions) {
    const d = options.leaseDurationSeconds;
    if (!Number.isInteger(d) || d < 1) {
      throw new Error(`leaseDurationSeconds must be a whole number of seconds >= 1, got ${d}`);
    }
    if (options.identity === '') throw new Error('LeaderElector: identity must not be empty');
    this.#rest = rest;
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#durationMs = d * 1000;
    this.#retryMs = this.#durationMs / 5;
    this.#deadlineMs = (this.#durationMs * 2) / 3;
    const ns = encodeURIComponent(options.namespace);
    this.#collection = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
    this.#path = `${this.#collection}/${encodeURIComponent(options.name)}`;
  }

  get identity(): string {
    return this.#o.identity;
  }

  /** True while leading and renewed within the renew deadline: the only time a leader may write. */
  canAct(): boolean {
    return this.#leading && this.#now() - this.#lastRenew < this.#deadlineMs;
  }

  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#tick();
  }

  /** Stops campaigning; a leader stops leading and hands the Lease back. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    clearTimeout(this.#deadlineTimer);
    await this.#inFlight;
    clearTimeout(this.#deadlineTimer);
    if (!this.#leading) return;
    this.#setLeading(false, 'stopped');
    try {
      const current = await this.#rest.get<LeaderLease>(this.#path);
      if (current.spec?.holderIdentity !== this.#o.identity) return;
      await this.#rest.replace(this.#path, {
        ...current,
        spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1 },
      });
      this.#o.logger.info('leader lease handed back', { lease: this.#o.name });
    } catch (err) {
      this.#o.logger.warn('leader lease not handed back; it lapses instead', {
        lease: this.#o.name,
        reason: err,
      });
    }
  }

  async #tick(): Promise<void> {
    this.#inFlight = this.#attempt();
    await this.#inFlight;
    this.#inFlight = undefined;
    if (!this.#running) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#retryMs);
  }

  async #attempt(): Promise<void> {
    const at = this.#now();
    try {
      if (await this.#tryAcquireOrRenew(at)) {
        this.#lastRenew = at;
        this.#setLeading(true, 'acquired');
        // A renewal that hangs must not keep this leader acting past the deadline.
        clearTimeout(this.#deadlineTimer);
        this.#deadlineTimer = setTimeout(() => {
          if (this.#leading && !this.canAct()) this.#setLeading(false, 'renew deadline passed');
        }, this.#deadlineMs + 1);
      } else {
        // Another holder, or our renewal lost a write race: someone else leads now.
        this.#setLeading(false, 'another candidate holds the lease');
      }
      return;
    } catch (err) {
      this.#o.logger[this.#leading ? 'warn' : 'debug']('leader lease not renewed', {
        lease: this.#o.name,
        reason: err,
      });
    }
    // Unreachable API server: keep acting only until the renew deadline.
    if (this.#leading && !this.canAct()) this.#setLeading(false, 'renew deadline passed');
  }

  /** True when this candidate holds the Lease after the call. */
  async #tryAcquireOrRenew(at: number): Promise<boolean> {
    const time = formatMicroTime(at);
    let current: LeaderLease | undefined;
    try {
      current = await this.#rest.get<LeaderLease>(this.#path);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    const spec = {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: this.#o.leaseDurationSeconds,
      acquireTime: time,
      renewTime: time,
      leaseTransitions: 0,
    };
    if (current === undefined) {
      return this.#write(() =>
        this.#rest.create(this.#collection, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.#o.name, namespace: this.#o.namespace },
          spec,
        }),
      );
    }
    const holder = current.spec?.holderIdentity ?? '';
    const record = `${holder}|${current.spec?.renewTime ?? ''}|${current.metadata.resourceVersion ?? ''}`;
    if (record !== this.#observed) {
      this.#observed = record;
      this.#observedAt = at;
    }
    const ours = holder === this.#o.identity;
    const durationMs = (current.spec?.leaseDurationSeconds ?? this.#o.leaseDurationSeconds) * 1000;
    if (!ours && holder !== '' && at < this.#observedAt + durationMs) return false;
    const transitions = current.spec?.leaseTransitions ?? 0;
    return this.#write(() =>
      this.#rest.replace(this.#path, {
        ...current,
        spec: {
          ...current.spec,
          ...spec,
          acquireTime: ours ? (current.spec?.acquireTime ?? time) : time,
          leaseTransitions: ours ? transitions : transitions + 1,
        },
      }),
    );
  }

  /** A write that loses to another writer (409) means someone else holds the Lease. */
  async #write(op: () => Promise<unknown>): Promise<boolean> {
    try {
      await op();
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  #setLeading(leading: boolean, why: string): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    const fields = { lease: this.#o.name, identity: this.#o.identity, reason: why };
    if (leading) {
      this.#o.logger.info('leading: this allocator now acts', fields);
      this.#o.onStartedLeading();
    } else {
      this.#o.logger.warn('stopped leading: this allocator stops acting', fields);
      this.#o.onStoppedLeading();
    }
  }
}
