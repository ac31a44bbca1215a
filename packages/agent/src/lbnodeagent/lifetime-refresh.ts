// Keeps this node's finite-lifetime addresses alive while the agent runs, and only while it runs: the
// kernel drops an address whose valid lifetime runs out, so a killed or frozen agent's local addresses
// go on their own (core's dead-man.ts). Every third of the shortest lifetime, one batch of
// RTM_NEWADDR + NLM_F_REPLACE renews what the last reconcile left in place, tag and flags included.
// No network read, no reconcile: 1000 addresses are 1000 small requests in a few sendmsg calls.
//
// A replace creates the address when it is missing, so a refresh must never outlive what it renews:
// an address the kernel deleted since (a notification says so) is dropped from the set, and one that
// may already have expired (the agent was frozen, or its event loop stalled past the lifetime) is not
// renewed but left to a full reconcile, which reads the kernel and decides again with fresh Leases.
import {
  type Address,
  type DesiredState,
  type NodeNetwork,
  type Ownership,
  type Placement,
  type PlanOp,
  tagFor,
} from '@purelb-ts/core';
import type { OpResult } from '../network/apply-plan.ts';

type RefreshOp = Extract<PlanOp, { op: 'replace-address' }>;

interface Tracked {
  op: RefreshOp;
  index: number;
  /** performance.now() by which the kernel may drop it: renew before, never after. */
  expiresAt: number;
}

/** Renewing closer than this to a possible expiry is a gamble: the kernel checks whole seconds. */
const EXPIRY_GUARD_MS = 1000;

const keyOf = (index: number, ip: string): string => `${index} ${ip}`;

export class LifetimeRefresher {
  readonly #ownership: Ownership;
  readonly #now: () => number;
  #tracked = new Map<string, Tracked>();
  #links: NodeNetwork['links'] = [];

  constructor(ownership: Ownership, now: () => number = () => performance.now()) {
    this.#ownership = ownership;
    this.#now = now;
  }

  /**
   * After a reconcile: the finite-lifetime placements it left in place, each with the time its copy
   * may expire (a fresh add or replace: its full lifetime from now; otherwise what the kernel said was
   * left at `readAt`).
   */
  track(desired: DesiredState, network: NodeNetwork, ops: readonly OpResult[], readAt: number): void {
    const now = this.#now();
    const failed = new Set(ops.filter((r) => !r.ok).map((r) => placementOf(r.op)?.ip));
    const renewed = new Set(ops.filter((r) => r.ok).map((r) => placementOf(r.op)?.ip));
    const index = new Map(network.links.map((l) => [l.name, l.index]));
    const next = new Map<string, Tracked>();
    for (const p of desired.placements) {
      const i = index.get(p.link);
      if (i === undefined || !Number.isFinite(p.validLifetime) || failed.has(p.ip)) continue;
      const held = network.addresses.find((a) => a.index === i && a.address === p.ip);
      const left = renewed.has(p.ip) ? now + p.validLifetime * 1000 : heldUntil(held, readAt);
      if (left === undefined) continue;
      const op: RefreshOp = {
        op: 'replace-address',
        placement: p,
        tag: tagFor(p.link, p.family, this.#ownership),
        why: 'refresh-lifetime',
      };
      next.set(keyOf(i, p.ip), { op, index: i, expiresAt: left });
    }
    this.#tracked = next;
    this.#links = network.links;
  }

  /** The kernel deleted an address (expired, removed by hand, failed DAD): never renew it back. */
  forget(address: Address): void {
    this.#tracked.delete(keyOf(address.index, address.address));
  }

  /** How often to renew: a third of the shortest lifetime tracked (undefined: nothing to renew). */
  periodMs(): number | undefined {
    let shortest = Number.POSITIVE_INFINITY;
    for (const t of this.#tracked.values()) shortest = Math.min(shortest, t.op.placement.validLifetime);
    return Number.isFinite(shortest) ? (shortest * 1000) / 3 : undefined;
  }

  /**
   * The renewals due now, and whether some address may have expired already (then it is dropped
   * from the set, and the caller reconciles instead of renewing it).
   */
  due(): { ops: RefreshOp[]; lapsed: number; network: NodeNetwork } {
    const now = this.#now();
    const ops: RefreshOp[] = [];
    let lapsed = 0;
    for (const [key, t] of this.#tracked) {
      if (t.expiresAt - now <= EXPIRY_GUARD_MS) {
        this.#tracked.delete(key);
        lapsed++;
      } else {
        ops.push(t.op);
      }
    }
    return { ops, lapsed, network: { links: this.#links, addresses: [], routes: [], nexthops: [] } };
  }

  /** After a refresh: those that succeeded may live a full lifetime from when they were sent. */
  renewed(results: readonly OpResult[], sentAt: number): void {
    const index = new Map(this.#links.map((l) => [l.name, l.index]));
    for (const r of results) {
      const p = placementOf(r.op);
      const i = p === undefined ? undefined : index.get(p.link);
      const t = i === undefined || p === undefined ? undefined : this.#tracked.get(keyOf(i, p.ip));
      if (t === undefined || p === undefined) continue;
      if (r.ok) t.expiresAt = sentAt + p.validLifetime * 1000;
      else this.#tracked.delete(keyOf(t.index, p.ip));
    }
  }

  get size(): number {
    return this.#tracked.size;
  }
}

const placementOf = (op: PlanOp): Placement | undefined =>
  op.op === 'add-address' || op.op === 'replace-address' ? op.placement : undefined;

/** When a held copy may expire, from what the kernel said was left at readAt (whole seconds, floored). */
function heldUntil(held: Address | undefined, readAt: number): number | undefined {
  if (held === undefined) return undefined;
  if (!Number.isFinite(held.validLifetime)) return Number.POSITIVE_INFINITY;
  return readAt + held.validLifetime * 1000;
}
