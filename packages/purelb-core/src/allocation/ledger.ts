// Who holds which address: one record per address in use (several holders when shared), and per
// pool the sorted offsets in use, kept in step so "lowest free" never scans. A pool's state covers
// only the addresses it hands out (reserved.ts): its network, broadcast or subnet-router anycast
// address is outside it, so it is never the lowest free one and never counted in its size.
import type { AddressPool, ServiceGroupConfig } from '../config/types.ts';
import { type Family, formatIP, type IP } from '../net/ip.ts';
import { ChurnSafeMap } from './churn-safe-map.ts';
import { type OffsetSet, offsetSetFor } from './offset-set.ts';
import { poolEdges } from './reserved.ts';

export interface PoolState {
  group: string;
  pool: AddressPool;
  /** Inclusive bounds of what is handed out; offsets in `used` count from `first`. */
  first: bigint;
  last: bigint;
  /** Addresses of the pool left out of [first, last], with why. */
  reserved: ReadonlyMap<bigint, string>;
  capacity: bigint;
  used: OffsetSet;
}

/** A reserved address of a group's pool, with why it is not handed out. */
export interface ReservedAddress {
  state: PoolState;
  why: string;
}

export interface AddressRecord {
  text: string;
  ip: IP;
  sharingKey: string | undefined;
  users: Map<string, string[]>;
  /** The pool counting it as used; undefined when no configured pool holds it (an orphan). */
  pool: PoolState | undefined;
}

const contains = (s: PoolState, ip: IP): boolean =>
  s.pool.family === ip.family && ip.value >= s.first && ip.value <= s.last;

export class Ledger {
  readonly records = new ChurnSafeMap<string, AddressRecord>();
  pools: PoolState[] = [];
  #poolsByGroup = new Map<string, PoolState[]>();
  /** `${family}|${sharingKey}` → addresses bound to that key. */
  #byKey = new Map<string, Set<string>>();

  /** Replaces the pools and recounts every held address against them. */
  setPools(
    groups: readonly ServiceGroupConfig[],
    preferredGroup: (rec: AddressRecord) => string | undefined,
  ): void {
    this.pools = [];
    this.#poolsByGroup = new Map();
    for (const g of groups) {
      if (this.#poolsByGroup.has(g.name)) continue;
      const states = g.pools.map((pool): PoolState => {
        const { first, last, reserved } = poolEdges(pool);
        const capacity = last >= first ? last - first + 1n : 0n;
        return { group: g.name, pool, first, last, reserved, capacity, used: offsetSetFor(capacity) };
      });
      this.#poolsByGroup.set(g.name, states);
      this.pools.push(...states);
    }
    const offsets = new Map<PoolState, bigint[]>();
    for (const rec of this.records.values()) {
      rec.pool = this.poolFor(rec.ip, preferredGroup(rec));
      if (rec.pool === undefined) continue;
      let list = offsets.get(rec.pool);
      if (list === undefined) {
        list = [];
        offsets.set(rec.pool, list);
      }
      list.push(rec.ip.value - rec.pool.first);
    }
    for (const [state, list] of offsets) state.used.load(list);
  }

  groupPools(group: string, family?: Family): PoolState[] {
    const all = this.#poolsByGroup.get(group) ?? [];
    return family === undefined ? all : all.filter((s) => s.pool.family === family);
  }

  /** The pool holding `ip`, preferring the given group's pools (pools of different groups should not overlap). */
  poolFor(ip: IP, preferredGroup?: string): PoolState | undefined {
    if (preferredGroup !== undefined) {
      const own = this.groupPools(preferredGroup).find((s) => contains(s, ip));
      if (own !== undefined) return own;
    }
    return this.pools.find((s) => contains(s, ip));
  }

  poolInGroup(ip: IP, group: string): PoolState | undefined {
    return this.groupPools(group).find((s) => contains(s, ip));
  }

  /** The pool of `group` that holds `ip` as a reserved address, or undefined. */
  reservedInGroup(ip: IP, group: string): ReservedAddress | undefined {
    for (const state of this.groupPools(group, ip.family)) {
      const why = state.reserved.get(ip.value);
      if (why !== undefined) return { state, why };
    }
    return undefined;
  }

  /** The lowest free address of the pool, or undefined when full. */
  firstFree(state: PoolState): IP | undefined {
    const offset = state.used.firstFree(state.capacity);
    return offset === undefined ? undefined : { family: state.pool.family, value: state.first + offset };
  }

  /** Addresses bound to a sharing key in one family, lowest first. */
  keyAddresses(family: Family, sharingKey: string): AddressRecord[] {
    const texts = this.#byKey.get(`${family}|${sharingKey}`);
    if (texts === undefined) return [];
    const recs = [...texts].map((t) => this.records.get(t)).filter((r) => r !== undefined);
    return recs.sort((a, b) => (a.ip.value < b.ip.value ? -1 : a.ip.value > b.ip.value ? 1 : 0));
  }

  #bindKey(rec: AddressRecord, sharingKey: string | undefined): void {
    if (rec.sharingKey === sharingKey) return;
    if (rec.sharingKey !== undefined) {
      const k = `${rec.ip.family}|${rec.sharingKey}`;
      const set = this.#byKey.get(k);
      set?.delete(rec.text);
      if (set?.size === 0) this.#byKey.delete(k);
    }
    rec.sharingKey = sharingKey;
    if (sharingKey !== undefined) {
      const k = `${rec.ip.family}|${sharingKey}`;
      let set = this.#byKey.get(k);
      if (set === undefined) {
        set = new Set();
        this.#byKey.set(k, set);
      }
      set.add(rec.text);
    }
  }

  /** Records `service` as a holder of `ip` (callers have checked that sharing allows it). */
  hold(
    ip: IP,
    service: string,
    sharingKey: string | undefined,
    ports: string[],
    pool: PoolState | undefined,
  ): void {
    const text = formatIP(ip);
    let rec = this.records.get(text);
    if (rec === undefined) {
      rec = { text, ip, sharingKey: undefined, users: new Map(), pool };
      this.records.set(text, rec);
      pool?.used.add(ip.value - pool.first);
    }
    rec.users.set(service, ports);
    // A lone holder's key is the address's key; with several holders the keys are already equal.
    if (rec.users.size === 1) this.#bindKey(rec, sharingKey);
  }

  /** Drops `service` from `text`'s holders; true when the address became free. */
  drop(text: string, service: string): boolean {
    const rec = this.records.get(text);
    if (rec === undefined || !rec.users.delete(service)) return false;
    if (rec.users.size > 0) return false;
    this.#bindKey(rec, undefined);
    this.records.delete(text);
    rec.pool?.used.delete(rec.ip.value - rec.pool.first);
    return true;
  }

  clear(): void {
    this.records.clear();
    this.#byKey.clear();
    for (const s of this.pools) s.used.load([]);
  }
}
