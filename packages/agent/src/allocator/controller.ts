// The allocator controller: informers on Services (all namespaces) and ServiceGroups (PureLB's
// namespace) feed ONE work queue; the queue's single worker runs one idempotent reconcile per key.
// The node agents' Leases are followed too: a multiPool local group hands out a range only where
// a live node has its subnet. Keys: a Service ("svc:ns/name"), GROUPS (re-read the ServiceGroups, then every Service), REBUILD
// (forget everything, rebuild the Allocator from a fresh LIST of Services, then every Service) and
// STATUS (ServiceGroup status and pool metrics from the Allocator's usage) and AGENTS (LBNodeAgent
// status: the live node Leases each one selects, checked on every Lease or LBNodeAgent change and
// every membershipCheckMs, as a Lease lapses without any event) and CONDITIONS (the Services'
// purelb.io/Allocated and purelb.io/Announced conditions: conditions-pass.ts). EndpointSlices are
// followed, reduced to the nodes with a ready endpoint, for the externalTrafficPolicy Local reason.
//
// Racing allocators. Optimistic concurrency alone does not stop two replicas from giving one free
// address to two different Services (each write is to a different object and succeeds). So only
// the holder of the Lease purelb-allocator acts (leader-election.ts); a standby keeps its caches
// warm and takes over within the lease duration, starting with a REBUILD from a fresh LIST (a
// consistent read that includes everything the old leader wrote). The old leader stops writing a
// third of a duration before anyone may take over. As a safety net for what leases cannot exclude
// (a write still in flight across a handover, a hand edit, another allocator not using the Lease),
// a watched Service that shows an address the ledger gives to another Service triggers a REBUILD:
// core's rebuild keeps the address for the older Service (creationTimestamp, then namespace/name)
// and the other is re-allocated. A write racing a user edit gets 409 and is decided again.
import { randomBytes } from 'node:crypto';
import {
  Allocator,
  ANNOTATION_ALLOCATED_BY,
  type CustomResource,
  type EndpointSlice,
  effectiveConfig,
  formatCidr,
  handlesService,
  type KubeNode,
  type LBNodeAgentConfig,
  type Lease,
  LeaseObserver,
  liveMembers,
  type Membership,
  nodeAddresses,
  nodeIdentities,
  nodesStandingAside,
  type Orphan,
  type PreparedGroups,
  PURELB_BRAND,
  prepareGroups,
  readsEndpointNodes,
  type Service,
  type ServiceGroupConfig,
  serviceKey,
} from '@purelb-ts/core';
import type { ClusterAccess } from '../kubernetes/client/access.ts';
import { Transport } from '../kubernetes/client/transport.ts';
import { EventRecorder } from '../kubernetes/events.ts';
import {
  type InformerEvent,
  type Keyed,
  listPages,
  MAX_RESTART_DELAY_MS,
  RestartingInformer,
} from '../kubernetes/informer.ts';
import { LeaderElector } from '../kubernetes/leader-election.ts';
import { projectCustomResource, projectLease, projectNode, projectService } from '../kubernetes/project.ts';
import { isStatus, KubeRest } from '../kubernetes/rest.ts';
import { PURELB_API } from '../kubernetes/source.ts';
import { TokenBucket } from '../kubernetes/token-bucket.ts';
import type { Logger } from '../log.ts';
import { AgentStatusWriter, agentKey, agentStatuses } from './agent-status.ts';
import { recordCollisions, warnNodeAddresses } from './cluster-warnings.ts';
import { conditionWorld, type WorldInput, worldFingerprint } from './condition-world.ts';
import { ConditionsPass, type ConditionWorld, projectConditionedService } from './conditions-pass.ts';
import { EndpointIndex, projectEndpointNodes } from './endpoint-index.ts';
import { groupStatus, writeGroupStatus } from './group-status.ts';
import { type GroupSet, readGroups } from './groups.ts';
import type { AllocatorMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { NotLeading, ServiceReconciler } from './service-reconcile.ts';

export const ALLOCATOR_CONTROLLER = 'purelb.io/allocator';
export const LEADER_LEASE = 'purelb-allocator';

const REBUILD = '\u0000rebuild';
const GROUPS = '\u0000groups';
const STATUS = '\u0000status';
const NODES = '\u0000nodes';
const AGENTS = '\u0000agents';
const CONDITIONS = '\u0000conditions';
const SVC = 'svc:';

export interface AllocatorControllerOptions {
  /** Where the API server is and who this is (loadAccess). */
  access: ClusterAccess;
  /** PureLB's namespace: ServiceGroups and the leader Lease. */
  namespace: string;
  defaultAnnouncer: boolean;
  logger: Logger;
  metrics: AllocatorMetrics;
  /** Leader-election identity; a random suffix keeps two processes of one pod name apart. */
  identity: string;
  leaseDurationSeconds: number;
  /** Full pass over every Service this often (0: never). */
  resyncMs: number;
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  retryBaseDelayMs?: number;
  /** How often Lease liveness is judged again for LBNodeAgent status and conditions (default 2000 ms). */
  membershipCheckMs?: number;
  /** Service condition writes: burst, then one more every refill (default 50, then one every 20 ms). */
  conditionBudget?: { burst: number; refillMs: number };
}

export class AllocatorController {
  readonly #o: AllocatorControllerOptions;
  readonly #transport: Transport;
  readonly #rest: KubeRest;
  readonly #allocator: Allocator;
  readonly #services: RestartingInformer<Service>;
  readonly #groupFeed: RestartingInformer<CustomResource>;
  /** The node agents' Leases: which subnets have a live node (multiPool local groups). */
  readonly #leases: RestartingInformer<Lease>;
  /** Every Node: their status.addresses are never handed out. */
  readonly #nodes: RestartingInformer<KubeNode>;
  /** The LBNodeAgents: whose nodes stand aside, and whose status counts their live Leases. */
  readonly #agentFeed: RestartingInformer<CustomResource>;
  /** The valid LBNodeAgents, parsed from the informer's list (the same array until it changes). */
  #agents: { from: CustomResource[]; agents: LBNodeAgentConfig[] } | undefined;
  /** Every EndpointSlice, as the nodes hosting a usable endpoint (endpoint-index.ts). */
  readonly #slices: RestartingInformer<EndpointSlice>;
  readonly #endpoints = new EndpointIndex();
  readonly #conditions: ConditionsPass;
  /** The valid groups as core's answerFor reads them, for the groups they were prepared from. */
  #prepared: { from: ServiceGroupConfig[]; groups: PreparedGroups } | undefined;
  /** The cluster-wide condition inputs last seen (condition-world.ts); a change re-decides every Service. */
  #fingerprint: string | undefined;
  #conditionRetry: NodeJS.Timeout | undefined;
  /** Lease liveness as this allocator observed it (core's LeaseObserver), as the agents judge it. */
  readonly #observer = new LeaseObserver();
  /** The Node addresses last given to the Allocator (heartbeats change nothing of them). */
  #nodeKey: string | undefined;
  readonly #queue: WorkQueue;
  readonly #elector: LeaderElector;
  readonly #recorder: EventRecorder;
  readonly #reconciler: ServiceReconciler;
  #groups: GroupSet = { valid: [], invalid: new Map() };
  /** Services whose allocation was refused: retried when addresses are freed. */
  readonly #failed = new Set<string>();
  #rebuilt = false;
  #synced: () => void = () => {};
  #resync: NodeJS.Timeout | undefined;
  #membershipTimer: NodeJS.Timeout | undefined;
  readonly #agentStatus: AgentStatusWriter;

  constructor(options: AllocatorControllerOptions) {
    this.#o = options;
    const { logger } = options;
    this.#transport = new Transport(options.access);
    this.#rest = new KubeRest(this.#transport);
    this.#agentStatus = new AgentStatusWriter(this.#rest);
    const budget = options.conditionBudget ?? { burst: 50, refillMs: 20 };
    this.#conditions = new ConditionsPass({
      rest: this.#rest,
      metrics: options.metrics,
      logger,
      budget: new TokenBucket(budget.burst, budget.refillMs, () => performance.now()),
      defaultAnnouncer: options.defaultAnnouncer,
    });
    this.#allocator = new Allocator([], { defaultAnnouncer: options.defaultAnnouncer });
    const identity = `${options.identity}_${randomBytes(4).toString('hex')}`;
    this.#recorder = new EventRecorder(this.#rest, {
      controller: ALLOCATOR_CONTROLLER,
      instance: identity,
      logger,
    });
    const feed = <T extends Keyed>(
      kind: string,
      path: string,
      project: (raw: unknown) => T,
      onEvent: (e: InformerEvent, o: T) => void,
    ) =>
      new RestartingInformer<T>(this.#rest, {
        kind,
        path,
        project,
        logger,
        restartDelayMs: options.restartDelayMs ?? 500,
        maxRestartDelayMs: options.maxRestartDelayMs ?? MAX_RESTART_DELAY_MS,
        onEvent,
        onFirstList: () => this.#maybeSynced(),
      });
    this.#services = feed('Service', '/api/v1/services', projectConditionedService, (e, o) =>
      this.#serviceEvent(e, o),
    );
    this.#slices = feed(
      'EndpointSlice',
      '/apis/discovery.k8s.io/v1/endpointslices',
      projectEndpointNodes,
      (e, o) => this.#sliceEvent(e, o),
    );
    const ns = encodeURIComponent(options.namespace);
    this.#groupFeed = feed(
      'ServiceGroup',
      `${PURELB_API}/namespaces/${ns}/servicegroups`,
      projectCustomResource,
      () => this.#queue.add(GROUPS),
    );
    this.#leases = feed('Lease', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, projectLease, () =>
      this.#queue.add(AGENTS),
    );
    this.#nodes = feed('Node', '/api/v1/nodes', projectNode, () => {
      this.#queue.add(NODES);
      this.#queue.add(AGENTS);
    });
    this.#agentFeed = feed(
      'LBNodeAgent',
      `${PURELB_API}/namespaces/${ns}/lbnodeagents`,
      projectCustomResource,
      () => this.#queue.add(AGENTS),
    );
    this.#queue = new WorkQueue({
      handle: (key) => this.#handle(key),
      onRetry: (key, err, delayMs) => {
        const level = err instanceof NotLeading ? 'debug' : 'warn';
        logger[level]('reconcile failed; retrying', {
          key: key.replace(SVC, ''),
          reason: err,
          retryInMs: delayMs,
        });
      },
      ...(options.retryBaseDelayMs === undefined ? {} : { baseDelayMs: options.retryBaseDelayMs }),
    });
    // Renewals must not hang past the retry period: a blackholed request would hold the leader acting.
    const leaseRest = new KubeRest(this.#transport, { timeoutMs: (options.leaseDurationSeconds * 1000) / 5 });
    this.#elector = new LeaderElector(leaseRest, {
      namespace: options.namespace,
      name: LEADER_LEASE,
      identity,
      leaseDurationSeconds: options.leaseDurationSeconds,
      logger,
      onStartedLeading: () => {
        options.metrics.leader.set(1);
        this.#rebuilt = false;
        this.#queue.add(REBUILD, true);
        this.#queue.resume();
      },
      onStoppedLeading: () => {
        options.metrics.leader.set(0);
        this.#queue.pause();
        this.#rebuilt = false;
      },
    });
    this.#reconciler = new ServiceReconciler({
      allocator: this.#allocator,
      rest: this.#rest,
      recorder: this.#recorder,
      metrics: options.metrics,
      logger,
      defaultAnnouncer: options.defaultAnnouncer,
      groups: () => this.#groups.valid,
      invalidGroups: () => this.#groups.invalid,
      canAct: () => this.#elector.canAct(),
      liveSubnets: () => this.#liveSubnets(),
    });
  }

  /** The subnets of the live node Leases: observed renewals, of existing Nodes (core's liveMembers). */
  #liveSubnets(): Set<string> {
    const leases = this.#leases.list();
    const now = performance.now();
    this.#observer.observe(leases, now, Date.now());
    const nodes = nodeIdentities(this.#nodes.list());
    const { members } = liveMembers(leases, { now, expiresAt: (l) => this.#observer.expiresAt(l), nodes });
    return new Set(members.flatMap((m) => m.subnets.map(formatCidr)));
  }

  /** The valid LBNodeAgents (core's effectiveConfig, as the cluster view reads them). */
  #agentConfigs(): LBNodeAgentConfig[] {
    const from = this.#agentFeed.list();
    if (this.#agents?.from !== from) {
      const config = effectiveConfig({ serviceGroups: [], lbNodeAgents: from, nodeLabels: {} });
      this.#agents = { from, agents: config.agents };
    }
    return this.#agents.agents;
  }

  /**
   * The local-election members as every agent judges them: live Leases as this allocator observed
   * their renewals, of existing Nodes, without the nodes standing aside (core's liveMembers).
   */
  #membership(): Membership {
    const leases = this.#leases.list();
    const now = performance.now();
    this.#observer.observe(leases, now, Date.now());
    const nodes = this.#nodes.list();
    return liveMembers(leases, {
      now,
      expiresAt: (l) => this.#observer.expiresAt(l),
      nodes: nodeIdentities(nodes),
      standAside: nodesStandingAside(nodes, this.#agentConfigs()),
    });
  }

  /** Lists every kind, then campaigns for the Lease; resolves once the caches are filled. */
  async start(): Promise<void> {
    const synced = new Promise<void>((resolve) => {
      this.#synced = resolve;
    });
    this.#services.start();
    this.#groupFeed.start();
    this.#leases.start();
    this.#nodes.start();
    this.#agentFeed.start();
    this.#slices.start();
    await synced;
    this.#o.logger.info('allocator caches filled; campaigning for the leader lease', {
      lease: LEADER_LEASE,
      identity: this.#elector.identity,
    });
    this.#elector.start();
    if (this.#o.resyncMs > 0) {
      this.#resync = setInterval(() => this.#enqueueAll(), this.#o.resyncMs);
    }
    this.#membershipTimer = setInterval(() => this.#queue.add(AGENTS), this.#o.membershipCheckMs ?? 2000);
  }

  /** Both informers have listed (for /readyz: a standby is ready too). */
  synced(): boolean {
    return (
      this.#services.listed &&
      this.#groupFeed.listed &&
      this.#leases.listed &&
      this.#nodes.listed &&
      this.#agentFeed.listed &&
      this.#slices.listed
    );
  }

  get leading(): boolean {
    return this.#elector.leading;
  }

  get identity(): string {
    return this.#elector.identity;
  }

  /** The Allocator's state (tests, debugging). */
  snapshot(): ReturnType<Allocator['snapshot']> {
    return this.#allocator.snapshot();
  }

  /** Resolves when the queue has nothing waiting and nothing running. */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  async stop(): Promise<void> {
    clearInterval(this.#resync);
    clearInterval(this.#membershipTimer);
    clearTimeout(this.#conditionRetry);
    await this.#queue.shutdown();
    await this.#elector.stop();
    await this.#services.stop();
    await this.#groupFeed.stop();
    await this.#leases.stop();
    await this.#nodes.stop();
    await this.#agentFeed.stop();
    await this.#slices.stop();
    this.#transport.close();
  }

  #maybeSynced(): void {
    if (this.synced()) this.#synced();
  }

  #serviceEvent(event: InformerEvent, svc: Service): void {
    const key = serviceKey(svc);
    // The rebuild goes first: decided alone, the Service would just be written back to its own
    // address, and the collision would pass unseen (no AddressCollision on either).
    if (event !== 'delete' && this.#rebuilt && this.#showsAnothersAddress(key, svc)) {
      this.#queue.add(REBUILD, true);
    }
    this.#queue.add(`${SVC}${key}`);
  }

  /** Whether a Service of ours shows an address the ledger gives to another (two writers disagreed). */
  #showsAnothersAddress(key: string, svc: Service): boolean {
    if (svc.metadata.annotations?.[ANNOTATION_ALLOCATED_BY] !== PURELB_BRAND) return false;
    // Another class carrying the brand is not ours: rebuilding would not settle it (see core's rebuild).
    if (!handlesService(svc, this.#o.defaultAnnouncer)) return false;
    for (const entry of svc.status?.loadBalancer?.ingress ?? []) {
      const holders = entry.ip === undefined ? [] : this.#allocator.holdersOf(entry.ip);
      if (holders.length === 0 || holders.includes(key)) continue;
      this.#o.logger.warn('a Service shows an address held by another: rebuilding from the API server', {
        service: key,
        ip: entry.ip,
        heldBy: holders.join(','),
      });
      return true;
    }
    return false;
  }

  #enqueueAll(): void {
    for (const svc of this.#services.list()) this.#queue.add(`${SVC}${serviceKey(svc)}`);
    this.#queue.add(STATUS);
  }

  async #handle(key: string): Promise<void> {
    if (key === REBUILD) return this.#rebuild();
    if (key === GROUPS) return this.#applyGroups(true);
    if (key === NODES) return this.#applyNodes(true);
    // Before the first rebuild the ledger is empty: the rebuild's full pass comes back to every key.
    if (!this.#rebuilt) return;
    if (key === STATUS) return this.#writeStatus();
    if (key === AGENTS) return this.#writeAgentStatus();
    if (key === CONDITIONS) return this.#writeConditions();
    const name = key.slice(SVC.length);
    const slash = name.indexOf('/');
    const svc = this.#services.get(name.slice(slash + 1), name.slice(0, slash));
    const outcome = await this.#reconciler.reconcile(name, svc);
    if (outcome.failed) this.#failed.add(name);
    else this.#failed.delete(name);
    this.#conditions.refused(name, outcome.refusal);
    // A reconcile that wrote is followed by the write's own event: its conditions are decided then,
    // from the Service as written.
    if (svc === undefined) this.#conditions.forget(name);
    else if (outcome.settled) this.#markConditions(name);
    if (outcome.freed.length > 0) for (const k of this.#failed) this.#queue.add(`${SVC}${k}`);
    if (outcome.usageChanged) this.#queue.add(STATUS);
  }

  async #rebuild(): Promise<void> {
    await this.#applyNodes(false);
    await this.#applyGroups(false);
    // A fresh LIST, not the cache: it must include every write made before it (ours or a former leader's).
    const services: Service[] = [];
    await listPages(this.#rest, { path: '/api/v1/services', project: projectService }, (s) =>
      services.push(s),
    );
    const report = this.#allocator.rebuild(services);
    this.#o.metrics.rebuilds.inc({ reason: this.#rebuilt ? 'conflict' : 'leading' });
    for (const c of report.conflicts) {
      this.#o.logger.warn('address held by two Services: the older keeps it, the other is re-allocated', {
        service: c.service,
        ip: c.ip,
        keptBy: c.keptBy,
        reason: c.reason,
      });
    }
    for (const i of report.invalid) {
      this.#o.logger.warn('ingress entry is not an IP address; ignored', { service: i.service, ip: i.ip });
    }
    await recordCollisions(report.conflicts, services, this.#recorder);
    this.#logOrphans(report.orphans);
    this.#o.logger.info('allocation state rebuilt from the API server', {
      services: services.length,
      restored: report.restored,
      conflicts: report.conflicts.length,
    });
    this.#rebuilt = true;
    this.#failed.clear();
    for (const svc of services) this.#queue.add(`${SVC}${serviceKey(svc)}`);
    this.#enqueueAll();
  }

  /** Re-reads the ServiceGroups; with `passAll`, every Service is decided again against them. */
  async #applyGroups(passAll: boolean): Promise<void> {
    const objects = this.#groupFeed.list();
    this.#groups = readGroups(objects);
    this.#o.metrics.invalidGroups.set(this.#groups.invalid.size);
    // An invalid group is not a pool change: what it gave out is neither moved nor reclaimed.
    const report = this.#allocator.setGroups(this.#groups.valid, this.#groups.invalid.keys());
    this.#logOrphans(report.orphans);
    for (const object of objects) {
      const target = { apiVersion: 'purelb.io/v2', kind: 'ServiceGroup', metadata: object.metadata };
      const bad = this.#groups.invalid.get(object.metadata.name);
      if (bad === undefined) {
        this.#recorder.forgetReason(target, 'ParseFailed');
        continue;
      }
      this.#o.logger.error('ServiceGroup is invalid and ignored', {
        servicegroup: object.metadata.name,
        field: bad.field,
        reason: bad.problems,
      });
      await this.#recorder.record(target, {
        type: 'Warning',
        reason: 'ParseFailed',
        action: 'Validate',
        note: `ServiceGroup ${object.metadata.name} is invalid and ignored: ${bad.problems}`,
        fields: { field: bad.field },
      });
    }
    await warnNodeAddresses(this.#allocator, objects, this.#recorder, this.#o.logger);
    if (passAll) this.#enqueueAll();
  }

  /**
   * Gives the Allocator the Nodes' addresses; when they changed, every Service is decided again (one
   * holding a node's address is moved off it) and the ServiceGroups are told which of theirs are left out.
   */
  async #applyNodes(passAll: boolean): Promise<void> {
    const addresses = nodeAddresses(this.#nodes.list());
    const key = [...addresses.values()].map((a) => `${a.node}/${a.type}/${a.ip}`).join(' ');
    if (key === this.#nodeKey) return;
    this.#nodeKey = key;
    this.#allocator.setNodeAddresses(addresses);
    await warnNodeAddresses(this.#allocator, this.#groupFeed.list(), this.#recorder, this.#o.logger);
    if (passAll) this.#enqueueAll();
  }

  #logOrphans(orphans: readonly Orphan[]): void {
    for (const o of orphans) {
      const fields = { service: o.service, ip: o.ip, pool: o.group };
      if (o.reserved === undefined) {
        this.#o.logger.warn('address kept although no pool of its ServiceGroup holds it any more', fields);
        continue;
      }
      // Handed out before the rule (an earlier version, or upstream PureLB): kept, never handed out again.
      this.#o.logger.warn('address kept although it is one that is not handed out', {
        ...fields,
        reason: o.reserved,
      });
    }
  }

  async #writeStatus(): Promise<void> {
    const usage = this.#allocator.usage();
    this.#o.metrics.recordUsage(usage);
    const objects = new Map(this.#groupFeed.list().map((o) => [o.metadata.name, o]));
    for (const group of this.#groups.valid) {
      const object = objects.get(group.name);
      if (object === undefined || !this.#elector.canAct()) continue;
      try {
        if (await writeGroupStatus(this.#rest, object, groupStatus(group, usage))) {
          this.#o.metrics.statusWrites.inc();
        }
      } catch (err) {
        // A group deleted meanwhile is fine; anything else is retried with the STATUS key.
        if (isStatus(err, 404)) continue;
        throw err;
      }
    }
  }

  /** Each valid LBNodeAgent's activeLeases/activeNodes, written where they changed. */
  async #writeAgentStatus(): Promise<void> {
    const agents = this.#agentConfigs();
    const { members } = this.#membership();
    this.#checkConditionInputs(members);
    const statuses = agentStatuses(agents, members, this.#nodes.list());
    this.#agentStatus.retain(new Set(statuses.keys()));
    for (const object of this.#agentFeed.list()) {
      const desired = statuses.get(agentKey(object.metadata));
      if (desired === undefined || !this.#elector.canAct()) continue;
      try {
        if (await this.#agentStatus.write(object, desired)) {
          this.#o.metrics.agentStatusWrites.inc();
          this.#o.logger.info('LBNodeAgent status written', {
            lbnodeagent: agentKey(object.metadata),
            activeLeases: desired.activeLeases,
          });
        }
      } catch (err) {
        // Deleted meanwhile is fine; anything else is retried with the AGENTS key.
        if (isStatus(err, 404)) continue;
        throw err;
      }
    }
  }

  #markConditions(key: string): void {
    this.#conditions.mark(key);
    this.#queue.add(CONDITIONS);
  }

  /** An EndpointSlice changed: the conditions of its Service, if they read endpoints, are decided again. */
  #sliceEvent(event: InformerEvent, slice: EndpointSlice): void {
    const key = this.#endpoints.apply(event, slice);
    if (key === undefined || !this.#rebuilt) return;
    const slash = key.indexOf('/');
    const svc = this.#services.get(key.slice(slash + 1), key.slice(0, slash));
    if (svc !== undefined && readsEndpointNodes(svc)) this.#markConditions(key);
  }

  #worldInput(members: WorldInput['members']): WorldInput {
    if (this.#prepared?.from !== this.#groups.valid) {
      this.#prepared = { from: this.#groups.valid, groups: prepareGroups(this.#groups.valid) };
    }
    return {
      leases: this.#leases.list(),
      members,
      nodes: this.#nodes.list(),
      agents: this.#agentConfigs(),
      groups: this.#prepared.groups,
      slices: (service) => this.#endpoints.of(service),
    };
  }

  /** When the cluster-wide inputs of the conditions changed, every LoadBalancer Service is decided again. */
  #checkConditionInputs(members: WorldInput['members']): void {
    if (!this.#rebuilt) return;
    const fingerprint = worldFingerprint(this.#worldInput(members));
    if (fingerprint === this.#fingerprint) return;
    this.#fingerprint = fingerprint;
    for (const svc of this.#services.list()) {
      if (svc.spec?.type === 'LoadBalancer') this.#conditions.mark(serviceKey(svc));
    }
    this.#queue.add(CONDITIONS);
  }

  #world(): ConditionWorld {
    return conditionWorld(this.#worldInput(this.#membership().members));
  }

  /** One pass over the Services whose conditions may have changed; again later when out of budget. */
  async #writeConditions(): Promise<void> {
    const get = (key: string) => {
      const slash = key.indexOf('/');
      return this.#services.get(key.slice(slash + 1), key.slice(0, slash));
    };
    const retryMs = await this.#conditions.run(
      () => this.#world(),
      get,
      () => this.#elector.canAct(),
    );
    if (retryMs === 0 || this.#conditionRetry !== undefined) return;
    this.#conditionRetry = setTimeout(() => {
      this.#conditionRetry = undefined;
      this.#queue.add(CONDITIONS);
    }, retryMs);
  }
}
