// The node's one level-triggered reconcile. Any change (a source's onChange, a netlink event, the
// periodic resync) only marks it dirty; a run reads the whole current state, asks the core for the
// desired state and the plan, applies it, and records what it did. A change that arrives during a run
// schedules exactly one more run, however many arrive. No placement rule lives here.
import {
  advertisedSubnets,
  type DesiredState,
  type GarpConfig,
  type LocalAgentConfig,
  type Member,
  type NodeNetwork,
  type Ownership,
  type Placement,
  type PlanOp,
  PURELB_ADDRESS_PROTOCOL,
  planReconcile,
  selectAgent,
} from '@purelb-ts/core';
import type { Logger } from './log.ts';
import type { OpResult } from './network/apply-plan.ts';
import { opFields, opSummary } from './network/apply-plan.ts';
import type { OwnEchoes } from './network/own-echoes.ts';
import { decideNode, nodeLabelsOf, parseSnapshotConfig, type SnapshotConfig } from './node-decision.ts';
import type { ClusterState, ObjectSource } from './sources/source.ts';

export interface ReconcileSummary {
  /** Milliseconds the run took. */
  durationMs: number;
  placements: DesiredState['placements'];
  ops: OpResult[];
  failedOps: number;
  /** ServiceGroups / LBNodeAgents that did not parse (each logged with its field path). */
  invalidConfig: string[];
  /** The same, as the objects they are about (for events regarding them). */
  invalidObjects: InvalidObject[];
  /** Error skips of the desired state (e.g. an ambiguous default route). */
  errorSkips: DesiredState['skips'];
  /** Set when the run itself failed (reading the network, planning). */
  failure?: string;
  /** The desired state and the snapshot it came from (absent when the run failed before deciding). */
  desired?: DesiredState;
  state?: ClusterState;
  /** true when local placements were dropped because this node is fenced (its Lease may lapse). */
  fenced: boolean;
  /** How the election for local addresses moved since the previous run (absent when the run failed). */
  election?: ElectionChanges;
}

/** A ServiceGroup or LBNodeAgent that did not parse, and why (field paths and bad values). */
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
}

/** Local-address election transitions between two successive desired states, by IP. */
export interface ElectionChanges {
  /** This node wins these now and did not at the previous run. */
  wins: string[];
  /** This node won these at the previous run; they are still wanted, but another node (or none) wins. */
  losses: string[];
  /** The known winner of these differs from the last known winner. */
  winnerChanges: string[];
}

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
}

/** The config problems of one run, as log lines and as the objects events go to. */
function configProblems(config: SnapshotConfig, log: Logger, seen: Set<string>, next: Set<string>) {
  const lines: string[] = [];
  const objects: InvalidObject[] = [];
  for (const p of config.invalid) {
    const field = p.errors[0]?.path;
    lines.push(p.line);
    objects.push({
      kind: p.kind,
      namespace: p.object.metadata.namespace ?? '',
      name: p.object.metadata.name,
      uid: p.object.metadata.uid,
      resourceVersion: p.object.metadata.resourceVersion,
      field,
      reason: p.reason,
    });
    next.add(p.line);
    // Logged when it first appears, not on every run (a resync would repeat it every 30 s).
    if (!seen.has(p.line)) log.error(p.line, { kind: p.kind, name: p.name, field, reason: p.reason });
  }
  return { lines, objects };
}

/** Past the expiry itself, so the run finds the Lease lapsed (liveMembers: live while now < expiresAt). */
const EXPIRY_SLACK_MS = 5;
/** setTimeout's limit; a later expiry (a clock far off) gets no timer: any event re-plans it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const withoutLocal = (d: DesiredState): DesiredState => ({
  ...d,
  placements: d.placements.filter((p) => p.kind !== 'local'),
});

const skipKey = (s: DesiredState['skips'][number]): string =>
  `${s.service}\u0000${s.ip}\u0000${s.code}\u0000${s.reason}`;

export class Reconciler {
  readonly #o: ReconcilerOptions;
  readonly #ownership: Ownership = { protocol: PURELB_ADDRESS_PROTOCOL, dummyInterface: 'kube-lb0' };
  #dirty = false;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #runs = 0;
  #lastDesired: DesiredState | undefined;
  #loggedSkips = new Set<string>();
  #loggedConfig = new Set<string>();
  #idle: (() => void)[] = [];
  #last: ReconcileSummary | undefined;
  #subnets: string[] = [];
  #local: LocalAgentConfig | undefined;
  /** The LBNodeAgent applying to this node at the last run ('' before the first run). */
  #agentKey: string | undefined = '';
  readonly #announcing = new Set<Promise<void>>();
  /** The last known winner of each local address still in the desired state. */
  #winners = new Map<string, string>();

  constructor(options: ReconcilerOptions) {
    this.#o = options;
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
   * Computes the advertised subnets without reconciling: Kubernetes mode writes them into its Lease
   * before the first reconcile, so a restarted winner is a member again before anything is planned.
   */
  async computeSubnets(): Promise<readonly string[]> {
    const state = this.#o.source.snapshot();
    const network = await this.#o.readNetwork();
    const config = parseSnapshotConfig(state);
    const agent = selectAgent(config.agents, nodeLabelsOf(state, this.#o.node));
    this.#subnets = advertisedSubnets(network, agent?.local);
    return this.#subnets;
  }

  /** Resolves when no run is in progress or pending. */
  whenIdle(): Promise<void> {
    if (this.#running === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #loop(): Promise<void> {
    while (this.#dirty && !this.#stopped) {
      this.#dirty = false;
      await this.reconcileOnce();
    }
    this.#running = undefined;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** One full reconcile. Never throws: a failure is logged and recorded in the summary. */
  async reconcileOnce(): Promise<ReconcileSummary> {
    const started = performance.now();
    const { log } = this.#o;
    let summary: ReconcileSummary;
    const nextConfig = new Set<string>();
    let invalid: string[] = [];
    let invalidObjects: InvalidObject[] = [];
    try {
      const state = this.#o.source.snapshot();
      const network = await this.#o.readNetwork();
      const config = parseSnapshotConfig(state);
      ({ lines: invalid, objects: invalidObjects } = configProblems(
        config,
        log,
        this.#loggedConfig,
        nextConfig,
      ));
      const decided = this.#decide(state, network, config);
      this.#lastDesired = decided;
      // The election as the core decided it; fencing withholds addresses but does not change who wins.
      const election = this.#electionChanges(decided);
      const fenced = this.#o.fenced?.() ?? false;
      const desired = fenced ? withoutLocal(decided) : decided;
      this.#ownership.dummyInterface = desired.dummyInterface;
      this.#logAgent(decided);
      this.#logSkips(desired);
      const plan = planReconcile(desired, network, this.#ownership);
      const echoes = plan.length === 0 ? undefined : this.#o.echoes?.expect(plan, network);
      const ops = plan.length === 0 ? [] : await this.#o.apply(plan, network);
      for (const r of ops) if (!r.ok && echoes?.has(r.op)) this.#o.echoes?.forget(echoes.get(r.op) as string);
      for (const r of ops) if (r.ok) this.#logApplied(r.op);
      this.#announceTakeovers(ops);
      summary = {
        durationMs: 0,
        placements: desired.placements,
        ops,
        failedOps: ops.filter((r) => !r.ok).length,
        invalidConfig: invalid,
        invalidObjects,
        errorSkips: desired.skips.filter((s) => s.error),
        desired,
        state,
        fenced,
        election,
      };
    } catch (err) {
      const failure = err instanceof Error ? err.message : String(err);
      log.error('reconcile failed', { reason: failure });
      summary = {
        durationMs: 0,
        placements: [],
        ops: [],
        failedOps: 0,
        invalidConfig: invalid,
        invalidObjects,
        errorSkips: [],
        failure,
        fenced: false,
      };
    }
    this.#loggedConfig = nextConfig;
    summary.durationMs = performance.now() - started;
    this.#runs++;
    this.#last = summary;
    this.#o.onSummary?.(summary);
    return summary;
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

  #decide(state: ClusterState, network: NodeNetwork, config: SnapshotConfig): DesiredState {
    const membership = this.#o.standalone
      ? ({ standalone: true } as const)
      : ({ standalone: false, now: (this.#o.now ?? Date.now)() } as const);
    const d = decideNode({ node: this.#o.node, state, network, config, membership });
    if (!membership.standalone) this.#runAtNextExpiry(d.members, membership.now);
    this.#subnets = d.subnets;
    this.#local = d.local;
    return d.desired;
  }

  /**
   * A Lease that merely lapses sends no event, yet it changes the election: without this, a dead
   * winner's address moved only at the next renewal event of a live node after its expiry (up to
   * half a lease duration late). Runs again just after the earliest live member's Lease expires;
   * any earlier run (every renewal is an event) moves the timer.
   */
  #runAtNextExpiry(members: readonly Member[], now: number): void {
    clearTimeout(this.#expiryTimer);
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

  /** Resolves when every announcement started so far has been sent (or has failed and been logged). */
  async whenAnnounced(): Promise<void> {
    await Promise.all([...this.#announcing]);
  }

  /** Without an LBNodeAgent for this node nothing is announced: say so when that starts or ends. */
  #logAgent(desired: DesiredState): void {
    if (desired.agent === this.#agentKey) return;
    this.#agentKey = desired.agent;
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

  #logSkips(desired: DesiredState): void {
    const next = new Set<string>();
    for (const s of desired.skips) {
      const key = skipKey(s);
      next.add(key);
      if (this.#loggedSkips.has(key)) continue;
      const fields = { service: s.service, ip: s.ip, code: s.code, reason: s.reason };
      if (s.error) this.#o.log.error(`not placed as asked: ${s.reason}`, fields);
      else this.#o.log.debug(`not placed on this node: ${s.reason}`, fields);
    }
    this.#loggedSkips = next;
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
   * Graceful shutdown: stops reacting to changes and withdraws this node's LOCAL addresses (the plan is
   * made against the last desired state without its local placements), so another node can take them
   * over. Virtual addresses stay: every eligible node carries them anyway.
   */
  async withdrawLocal(): Promise<OpResult[]> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    clearTimeout(this.#expiryTimer);
    if (this.#running !== undefined) await this.#running;
    const desired = this.#lastDesired;
    if (desired === undefined) return [];
    const network = await this.#o.readNetwork();
    const plan = planReconcile(withoutLocal(desired), network, this.#ownership).flatMap((op) =>
      op.op === 'delete-address'
        ? [{ ...op, reason: 'the agent is shutting down: another node takes its local addresses over' }]
        : [],
    );
    const results = plan.length === 0 ? [] : await this.#o.apply(plan, network);
    for (const r of results) if (r.ok) this.#logApplied(r.op);
    return results;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    clearTimeout(this.#expiryTimer);
  }
}
