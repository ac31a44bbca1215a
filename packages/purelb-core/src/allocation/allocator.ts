// The allocator's state and rules: which Services it serves, which group and pool an address comes
// from, sharing, dual-stack, and rebuilding all of it from the Services it branded. Pure: no I/O,
// no clock; the same inputs in the same order give the same answers.

import {
  ANNOTATION_ALLOCATED_BY,
  ANNOTATION_ALLOCATED_FROM,
  ANNOTATION_ALLOW_SHARED_IP,
  ANNOTATION_POOL_TYPE,
  ANNOTATION_SKIP_IPV6_DAD,
  PURELB_BRAND,
} from '../annotations.ts';
import type { ServiceGroupConfig } from '../config/types.ts';
import { type LoadBalancerIngress, type Service, serviceKey } from '../kube.ts';
import { formatCidr } from '../net/cidr.ts';
import { type Family, formatIP, type IP, parseIP } from '../net/ip.ts';
import { familyName } from '../net/iproute-text.ts';
import { type NodeAddress, nodeAddressText } from '../node-addresses.ts';
import { ChurnSafeMap } from './churn-safe-map.ts';
import { resolveGroup } from './group-resolution.ts';
import { type AddressRecord, Ledger, type PoolState } from './ledger.ts';
import { compareText, creationOrder } from './order.ts';
import { type AllocationRequest, handlesService, parseRequest, servicePorts } from './service-request.ts';
import { canShare } from './sharing.ts';
import type {
  AllocationFailure,
  AllocationResult,
  GroupFamilyUsage,
  NodeAddressesInGroup,
  Orphan,
  RebuildConflict,
  RebuildReport,
  Reclaim,
  ReleaseResult,
  SetGroupsReport,
} from './types.ts';

export interface AllocatorOptions {
  /** Serve LoadBalancer Services without spec.loadBalancerClass (DEFAULT_ANNOUNCER=PureLB). */
  defaultAnnouncer: boolean;
}

export interface AllocateOptions {
  /**
   * Canonical subnets of live node leases (purelb.io/subnets). With multiPool, a local group's range
   * is used only when its subnet is in this set. Omitted: every range counts.
   */
  liveSubnets?: ReadonlySet<string>;
}

interface Assignment {
  group: string;
  ips: string[];
}

type Failure = { ok: false; reason: AllocationFailure; message: string };

interface Pick {
  ip: IP;
  /** Undefined for a reserved address the Service already held (kept, counted in no pool). */
  pool: PoolState | undefined;
}

const fail = (reason: AllocationFailure, message: string): Failure => ({ ok: false, reason, message });

const REMOVE_ANNOTATIONS: Record<string, null> = {
  [ANNOTATION_ALLOCATED_BY]: null,
  [ANNOTATION_ALLOCATED_FROM]: null,
  [ANNOTATION_POOL_TYPE]: null,
  [ANNOTATION_SKIP_IPV6_DAD]: null,
};

const byName = (a: ServiceGroupConfig, b: ServiceGroupConfig): number => compareText(a.name, b.name);

export class Allocator {
  readonly #ledger = new Ledger();
  readonly #assignments = new ChurnSafeMap<string, Assignment>();
  readonly #defaultAnnouncer: boolean;
  #groups: ServiceGroupConfig[] = [];
  /** Groups that exist but are invalid: their Services' addresses are left exactly as they are. */
  #invalid: ReadonlySet<string> = new Set();
  /** The Nodes' own addresses (canonical text): never handed out, never kept. */
  #nodeAddresses: ReadonlyMap<string, NodeAddress> = new Map();

  constructor(groups: readonly ServiceGroupConfig[], options: AllocatorOptions) {
    this.#defaultAnnouncer = options.defaultAnnouncer;
    this.setGroups(groups);
  }

  /**
   * New ServiceGroups, and the names of those that exist but are invalid (not a pool change: what they
   * gave out is neither moved nor reclaimed). Held addresses stay held; those no pool of their group
   * covers are reported, and reclaim() takes them back.
   */
  setGroups(groups: readonly ServiceGroupConfig[], invalid: Iterable<string> = []): SetGroupsReport {
    this.#groups = [...groups].sort(byName);
    this.#invalid = new Set(invalid);
    this.#reindex();
    return { orphans: this.#orphans() };
  }

  /** The Nodes' addresses (core's nodeAddresses): from now on never handed out, and taken back by reclaim(). */
  setNodeAddresses(addresses: ReadonlyMap<string, NodeAddress>): void {
    this.#nodeAddresses = addresses;
  }

  /** Per group, the Nodes' addresses its pools hold (none of them is handed out). */
  nodeAddressesInGroups(): NodeAddressesInGroup[] {
    const out: NodeAddressesInGroup[] = [];
    for (const g of this.#groups) {
      const addresses = [...this.#nodeAddresses.values()].filter((a) => !this.#outsideGroup(a.ip, g.name));
      if (addresses.length > 0) out.push({ group: g.name, addresses });
    }
    return out;
  }

  /** The Node an address belongs to, if any (for messages). */
  nodeAddressOf(ip: string): NodeAddress | undefined {
    const parsed = parseIP(ip);
    return parsed === undefined ? undefined : this.#nodeAddresses.get(formatIP(parsed));
  }

  /** The lowest free address of the pool that is no Node's own. */
  #firstFree(pool: PoolState): IP | undefined {
    const skipped: bigint[] = [];
    let ip = this.#ledger.firstFree(pool);
    while (ip !== undefined && this.#nodeAddresses.has(formatIP(ip))) {
      skipped.push(ip.value - pool.first);
      pool.used.add(ip.value - pool.first);
      ip = this.#ledger.firstFree(pool);
    }
    for (const offset of skipped) pool.used.delete(offset);
    return ip;
  }

  #reindex(): void {
    this.#ledger.setPools(this.#groups, (rec) => this.#groupOfRecord(rec));
  }

  #groupOfRecord(rec: AddressRecord): string | undefined {
    for (const user of [...rec.users.keys()].sort(compareText)) {
      const group = this.#assignments.get(user)?.group;
      if (group !== undefined) return group;
    }
    return undefined;
  }

  #orphans(): Orphan[] {
    const out: Orphan[] = [];
    for (const [service, a] of [...this.#assignments].sort(([x], [y]) => compareText(x, y))) {
      for (const text of a.ips) {
        const rec = this.#ledger.records.get(text);
        if (rec !== undefined && this.#ledger.poolInGroup(rec.ip, a.group) !== undefined) continue;
        const reserved = rec === undefined ? undefined : this.#ledger.reservedInGroup(rec.ip, a.group);
        out.push({ service, ip: text, group: a.group, ...(reserved ? { reserved: reserved.why } : {}) });
      }
    }
    return out;
  }

  /** Forgets everything and restores assignments from the Services carrying the brand. */
  rebuild(services: readonly Service[]): RebuildReport {
    this.#ledger.clear();
    this.#assignments.clear();
    const conflicts: RebuildConflict[] = [];
    const invalid: { service: string; ip: string }[] = [];
    let restored = 0;
    const branded = services.filter(
      (s) => s.metadata.annotations?.[ANNOTATION_ALLOCATED_BY] === PURELB_BRAND,
    );
    // Services of our class first: one of another class carrying the brand never takes an address
    // from ours; it keeps only what no Service of ours shows (and is released when decided).
    const ours = (s: Service): number => (handlesService(s, this.#defaultAnnouncer) ? 0 : 1);
    for (const svc of [...branded].sort((a, b) => ours(a) - ours(b) || creationOrder(a, b))) {
      const key = serviceKey(svc);
      const sharingKey = svc.metadata.annotations?.[ANNOTATION_ALLOW_SHARED_IP]?.trim() || undefined;
      const ports = servicePorts(svc);
      const fromAnnotation = svc.metadata.annotations?.[ANNOTATION_ALLOCATED_FROM]?.split(',')[0]?.trim();
      const ips: string[] = [];
      let group = fromAnnotation === '' ? undefined : fromAnnotation;
      for (const entry of svc.status?.loadBalancer?.ingress ?? []) {
        if (entry.ip === undefined) continue;
        const ip = parseIP(entry.ip);
        if (ip === undefined) {
          invalid.push({ service: key, ip: entry.ip });
          continue;
        }
        const text = formatIP(ip);
        if (ips.includes(text)) continue;
        const holder = this.#ledger.records.get(text);
        const verdict = canShare(text, holder, key, sharingKey, ports);
        if (!verdict.ok) {
          const keptBy = [...(holder?.users.keys() ?? [])][0] ?? '';
          conflicts.push({ service: key, ip: text, keptBy, reason: verdict.message });
          continue;
        }
        group ??= this.#ledger.poolFor(ip)?.group;
        this.#ledger.hold(ip, key, sharingKey, ports, undefined);
        ips.push(text);
      }
      if (ips.length === 0) continue;
      this.#assignments.set(key, { group: group ?? '', ips });
      restored++;
    }
    // One sort per pool instead of one insert per address.
    this.#reindex();
    return { restored, conflicts, invalid, orphans: this.#orphans() };
  }

  /** The addresses a Service holds, in its ingress order. */
  addressesOf(service: string): string[] {
    return [...(this.#assignments.get(service)?.ips ?? [])];
  }

  /**
   * The Services holding an address, sorted (several when shared); empty when it is free or not an
   * address. A controller compares this with the ingress it observes on a Service: another Service
   * holding an address that Service shows means two writers disagreed.
   */
  holdersOf(ip: string): string[] {
    const parsed = parseIP(ip);
    const rec = parsed === undefined ? undefined : this.#ledger.records.get(formatIP(parsed));
    return rec === undefined ? [] : [...rec.users.keys()].sort(compareText);
  }

  allocate(svc: Service, options: AllocateOptions = {}): AllocationResult {
    const key = serviceKey(svc);
    if (!handlesService(svc, this.#defaultAnnouncer)) {
      return fail(
        'not-handled',
        `${key} is not a LoadBalancer of class purelb.io/purelbv2${this.#defaultAnnouncer ? ' or without a class' : ''}`,
      );
    }
    const parsed = parseRequest(svc);
    if (!parsed.ok) return parsed;
    const req = parsed.value;
    const frozen = this.#frozenFailure(key, req.groupName);
    if (frozen !== undefined) return frozen;
    const resolved = resolveGroup(this.#groups, req.namespace, req.groupName);
    if (!resolved.ok) return resolved;
    const group = resolved.group;
    const multiPool = req.multiPool ?? group.multiPool;
    if (multiPool && (req.sharingKey !== undefined || req.requested.size > 0)) {
      return fail(
        'incompatible-options',
        `multiPool (ServiceGroup ${group.name} or purelb.io/multi-pool) cannot be combined with ${req.sharingKey !== undefined ? 'purelb.io/allow-shared-ip' : 'requested addresses'}`,
      );
    }

    const families = this.#servedFamilies(group, req);
    if (!Array.isArray(families)) return families;

    // Plan every family before touching the ledger, so a failure (e.g. a partial dual-stack) changes nothing.
    const current = this.#assignments.get(key)?.ips ?? [];
    const picks: Pick[] = [];
    const warnings = [...req.warnings];
    let skipped: Failure | undefined;
    for (const family of families) {
      const planned = multiPool
        ? this.#planMultiPool(key, group, family, current, options.liveSubnets)
        : this.#planFamily(key, group, family, req, current);
      if (Array.isArray(planned)) {
        picks.push(...planned);
        continue;
      }
      // PreferDualStack is best effort: a full family is left out (and added on a later re-allocation).
      if (planned.reason !== 'exhausted' || req.policy !== 'PreferDualStack' || req.requested.has(family)) {
        return planned;
      }
      skipped ??= planned;
      warnings.push(`PreferDualStack: no IPv${family} address for now: ${planned.message}`);
    }
    if (picks.length === 0 && skipped !== undefined) return skipped;
    warnings.push(...this.#keptReserved(picks, group.name));

    const ips = picks.map((p) => formatIP(p.ip));
    const released = current.filter((text) => !ips.includes(text));
    const outsidePools = released.filter((text) => this.#notToKeep(text, group.name));
    for (const text of released) this.#ledger.drop(text, key);
    for (const p of picks) this.#ledger.hold(p.ip, key, req.sharingKey, req.ports, p.pool);
    this.#assignments.set(key, { group: group.name, ips });

    const annotations: Record<string, string | null> = {
      [ANNOTATION_ALLOCATED_BY]: PURELB_BRAND,
      [ANNOTATION_ALLOCATED_FROM]: group.name,
      [ANNOTATION_POOL_TYPE]: group.type,
      [ANNOTATION_SKIP_IPV6_DAD]:
        group.type === 'local' && group.skipIPv6DAD && picks.some((p) => p.ip.family === 6) ? 'true' : null,
    };
    const ingress = ips.map((ip) => ({ ip, ipMode: 'VIP' as const }));
    return {
      ok: true,
      ips,
      poolType: group.type,
      groups: [group.name],
      annotations,
      ingress,
      changed: differs(svc, ingress, annotations),
      released,
      outsidePools,
      warnings,
    };
  }

  /** Refuses to touch a Service whose addresses came from an invalid group (see #frozenBy). */
  #frozenFailure(key: string, named: string | undefined): Failure | undefined {
    const frozen = this.#frozenBy(key, named);
    if (frozen === undefined) return undefined;
    return fail(
      'group-invalid',
      `ServiceGroup ${frozen}, which this Service's addresses come from, is invalid: they stay as they are until it is fixed or deleted`,
    );
  }

  /** A Node's own address, or one no pool of `group` holds: not the Service's to keep. */
  #notToKeep(text: string, group: string): boolean {
    return this.#nodeAddresses.has(text) || this.#outsideGroup(text, group);
  }

  /** The invalid group a Service's addresses came from, unless the Service now names another group. */
  #frozenBy(key: string, named: string | undefined): string | undefined {
    const group = this.#assignments.get(key)?.group;
    if (group === undefined || (named !== undefined && named !== group)) return undefined;
    // Restored without purelb.io/allocated-from and outside every valid pool: it may be an invalid group's.
    if (group === '' && this.#invalid.size > 0) return [...this.#invalid].sort(compareText)[0];
    return this.#invalid.has(group) ? group : undefined;
  }

  /** Whether no pool of `group` holds the address, not even as a reserved one. */
  #outsideGroup(text: string, group: string): boolean {
    const ip = this.#ledger.records.get(text)?.ip ?? parseIP(text);
    if (ip === undefined) return true;
    return (
      this.#ledger.poolInGroup(ip, group) === undefined &&
      this.#ledger.reservedInGroup(ip, group) === undefined
    );
  }

  /**
   * Takes back the addresses a valid pool change left outside the Service's group: the group was
   * shrunk (or its pools replaced), or deleted. Undefined when there is nothing to take back, or when
   * the group exists but is invalid (an edit with a typo must never empty a pool's Services).
   */
  reclaim(service: string): Reclaim | undefined {
    const a = this.#assignments.get(service);
    if (a === undefined || this.#frozenBy(service, undefined) !== undefined) return undefined;
    const isNode = (text: string): boolean => this.#nodeAddresses.has(text);
    const released = a.ips.filter((text) => this.#notToKeep(text, a.group));
    if (released.length === 0) return undefined;
    const kept = a.ips.filter((text) => !released.includes(text));
    const freed = released.filter((text) => this.#ledger.drop(text, service));
    if (kept.length > 0) this.#assignments.set(service, { group: a.group, ips: kept });
    else this.#assignments.delete(service);
    const deleted = !this.#groups.some((g) => g.name === a.group);
    return {
      group: a.group,
      change: released.some(isNode) ? 'node-address' : deleted ? 'deleted' : 'shrunk',
      released,
      freed,
      kept,
      annotations: kept.length > 0 ? {} : { ...REMOVE_ANNOTATIONS },
    };
  }

  /** Families the group can serve; PreferDualStack takes what exists, the other policies need all. */
  #servedFamilies(group: ServiceGroupConfig, req: AllocationRequest): Family[] | Failure {
    const families: Family[] = [];
    for (const family of req.families) {
      if (this.#ledger.groupPools(group.name, family).length > 0) families.push(family);
      else if (req.policy !== 'PreferDualStack' || req.requested.has(family)) {
        return fail(
          'wrong-family',
          `ServiceGroup ${group.name} has no IPv${family} pool (${familyName(family)} requested, ${req.policy})`,
        );
      }
    }
    if (families.length > 0) return families;
    return fail(
      'wrong-family',
      `ServiceGroup ${group.name} has no pool of family ${req.families.map(familyName).join(' or ')}`,
    );
  }

  /** Warnings for the reserved addresses a Service keeps only because it held them already. */
  #keptReserved(picks: readonly Pick[], group: string): string[] {
    return picks
      .filter((p) => p.pool === undefined)
      .map((p) => {
        const why = this.#ledger.reservedInGroup(p.ip, group)?.why ?? 'reserved';
        return `${formatIP(p.ip)} is ${why}, which is not handed out: this Service keeps it, but once it lets it go no Service gets it again`;
      });
  }

  /** One address of `family`: the requested one, the one already held, the sharing key's, or the lowest free. */
  #planFamily(
    key: string,
    group: ServiceGroupConfig,
    family: Family,
    req: AllocationRequest,
    current: readonly string[],
  ): Pick[] | Failure {
    const wanted = req.requested.get(family);
    if (wanted !== undefined) {
      const text = formatIP(wanted);
      const pool = this.#ledger.poolInGroup(wanted, group.name);
      const reserved = this.#ledger.reservedInGroup(wanted, group.name);
      const node = this.#nodeAddresses.get(text);
      if (node !== undefined) {
        return fail(
          'node-address',
          `address ${text} is ${nodeAddressText(node)}: a node's own address is never handed out`,
        );
      }
      if (reserved !== undefined) {
        return fail(
          'reserved-address',
          `address ${text} is ${reserved.why} (ServiceGroup ${group.name}): network, broadcast and subnet-router anycast addresses are not handed out`,
        );
      }
      if (pool === undefined) {
        const pools = this.#ledger.groupPools(group.name, family).map((s) => s.pool.pool);
        return fail(
          'not-in-pool',
          `address ${text} is not in a pool of ServiceGroup ${group.name} (${pools.join(', ')})`,
        );
      }
      const verdict = canShare(text, this.#ledger.records.get(text), key, req.sharingKey, req.ports);
      return verdict.ok ? [{ ip: wanted, pool }] : verdict;
    }
    for (const text of current) {
      const rec = this.#ledger.records.get(text);
      if (rec === undefined || rec.ip.family !== family) continue;
      const pool = this.#ledger.poolInGroup(rec.ip, group.name);
      // A reserved address held from before the rule (or from upstream) stays with its Service.
      const kept =
        (pool !== undefined || this.#ledger.reservedInGroup(rec.ip, group.name) !== undefined) &&
        !this.#nodeAddresses.has(text);
      if (kept && canShare(text, rec, key, req.sharingKey, req.ports).ok) return [{ ip: rec.ip, pool }];
    }
    if (req.sharingKey !== undefined) {
      for (const rec of this.#ledger.keyAddresses(family, req.sharingKey)) {
        const pool = this.#ledger.poolInGroup(rec.ip, group.name);
        if (pool === undefined) continue;
        // The key is bound to this address: a port clash is an error, not a reason to take another.
        const verdict = canShare(rec.text, rec, key, req.sharingKey, req.ports);
        return verdict.ok ? [{ ip: rec.ip, pool }] : verdict;
      }
    }
    const pools = this.#ledger.groupPools(group.name, family);
    const order = group.balancePools ? [...pools].sort((a, b) => a.used.size - b.used.size) : pools;
    for (const pool of order) {
      const ip = this.#firstFree(pool);
      if (ip !== undefined) return [{ ip, pool }];
    }
    return fail(
      'exhausted',
      `ServiceGroup ${group.name} has no free IPv${family} address (pools ${pools.map((s) => s.pool.pool).join(', ')} are full)`,
    );
  }

  /** One address per range of `family`; a local group's ranges only where a live node has the subnet. */
  #planMultiPool(
    key: string,
    group: ServiceGroupConfig,
    family: Family,
    current: readonly string[],
    liveSubnets: ReadonlySet<string> | undefined,
  ): Pick[] | Failure {
    const pools = this.#ledger.groupPools(group.name, family);
    const eligible =
      group.type === 'local' && liveSubnets !== undefined
        ? pools.filter((s) => liveSubnets.has(formatCidr(s.pool.subnet)))
        : pools;
    const picks: Pick[] = [];
    for (const pool of eligible) {
      const ofPool = (r: AddressRecord): boolean =>
        r.pool === pool ||
        (r.pool === undefined && r.ip.family === pool.pool.family && pool.reserved.has(r.ip.value));
      const held = current
        .map((t) => this.#ledger.records.get(t))
        .find(
          (r) =>
            r !== undefined &&
            ofPool(r) &&
            r.users.size === 1 &&
            r.users.has(key) &&
            !this.#nodeAddresses.has(r.text),
        );
      if (held !== undefined) {
        picks.push({ ip: held.ip, pool: held.pool });
        continue;
      }
      const ip = this.#firstFree(pool);
      if (ip !== undefined) picks.push({ ip, pool });
    }
    if (picks.length > 0) return picks;
    return fail(
      'exhausted',
      eligible.length === 0
        ? `ServiceGroup ${group.name} (multiPool): no IPv${family} range has a subnet of a live node`
        : `ServiceGroup ${group.name} (multiPool): every IPv${family} range is full`,
    );
  }

  /** Frees a Service's addresses (a shared one only when its last user goes). */
  release(service: string): ReleaseResult {
    const a = this.#assignments.get(service);
    this.#assignments.delete(service);
    const released = a?.ips ?? [];
    const freed = released.filter((text) => this.#ledger.drop(text, service));
    return { released, freed, annotations: { ...REMOVE_ANNOTATIONS } };
  }

  /** Size, use and availability per group and family, for ServiceGroup status and metrics. */
  usage(): GroupFamilyUsage[] {
    const out: GroupFamilyUsage[] = [];
    for (const g of this.#groups) {
      for (const family of [4, 6] as const) {
        const pools = this.#ledger.groupPools(g.name, family);
        if (pools.length === 0) continue;
        const size = pools.reduce((n, s) => n + s.capacity, 0n);
        const inUse = pools.reduce((n, s) => n + s.used.size, 0);
        const available = size - BigInt(inUse);
        out.push({
          group: g.name,
          family,
          size,
          inUse,
          available,
          sizeText: size.toString(),
          availableText: available.toString(),
          pools: pools.map((s) => ({ pool: s.pool.pool, size: s.capacity, inUse: s.used.size })),
        });
      }
    }
    return out;
  }

  /** Everything the allocator holds, in a canonical order: for tests, debugging and status dumps. */
  snapshot(): {
    services: [string, string, string[]][];
    addresses: [string, string | null, [string, string[]][]][];
  } {
    const services = [...this.#assignments]
      .map(([k, a]): [string, string, string[]] => [k, a.group, [...a.ips]])
      .sort((x, y) => compareText(x[0], y[0]));
    const addresses = [...this.#ledger.records.values()]
      .map((r): [string, string | null, [string, string[]][]] => [
        r.text,
        r.sharingKey ?? null,
        [...r.users].map(([u, p]): [string, string[]] => [u, [...p]]).sort((x, y) => compareText(x[0], y[0])),
      ])
      .sort((x, y) => compareText(x[0], y[0]));
    return { services, addresses };
  }
}

function differs(
  svc: Service,
  ingress: LoadBalancerIngress[],
  annotations: Record<string, string | null>,
): boolean {
  const now = svc.status?.loadBalancer?.ingress ?? [];
  if (now.length !== ingress.length) return true;
  if (now.some((e, i) => e.ip !== ingress[i]?.ip || e.ipMode !== 'VIP' || e.hostname !== undefined))
    return true;
  const current = svc.metadata.annotations ?? {};
  return Object.entries(annotations).some(([k, v]) => (current[k] ?? null) !== v);
}
