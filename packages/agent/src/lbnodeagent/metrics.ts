// The agent's Prometheus metrics, fed from each reconcile's summary.
import type { Placement } from '@purelb-ts/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ReconcileSummary } from './summary.ts';

export class AgentMetrics {
  readonly registry = new Registry();
  readonly announced = new Gauge({
    name: 'purelb_lbnodeagent_address_announced',
    help: 'Addresses this node carries: 1 per service, ip and interface',
    labelNames: ['service', 'ip', 'interface'] as const,
    registers: [this.registry],
  });
  readonly additions = new Counter({
    name: 'purelb_lbnodeagent_address_additions_total',
    help: 'Addresses added to an interface',
    registers: [this.registry],
  });
  readonly withdrawals = new Counter({
    name: 'purelb_lbnodeagent_address_withdrawals_total',
    help: 'Addresses removed from an interface',
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'purelb_lbnodeagent_errors_total',
    help: 'Errors by reason: a failed operation, invalid config, an error skip (e.g. ambiguous default route)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'purelb_lbnodeagent_reconcile_duration_seconds',
    help: 'Duration of one reconcile',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly netlinkErrors = new Counter({
    name: 'purelb_lbnodeagent_netlink_errors_total',
    help: 'Operations the kernel refused, by errno',
    labelNames: ['errno'] as const,
    registers: [this.registry],
  });

  readonly leaseFenced = new Gauge({
    name: 'purelb_lbnodeagent_lease_fenced',
    help: '1 while this node could not renew its election Lease and holds back its local addresses',
    registers: [this.registry],
  });

  // Upstream's names: the first two under purelb_lbnodeagent_, the winner changes under purelb_election_.
  readonly electionWins = new Counter({
    name: 'purelb_lbnodeagent_election_wins_total',
    help: 'Local addresses this node started winning',
    registers: [this.registry],
  });
  readonly electionLosses = new Counter({
    name: 'purelb_lbnodeagent_election_losses_total',
    help: 'Local addresses, still wanted, that this node stopped winning',
    registers: [this.registry],
  });
  readonly winnerChanges = new Counter({
    name: 'purelb_election_winner_changes_total',
    help: 'Local addresses whose winning node changed, as this node sees it',
    registers: [this.registry],
  });

  readonly slotSteals = new Counter({
    name: 'purelb_lbnodeagent_announce_slot_steal_total',
    help: "Announcing-annotation slots this node took over from another node (from: that node's name)",
    labelNames: ['from', 'to'],
    registers: [this.registry],
  });

  readonly invalidConfig = new Gauge({
    name: 'purelb_lbnodeagent_invalid_config',
    help: 'ServiceGroups and LBNodeAgents that are invalid (1 each): in_force says whether the last valid version is used or what it governs is frozen',
    labelNames: ['kind', 'name', 'field', 'in_force'] as const,
    registers: [this.registry],
  });
  readonly rejectedObjects = new Gauge({
    name: 'purelb_lbnodeagent_rejected_objects',
    help: 'Malformed objects left out of the last reconcile, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly configWarnings = new Gauge({
    name: 'purelb_lbnodeagent_config_warnings',
    help: 'Configuration accepted but probably not as meant, by code (overlapping-groups, shared-ip-without-sharing, unknown-interface)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly addressConflicts = new Gauge({
    name: 'purelb_lbnodeagent_address_conflict',
    help: 'Addresses another host on the segment answered for (ARP probe, IPv6 DAD): 1 each while not claimed',
    labelNames: ['ip'] as const,
    registers: [this.registry],
  });

  record(s: ReconcileSummary): void {
    this.#recordConfig(s);
    this.duration.observe(s.durationMs / 1000);
    if (s.election !== undefined) {
      this.electionWins.inc(s.election.wins.length);
      this.electionLosses.inc(s.election.losses.length);
      this.winnerChanges.inc(s.election.winnerChanges.length);
    }
    const failed = new Set<string>();
    for (const r of s.ops) {
      if (!r.ok) {
        this.errors.inc({ reason: 'operation-failed' });
        if (r.errno !== undefined) this.netlinkErrors.inc({ errno: r.errno });
        if (r.op.op === 'add-address' || r.op.op === 'replace-address') {
          failed.add(`${r.op.placement.link}\u0000${r.op.placement.ip}`);
        }
      } else if (r.op.op === 'add-address') this.additions.inc();
      else if (r.op.op === 'delete-address') this.withdrawals.inc();
    }
    for (const skip of s.errorSkips) this.errors.inc({ reason: skip.code });
    if (s.failure !== undefined) this.errors.inc({ reason: 'reconcile-failed' });
    else this.#recordAnnounced(s, failed);
  }

  /** The series of the last pass, by key: only what changed is added or removed (10k Services). */
  readonly #announcedNow = new Map<string, { service: string; ip: string; interface: string }>();
  /** The placements those series were set from, when nothing failed: the same list sets nothing new. */
  #announcedFrom: readonly Placement[] | undefined;

  /**
   * One series per Service, address and interface announced. Set by difference with the last pass:
   * resetting and setting them all again made 10k label sets of garbage on every reconcile.
   */
  #recordAnnounced(s: ReconcileSummary, failed: ReadonlySet<string>): void {
    if (failed.size === 0 && s.placements === this.#announcedFrom) return;
    this.#announcedFrom = failed.size === 0 ? s.placements : undefined;
    const seen = new Set<string>();
    for (const p of s.placements) {
      if (failed.has(`${p.link}\u0000${p.ip}`)) continue;
      for (const service of p.services) {
        const key = [service, p.ip, p.link].join('\u0000'); // kept: one flat string
        seen.add(key);
        if (this.#announcedNow.has(key)) continue;
        const labels = { service, ip: p.ip, interface: p.link };
        this.#announcedNow.set(key, labels);
        this.announced.set(labels, 1);
      }
    }
    for (const [key, labels] of this.#announcedNow) {
      if (seen.has(key)) continue;
      this.#announcedNow.delete(key);
      this.announced.remove(labels);
    }
  }

  /** Gauges of what is wrong now: they fall back to 0 when it is fixed. */
  #recordConfig(s: ReconcileSummary): void {
    this.invalidConfig.reset();
    for (const o of s.invalidObjects) {
      this.invalidConfig.set(
        { kind: o.kind, name: `${o.namespace}/${o.name}`, field: o.field ?? '', in_force: o.inForce },
        1,
      );
    }
    this.rejectedObjects.reset();
    for (const r of s.rejected) this.rejectedObjects.inc({ kind: r.kind });
    this.configWarnings.reset();
    for (const w of s.warnings) this.configWarnings.inc({ code: w.code });
    this.addressConflicts.reset();
    const now = Date.now();
    for (const [ip, r] of s.conflicts) if (r.until > now) this.addressConflicts.set({ ip }, 1);
  }
}
