// The allocator's Prometheus metrics, on its own registry (its own port): upstream's pool metric
// names, labelled by ServiceGroup (`pool`) and address family, plus leadership and write counters.
import type { GroupFamilyUsage } from '@purelb-ts/core';
import { Counter, Gauge, Registry } from 'prom-client';

export class AllocatorMetrics {
  readonly registry = new Registry();
  readonly poolSize = new Gauge({
    name: 'purelb_address_pool_size',
    help: 'Addresses in a ServiceGroup, per family (IPv6 pools beyond 2^53 lose precision)',
    labelNames: ['pool', 'family'] as const,
    registers: [this.registry],
  });
  readonly inUse = new Gauge({
    name: 'purelb_address_pool_addresses_in_use',
    help: 'Addresses of a ServiceGroup held by Services, per family',
    labelNames: ['pool', 'family'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'purelb_address_pool_allocation_rejected_total',
    help: 'Allocations refused, by ServiceGroup and reason (exhausted, not-in-pool, sharing-conflict, ...)',
    labelNames: ['pool', 'reason'] as const,
    registers: [this.registry],
  });
  readonly statusWrites = new Counter({
    name: 'purelb_allocator_sg_status_writes_total',
    help: 'ServiceGroup status updates written',
    registers: [this.registry],
  });
  readonly agentStatusWrites = new Counter({
    name: 'purelb_allocator_lbnodeagent_status_writes_total',
    help: 'LBNodeAgent status updates written (activeLeases, activeNodes)',
    registers: [this.registry],
  });
  readonly conditionWrites = new Counter({
    name: 'purelb_allocator_service_condition_writes_total',
    help: 'Service status.conditions patches (purelb.io/Allocated, purelb.io/Announced), by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly serviceWrites = new Counter({
    name: 'purelb_allocator_service_writes_total',
    help: 'Service writes by part (status, annotations) and result (ok, conflict, error)',
    labelNames: ['part', 'result'] as const,
    registers: [this.registry],
  });
  readonly rebuilds = new Counter({
    name: 'purelb_allocator_rebuilds_total',
    help: 'Full rebuilds of the allocation state from a fresh list of Services, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'purelb_allocator_is_leader',
    help: '1 while this allocator holds the leader Lease and acts',
    registers: [this.registry],
  });
  readonly invalidGroups = new Gauge({
    name: 'purelb_allocator_invalid_servicegroups',
    help: 'ServiceGroups refused (a bad field, or a pool overlapping another group)',
    registers: [this.registry],
  });

  /** Pool gauges from the allocator's usage; groups that are gone disappear. */
  recordUsage(usage: readonly GroupFamilyUsage[]): void {
    this.poolSize.reset();
    this.inUse.reset();
    for (const u of usage) {
      const labels = { pool: u.group, family: `IPv${u.family}` };
      this.poolSize.set(labels, Number(u.size));
      this.inUse.set(labels, u.inUse);
    }
  }
}
