// The node's one level-triggered reconcile. Any change (a source's onChange, a netlink event, the
// periodic resync) only marks it dirty; a run reads the whole current state, asks the core for the
// desired state and the plan, probes the addresses it is about to claim for the first time, applies
// the plan, and records what it did. A change that arrives during a run schedules exactly one more
// run, however many arrive. No placement rule lives here.
import {
  advertisedSubnets,
  CARRIER_HOLD_MS,
  type ConfigMemory,
  carrierDownInterfaces,
  DecisionMemo,
  type DesiredState,
  deadManLifetime,
  type GarpConfig,
  invalidConfigText,
  type LocalAgentConfig,
  type Member,
  type NodeNetwork,
  type Ownership,
  type Placement,
  type PlanOp,
  PURELB_ADDRESS_PROTOCOL,
  planReconcile,
  poolSubnets,
  selectAgent,
  takeovers,
} from '@purelb-ts/core';
import type { Action, Address } from '@purelb-ts/netlink-native';
import type { Logger } from '../log.ts';
import type { OpResult } from '../network/apply-plan.ts';
import { opFields, opSummary } from '../network/apply-plan.ts';
import { CarrierHold } from '../network/carrier-hold.ts';
import { AddressConflicts } from '../network/conflicts.ts';
import { dadFailedIn, dadFailureIn, tentative } from '../network/dad.ts';
import type { EvidenceFence } from '../network/evidence-fence.ts';
import type { MonitorInterest } from '../network/monitor-interest.ts';
import type { OwnEchoes } from '../network/own-echoes.ts';
import { addedPlacements, type ClaimProbe, firstClaims } from '../network/probe-claims.ts';
import {
  decideNode,
  type MembershipSource,
  type NodeDecision,
  nodeConfig,
  nodeLabelsOf,
} from '../node-decision.ts';
import type { ClusterState, ObjectSource } from '../sources/source.ts';
import { HandoffGate, type HandoffOutcome } from './handoff.ts';
import { LifetimeRefresher } from './lifetime-refresh.ts';
import { ReportedOnce } from './reported-once.ts';
import { type ElectionChanges, invalidObject, type ReconcileSummary } from './summary.ts';

/** Who wins each local address in a desired state: this node, another node, or nobody known (undefined). */
function electionOutcome(node: string, d: DesiredState): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const s of d.skips) if (!out.has(s.ip)) out.set(s.ip, s.code === 'not-winner' ? s.winner : undefined);
  for (const p of d.placements) if (p.kind === 'local') out.set(p.ip, node);
  return out;
}

export interface ReconcilerOptions {
  node: string;
  source: Pick<ObjectSource, 'snapshot'>;
  readNetwork: () => Promise<NodeNetwork>;
  apply: (plan: readonly PlanOp[], network: NodeNetwork) => Promise<OpResult[]>;
  /** Told before each apply which address notifications it will cause (the network watch skips them). */
  echoes?: OwnEchoes;
  log: Logger;
  /** Standalone: this node is the only member (it wins every local address); else Lease membership. */
  standalone: boolean;
  /** Periodic resync; 0 disables it. Default 30 s. */
  resyncMs?: number;
  now?: () => number;
  onSummary?: (summary: ReconcileSummary) => void;
  /**
   * Self-fencing (Kubernetes mode): while this returns true, local placements are dropped from the
   * desired state, so this node withdraws (and does not add) local addresses.
   */
  fenced?: () => boolean;
  /** Sends GARP / unsolicited NA for a local address this node has just added (when configured). */
  announce?: (placement: Placement, garp: GarpConfig) => Promise<void>;
  /** Asks the segment whether anyone uses the local addresses about to be claimed (absent: no probe). */
  probe?: ClaimProbe;
  /** Kernels < 6.3 drop IFA_PROTO: PureLB's IPv4 label then proves ownership. */
  labelFallback?: boolean;
  /** Kubernetes mode: the election members as this node observes them (default: Leases as written). */
  membership?: (state: ClusterState) => MembershipSource;
  /**
   * Kubernetes mode, --fence evidence: while `cutOff()` (the Lease is not being renewed), local
   * addresses are kept and the fence watches for other hosts announcing them (evidence-fence.ts).
   */
  evidence?: { fence: EvidenceFence; cutOff: () => boolean };
  /** After each decision: where it could place addresses (the network watch filters by it). */
  onInterest?: (interest: MonitorInterest) => void;
  /**
   * Kubernetes mode: the election Lease's duration. Local addresses then live a little less unless
   * renewed (core's deadManLifetime), and a new winner waits that long at most for a live old holder
   * to let go (core's handoffWaits).
   */
  leaseSeconds?: number;
  /** Renews address lifetimes (replace-address, refresh-lifetime) between reconciles; absent: never. */
  refresh?: (ops: readonly PlanOp[], network: NodeNetwork) => Promise<OpResult[]>;
  /** How long carrier that came back must hold before its interface takes local addresses (core's CARRIER_HOLD_MS). */
  carrierHoldMs?: number;
  /** The advertised subnets changed (Kubernetes mode renews its Lease at once with them). */
  onSubnets?: (subnets: readonly string[]) => void;
  /** The interfaces without (trusted) carrier changed (Kubernetes mode renews its Lease with them). */
  onCarrierDown?: (interfaces: readonly string[]) => void;
}

/** Past the expiry itself, so the run finds the Lease lapsed (liveMembers: live while now < expiresAt). */
const EXPIRY_SLACK_MS = 5;
/** setTimeout's limit; a later expiry (a clock far off) gets no timer: any event re-plans it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The local placements of a desired state, by interface. */
function localByLink(d: DesiredState): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of d.placements) {
    if (p.kind !== 'local') continue;
    const ips = out.get(p.link) ?? [];
    ips.push(p.ip);
    out.set(p.link, ips);
  }
  return out;
}

/** The desired state without the local placements this node does not hold now. */
function heldLocalOnly(d: DesiredState, network: NodeNetwork): DesiredState {
  const held = new Set(network.addresses.map((a) => a.address));
  return { ...d, placements: d.placements.filter((p) => p.kind !== 'local' || held.has(p.ip)) };
}

const withoutLocal = (d: DesiredState): DesiredState => ({
  ...d,
  placements: d.placements.filter((p) => p.kind !== 'local'),
});

/** One decided run: the decision, the plan for it, and the desired state the plan was made against. */
interface Decided {
  decision: NodeDecision;
  desired: DesiredState;
  plan: PlanOp[];
  fenced: boolean;
  handoff: HandoffOutcome | undefined;
}

export class Reconciler {
  readonly #o: ReconcilerOptions;
  readonly #ownership: Ownership;
  #dirty = false;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  readonly #carrier: CarrierHold;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #runs = 0;
  #lastDesired: DesiredState | undefined;
  readonly #reported: ReportedOnce;
  #idle: (() => void)[] = [];
  #last: ReconcileSummary | undefined;
  #subnets: string[] = [];
  #carrierDown: string[] = [];
  #local: LocalAgentConfig | undefined;
  #memory: ConfigMemory | undefined;
  readonly #conflicts: AddressConflicts;
  /** The LBNodeAgent applying to this node at the last run ('' before the first run). */
  #agentKey: string | undefined = '';
  readonly #announcing = new Set<Promise<void>>();
  /** The last known winner of each local address still in the desired state. */
  #winners = new Map<string, string>();
  readonly #lifetimes: LifetimeRefresher;
  readonly #handoff: HandoffGate | undefined;
  #refreshDue = false;
  #refreshTimer: NodeJS.Timeout | undefined;
  #refreshAt = Number.POSITIVE_INFINITY;
  /** The last decision's core results, reused while their inputs read the same (a restore, a resync). */
  readonly #decisions = new DecisionMemo();

  constructor(options: ReconcilerOptions) {
    this.#o = options;
    this.#ownership = { protocol: PURELB_ADDRESS_PROTOCOL, labelFallback: options.labelFallback === true };
    this.#reported = new ReportedOnce(options.log);
    this.#conflicts = new AddressConflicts(options.now ?? Date.now);
    this.#lifetimes = new LifetimeRefresher(this.#ownership);
    this.#carrier = new CarrierHold(options.carrierHoldMs ?? CARRIER_HOLD_MS, () =>
      this.markDirty('carrier held long enough'),
    );
    const lease = options.standalone ? undefined : options.leaseSeconds;
    this.#handoff =
      lease === undefined
        ? undefined
        : new HandoffGate(options.node, lease * 1000, options.log, () =>
            this.markDirty('a handoff wait ends'),
          );
  }

  /** The network as elections see it: links whose carrier is not trusted yet are marked held. */
  async #readNetwork(): Promise<NodeNetwork> {
    return this.#carrier.judge(await this.#o.readNetwork());
  }

  /** Completed runs so far. */
  get runs(): number {
    return this.#runs;
  }

  get lastSummary(): ReconcileSummary | undefined {
    return this.#last;
  }

  /** The subnets this node advertises (core's advertisedSubnets over the last network read). */
  get subnets(): readonly string[] {
    return this.#subnets;
  }

  /** The candidate interfaces without trusted carrier (core's carrierDownInterfaces), at the last read. */
  get carrierDown(): readonly string[] {
    return this.#carrierDown;
  }

  get ownership(): Ownership {
    return this.#ownership;
  }

  /** Starts the periodic resync (the caller triggers the first run with markDirty). */
  startResync(): void {
    const ms = this.#o.resyncMs ?? 30_000;
    if (ms <= 0) return;
    this.#timer = setInterval(() => this.markDirty('periodic resync'), ms);
    this.#timer.unref();
  }

  /** Something may have changed: run soon; during a run, exactly one more run follows it. */
  markDirty(why = 'change'): void {
    if (this.#stopped) return;
    this.#dirty = true;
    if (this.#running !== undefined) return;
    this.#o.log.debug('reconcile scheduled', { reason: why });
    this.#running = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#loop());
  }

  /**
   * An address notification that is not the echo of the agent's own apply: a failed duplicate address
   * detection is recorded as a conflict at once (the kernel deleted, or flagged, the address).
   */
  observeAddress(action: Action, address: Address): void {
    if (action === 'del') this.#lifetimes.forget(address);
    const ip = dadFailureIn(action, address, this.#ownership);
    if (ip !== undefined) this.#dadFailed(ip);
  }

  /** Records a failed DAD; `rerun`: schedule a run to withdraw and report it (not when one is running). */
  #dadFailed(ip: string, rerun = true): void {
    if (this.#conflicts.active().has(ip)) return;
    this.#conflicts.record(ip, 'IPv6 duplicate address detection failed: another host on the link uses it');
    if (rerun) this.markDirty('duplicate address detection failed');
  }

  /**
   * Computes the advertised subnets (and the carrier-down interfaces) without reconciling: Kubernetes
   * mode writes them into its Lease before the first reconcile, so a restarted winner is a member
   * again before anything is planned.
   */
  async computeSubnets(): Promise<readonly string[]> {
    const state = this.#o.source.snapshot();
    const network = await this.#readNetwork();
    const config = nodeConfig(state, this.#o.node, network, this.#memory);
    const agent = selectAgent(config.agents, nodeLabelsOf(state, this.#o.node));
    this.#subnets = advertisedSubnets(network, agent?.local);
    this.#carrierDown = carrierDownInterfaces(network, agent?.local);
    return this.#subnets;
  }

  /** Resolves when no run is in progress or pending. */
  whenIdle(): Promise<void> {
    if (this.#running === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #loop(): Promise<void> {
    while ((this.#dirty || this.#refreshDue) && !this.#stopped) {
      if (this.#refreshDue) {
        this.#refreshDue = false;
        await this.#refreshLifetimes();
      }
      if (this.#dirty) {
        this.#dirty = false;
        await this.reconcileOnce();
      }
    }
    this.#running = undefined;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** One full reconcile. Never throws: a failure is logged and recorded in the summary. */
  async reconcileOnce(): Promise<ReconcileSummary> {
    const started = performance.now();
    let summary: ReconcileSummary;
    try {
      summary = await this.#run();
    } catch (err) {
      const failure = err instanceof Error ? err.message : String(err);
      this.#o.log.error('reconcile failed', { reason: failure });
      summary = {
        durationMs: 0,
        placements: [],
        ops: [],
        failedOps: 0,
        invalidConfig: [],
        invalidObjects: [],
        rejected: [],
        warnings: [],
        conflicts: this.#conflicts.entries(),
        errorSkips: [],
        failure,
        fenced: false,
      };
    }
    summary.durationMs = performance.now() - started;
    this.#runs++;
    this.#last = summary;
    this.#o.onSummary?.(summary);
    return summary;
  }

  /** Read, decide, probe the first claims (deciding again if someone answered), apply, announce. */
  async #run(): Promise<ReconcileSummary> {
    const state = this.#o.source.snapshot();
    const readAt = performance.now();
    const network = await this.#readNetwork();
    for (const ip of dadFailedIn(network, this.#ownership)) this.#dadFailed(ip, false);
    let d = this.#decide(state, network);
    if (await this.#probeFirstClaims(d, network)) d = this.#decide(state, network);
    const { decision, desired, plan, fenced } = d;
    this.#memory = decision.config.memory;
    this.#lastDesired = decision.desired;
    const election = this.#electionChanges(decision.desired);
    this.#report(decision);
    const echoes = plan.length === 0 ? undefined : this.#o.echoes?.expect(plan, network);
    const ops = plan.length === 0 ? [] : await this.#o.apply(plan, network);
    for (const r of ops) if (!r.ok && echoes?.has(r.op)) this.#o.echoes?.forget(echoes.get(r.op) as string);
    for (const r of ops) if (r.ok) this.#logApplied(r.op);
    this.#lifetimes.track(desired, network, ops, readAt);
    this.#scheduleRefresh();
    this.#announceTakeovers(ops);
    this.#retryConflictsLater();
    return {
      durationMs: 0,
      placements: desired.placements,
      ops,
      failedOps: ops.filter((r) => !r.ok).length,
      invalidConfig: decision.config.invalid.map(invalidConfigText),
      invalidObjects: decision.config.invalid.map(invalidObject),
      rejected: decision.rejected,
      warnings: decision.warnings,
      conflicts: this.#conflicts.entries(),
      errorSkips: desired.skips.filter((s) => s.error),
      desired,
      state: decision.state,
      fenced,
      election,
    };
  }

  /** Addresses the core must leave out: conflicts found by probe or DAD, and evidence-fenced ones. */
  #heldBack(): ReadonlyMap<string, string> {
    const conflicts = this.#conflicts.active();
    const evicted = this.#o.evidence?.fence.evicted();
    if (evicted === undefined || evicted.size === 0) return conflicts;
    return new Map([...conflicts, ...evicted]);
  }

  #decide(state: ClusterState, network: NodeNetwork): Decided {
    const membership: MembershipSource = this.#o.standalone
      ? { standalone: true }
      : (this.#o.membership?.(state) ?? { standalone: false, now: (this.#o.now ?? Date.now)() });
    const decision = decideNode({
      node: this.#o.node,
      state,
      network,
      membership,
      ownership: this.#ownership,
      conflicts: this.#heldBack(),
      memo: this.#decisions,
      ...(this.#memory === undefined ? {} : { memory: this.#memory }),
      ...(this.#handoff === undefined || this.#o.leaseSeconds === undefined
        ? {}
        : { localLifetimeSeconds: deadManLifetime(this.#o.leaseSeconds) }),
    });
    if (!membership.standalone) this.#runAtNextExpiry(decision.members, membership.now);
    this.#o.onInterest?.({
      virtualInterface: decision.desired.dummyInterface,
      links: network.links,
      poolSubnets: poolSubnets(decision.config.groups),
    });
    if (decision.subnets.join() !== this.#subnets.join()) this.#o.onSubnets?.(decision.subnets);
    this.#subnets = decision.subnets;
    const carrierChanged = decision.carrierDown.join(' ') !== this.#carrierDown.join(' ');
    this.#carrierDown = decision.carrierDown;
    if (carrierChanged) this.#o.onCarrierDown?.(decision.carrierDown);
    this.#local = decision.local;
    this.#o.evidence?.fence.update(this.#o.evidence.cutOff(), localByLink(decision.desired));
    // The election as the core decided it; fencing withholds addresses but does not change who wins.
    const fenced = this.#o.fenced?.() ?? false;
    let desired = fenced ? withoutLocal(decision.desired) : decision.desired;
    // A live old holder lets go before this node takes (see handoff.ts).
    const handoff = membership.standalone
      ? undefined
      : this.#handoff?.judge(desired, decision.state.services, decision.members, membership.now);
    if (handoff !== undefined) desired = handoff.desired;
    // Cut off from the API server, this node keeps what it holds and takes nothing new: its view of
    // who else is alive is frozen, so a new claim could only be a second holder.
    if (this.#o.evidence?.cutOff() === true) desired = heldLocalOnly(desired, network);
    return { decision, desired, plan: planReconcile(desired, network, this.#ownership), fenced, handoff };
  }

  /**
   * Before a local address is first claimed (added, not refreshed, not taken over from another
   * node), asks the segment whether another host uses it. True when someone answered: the caller
   * decides again, and the core leaves it out.
   */
  async #probeFirstClaims(d: Decided, network: NodeNetwork): Promise<boolean> {
    if (this.#o.probe === undefined) return false;
    const taken = takeovers(addedPlacements(d.plan), d.decision.state.services, this.#o.node);
    // Let go of by its live holder just now: a handoff, announced like any takeover. Given up on: probed.
    for (const [ip, from] of d.handoff?.released ?? []) taken.set(ip, from);
    for (const ip of d.handoff?.overdue ?? []) taken.delete(ip);
    const plan = d.plan;
    for (const [ip, from] of taken) {
      this.#conflicts.clear(ip);
      this.#o.log.info(`taking ${ip} over from node ${from}: announced, not probed`, {
        ip,
        reason: `node ${from} announces it (purelb.io/announcing annotation); its holder may still answer for it until its agent withdraws it`,
      });
    }
    const claims = firstClaims(plan, taken);
    if (claims.length === 0) return false;
    const answered = await this.#o.probe(claims, network);
    let found = false;
    for (const claim of claims) {
      for (const ip of claim.ips) {
        const evidence = answered.get(ip);
        if (evidence === undefined) {
          this.#conflicts.clear(ip);
          continue;
        }
        found = true;
        this.#conflicts.record(ip, evidence);
      }
    }
    return found;
  }

  /** Arms the next lifetime refresh: a third of the shortest lifetime held, or sooner if already armed so. */
  #scheduleRefresh(): void {
    const period = this.#o.refresh === undefined ? undefined : this.#lifetimes.periodMs();
    if (period === undefined || this.#stopped) return;
    const at = performance.now() + period;
    if (this.#refreshTimer !== undefined && this.#refreshAt <= at) return;
    clearTimeout(this.#refreshTimer);
    this.#refreshAt = at;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      this.#refreshAt = Number.POSITIVE_INFINITY;
      this.#refreshDue = true;
      if (!this.#stopped && this.#running === undefined)
        this.#running = Promise.resolve().then(() => this.#loop());
    }, period);
    this.#refreshTimer.unref();
  }

  /**
   * One batch of lifetime renewals, between reconciles (never during one: a replace would re-create
   * an address the run just withdrew). An address that may have expired already is not renewed: a
   * reconcile reads the kernel and decides it again.
   */
  async #refreshLifetimes(): Promise<void> {
    const refresh = this.#o.refresh;
    if (refresh === undefined) return;
    const { ops, lapsed, network } = this.#lifetimes.due();
    if (lapsed > 0) this.markDirty(`${lapsed} address lifetime(s) may have run out`);
    if (ops.length > 0) {
      const echoes = this.#o.echoes?.expect(ops, network);
      const sentAt = performance.now();
      const results = await refresh(ops, network);
      for (const r of results)
        if (!r.ok && echoes?.has(r.op)) this.#o.echoes?.forget(echoes.get(r.op) as string);
      this.#lifetimes.renewed(results, sentAt);
      if (results.some((r) => !r.ok)) this.markDirty('an address lifetime refresh failed');
    }
    this.#scheduleRefresh();
  }

  /** A held-back address is probed again when its backoff ends (a run, which probes it before claiming). */
  #retryConflictsLater(): void {
    clearTimeout(this.#retryTimer);
    const inMs = this.#conflicts.nextRetryIn();
    if (inMs === undefined) return;
    this.#retryTimer = setTimeout(
      () => this.markDirty('address conflict backoff ended'),
      inMs + EXPIRY_SLACK_MS,
    );
    this.#retryTimer.unref();
  }

  /** Logs what this run's decision says that an operator must see, each once while it stays true. */
  #report(decision: NodeDecision): void {
    this.#logAgent(decision.desired);
    this.#reported.begin();
    for (const c of decision.config.invalid) {
      this.#reported.error(invalidConfigText(c), {
        kind: c.kind,
        name: c.name,
        field: c.errors[0]?.path,
        reason: c.reason,
      });
    }
    for (const r of decision.rejected) {
      const reason = r.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      this.#reported.error(`${r.kind} ${r.name} is malformed and left out; everything else is placed`, {
        kind: r.kind,
        name: r.name,
        field: r.issues[0]?.path,
        reason,
      });
    }
    for (const w of decision.warnings) {
      this.#reported.warn(w.message, {
        code: w.code,
        service: w.service,
        ip: w.ip,
        interface: w.link,
        reason: w.fix,
      });
    }
    for (const s of decision.desired.skips) {
      const fields = { service: s.service, ip: s.ip, code: s.code, reason: s.reason };
      if (s.error) this.#reported.error(`not placed as asked: ${s.reason}`, fields);
      else this.#reported.debug(`not placed on this node: ${s.reason}`, fields);
    }
    this.#reported.end();
  }

  #electionChanges(decided: DesiredState): ElectionChanges {
    const node = this.#o.node;
    const now = electionOutcome(node, decided);
    const changes: ElectionChanges = { wins: [], losses: [], winnerChanges: [] };
    const next = new Map<string, string>();
    for (const [ip, winner] of now) {
      const before = this.#winners.get(ip);
      if (winner === node && before !== node) changes.wins.push(ip);
      if (before === node && winner !== node) changes.losses.push(ip);
      if (winner !== undefined && before !== undefined && winner !== before) changes.winnerChanges.push(ip);
      const known = winner ?? before;
      if (known !== undefined) next.set(ip, known);
    }
    // An address no longer in the desired state (its Service is gone) is forgotten, not lost.
    this.#winners = next;
    return changes;
  }

  /**
   * A Lease that merely lapses sends no event, yet it changes the election: without this, a dead
   * winner's address moved only at the next renewal event of a live node after its expiry (up to
   * half a lease duration late). Runs again just after the earliest live member's Lease expires;
   * any earlier run (every renewal is an event) moves the timer.
   */
  #runAtNextExpiry(members: readonly Member[], now: number): void {
    clearTimeout(this.#expiryTimer);
    this.#carrier.stop();
    this.#expiryTimer = undefined;
    const next = Math.min(...members.map((m) => m.expiresAt));
    const delay = next - now + EXPIRY_SLACK_MS;
    if (!Number.isFinite(delay) || delay > MAX_TIMER_MS) return;
    this.#expiryTimer = setTimeout(() => this.markDirty('a Lease expires'), Math.max(0, delay));
    this.#expiryTimer.unref();
  }

  /** Local addresses just added here are a takeover: announce them if the LBNodeAgent asks for it. */
  #announceTakeovers(ops: readonly OpResult[]): void {
    const garp = this.#local?.garp;
    const announce = this.#o.announce;
    if (garp === undefined || !garp.enabled || announce === undefined) return;
    for (const r of ops) {
      if (!r.ok || r.op.op !== 'add-address' || r.op.placement.kind !== 'local') continue;
      const sent = announce(r.op.placement, garp).finally(() => this.#announcing.delete(sent));
      this.#announcing.add(sent);
    }
  }

  /**
   * Waits (up to `timeoutMs`) until duplicate address detection has finished for every local IPv6
   * address the last run added, and records those that failed (deleted while tentative, or flagged
   * dadfailed) as conflicts. For `--once`, which must not report success for an address the kernel is
   * about to drop. Returns the failed addresses.
   */
  async settleDuplicateAddressDetection(timeoutMs = 5000, pollMs = 100): Promise<string[]> {
    const added = (this.#last?.ops ?? []).flatMap((r) =>
      r.ok && r.op.op === 'add-address' && r.op.placement.kind === 'local' && r.op.placement.family === 6
        ? [r.op.placement]
        : [],
    );
    const deadline = performance.now() + timeoutMs;
    const failed = new Set<string>();
    let pending = added;
    while (pending.length > 0) {
      const network = await this.#readNetwork();
      const still: Placement[] = [];
      for (const p of pending) {
        const index = network.links.find((l) => l.name === p.link)?.index;
        const held = network.addresses.find((a) => a.index === index && a.family === 6 && a.address === p.ip);
        if (held === undefined || dadFailureIn('new', held, this.#ownership) !== undefined) failed.add(p.ip);
        else if (tentative(held)) still.push(p);
      }
      pending = still;
      if (pending.length === 0 || performance.now() > deadline) break;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    for (const ip of failed) this.#dadFailed(ip, false);
    return [...failed];
  }

  /** Resolves when every announcement started so far has been sent (or has failed and been logged). */
  async whenAnnounced(): Promise<void> {
    await Promise.all([...this.#announcing]);
  }

  /** Without an LBNodeAgent for this node nothing is announced: say so when that starts or ends. */
  #logAgent(desired: DesiredState): void {
    if (desired.agent === this.#agentKey) return;
    this.#agentKey = desired.agent;
    if (desired.keep?.node === true) return; // the frozen node's reason is logged with each address
    if (desired.agent === undefined) {
      this.#o.log.warn(`no LBNodeAgent selects node ${this.#o.node}: it announces nothing`, {
        reason: 'no LBNodeAgent with spec.local whose nodeSelector matches this node',
      });
    } else {
      this.#o.log.info(`LBNodeAgent ${desired.agent} applies to this node`, {
        dummyInterface: desired.dummyInterface,
      });
    }
  }

  #logApplied(op: PlanOp): void {
    const msg =
      op.op === 'add-address'
        ? 'address placed'
        : op.op === 'delete-address'
          ? 'address withdrawn'
          : op.op === 'replace-address'
            ? 'address updated'
            : 'interface ready';
    // A lifetime refresh happens every few minutes per local address: routine, so debug.
    const level = op.op === 'replace-address' && op.why === 'refresh-lifetime' ? 'debug' : 'info';
    this.#o.log[level](`${msg}: ${opSummary(op)}`, opFields(op));
  }

  /**
   * Graceful shutdown: stops reacting to changes and withdraws every address this node added (the
   * plan is made against the last desired state without any placement). Local ones first, so another
   * node takes them over; then the virtual interface's, so a routing daemon exporting its routes stops
   * advertising this node as a next hop (docs/routing.md). The virtual interface itself stays.
   */
  async withdrawAll(): Promise<OpResult[]> {
    this.stop();
    if (this.#running !== undefined) await this.#running;
    const desired = this.#lastDesired;
    if (desired === undefined) return [];
    const network = await this.#readNetwork();
    const dummy = desired.dummyInterface;
    const plan = planReconcile({ ...desired, placements: [] }, network, this.#ownership)
      .flatMap((op) =>
        op.op !== 'delete-address'
          ? []
          : [
              {
                ...op,
                reason:
                  op.link === dummy
                    ? 'the agent is shutting down: its routes stop being advertised from this node'
                    : 'the agent is shutting down: another node takes its local addresses over',
              },
            ],
      )
      .sort((a, b) => Number(a.link === dummy) - Number(b.link === dummy));
    const results = plan.length === 0 ? [] : await this.#o.apply(plan, network);
    for (const r of results) if (r.ok) this.#logApplied(r.op);
    return results;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    clearTimeout(this.#refreshTimer);
    this.#handoff?.stop();
    clearTimeout(this.#expiryTimer);
    this.#carrier.stop();
    clearTimeout(this.#retryTimer);
  }
}
