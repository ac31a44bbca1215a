// What the allocator answers: results of allocate/release/rebuild/setGroups and pool usage.
import type { Family } from '../net/ip.ts';
import type { NodeAddress } from '../node-addresses.ts';

export type AllocationFailure =
  /** Not a LoadBalancer Service of our class: the allocator leaves it alone. */
  | 'not-handled'
  | 'invalid-annotation'
  | 'no-group'
  /** The resolved group fences its namespaces and this Service's namespace is not one of them. */
  | 'namespace-denied'
  /** The group has no pool of a family the Service requires, or a requested address has a family not requested. */
  | 'wrong-family'
  | 'not-in-pool'
  /** A requested address is a network, broadcast or subnet-router anycast address (reserved.ts). */
  | 'reserved-address'
  /** A requested address is held by another Service that does not share with this one. */
  | 'address-in-use'
  | 'sharing-conflict'
  | 'exhausted'
  /** Options that cannot be combined (multiPool with sharing or specific addresses). */
  | 'incompatible-options'
  /**
   * The ServiceGroup the Service's addresses came from exists but is invalid: an edit with a typo is
   * not a pool change, so the Service keeps what it holds, neither moved nor cleared.
   */
  | 'group-invalid'
  /** A requested address is a Node's own (its status.addresses): never handed out. */
  | 'node-address';

export interface IngressEntry {
  ip: string;
  ipMode: 'VIP';
}

export type AllocationResult =
  | {
      ok: true;
      /** Addresses in spec.ipFamilies order (per family: pool order). */
      ips: string[];
      poolType: 'local' | 'remote';
      /** The ServiceGroup(s) the addresses come from (purelb.io/allocated-from). */
      groups: string[];
      /** Annotations to set (string) or remove (null). */
      annotations: Record<string, string | null>;
      ingress: IngressEntry[];
      /** Whether the Service's ingress or annotations differ from what this result says. */
      changed: boolean;
      /** Addresses the Service held before and no longer does (freed unless still shared). */
      released: string[];
      /**
       * Those of `released` the Service did not give up by choice: no pool of the group holds them any
       * more (a pool change moved the Service), or they are a Node's own address.
       */
      outsidePools: string[];
      /** For events, e.g. the deprecated spec.loadBalancerIP. */
      warnings: string[];
    }
  | { ok: false; reason: AllocationFailure; message: string };

export interface ReleaseResult {
  /** Addresses the Service held. */
  released: string[];
  /** Those now free (a shared address is freed only when its last user goes). */
  freed: string[];
  /** Annotations to remove from the Service if it still exists. */
  annotations: Record<string, null>;
}

/** An assignment kept although no pool of its group holds the address any more. */
export interface Orphan {
  service: string;
  ip: string;
  group: string;
  /**
   * Set when a pool of the group holds the address as a reserved one (given out before this rule,
   * e.g. by upstream PureLB): why it is reserved. The Service keeps it; nobody else gets it.
   */
  reserved?: string;
}

export interface RebuildConflict {
  service: string;
  ip: string;
  /** The Service that keeps the address (earlier by creation time, namespace, name). */
  keptBy: string;
  reason: string;
}

export interface RebuildReport {
  /** Services whose addresses were restored. */
  restored: number;
  conflicts: RebuildConflict[];
  /** Ingress entries that are not IP addresses. */
  invalid: { service: string; ip: string }[];
  orphans: Orphan[];
}

/**
 * Addresses taken back from a Service because a valid pool change left them outside every pool of
 * the ServiceGroup they came from (shrunk: the group no longer holds them; deleted: the group is gone).
 */
export interface Reclaim extends ReleaseResult {
  group: string;
  /** node-address: the address is a Node's own (held from before the rule, or the Node changed). */
  change: 'shrunk' | 'deleted' | 'node-address';
  /** What the Service still holds (the other family of a dual-stack Service, say). */
  kept: string[];
}

/** A Node's own addresses that lie in a group's pools: never handed out, for a warning on the group. */
export interface NodeAddressesInGroup {
  group: string;
  addresses: NodeAddress[];
}

export interface SetGroupsReport {
  orphans: Orphan[];
}

export interface PoolUsage {
  pool: string;
  size: bigint;
  inUse: number;
}

export interface GroupFamilyUsage {
  group: string;
  family: Family;
  size: bigint;
  inUse: number;
  available: bigint;
  /** Decimal text of size/available: IPv6 pools exceed Number's exact range. */
  sizeText: string;
  availableText: string;
  pools: PoolUsage[];
}
