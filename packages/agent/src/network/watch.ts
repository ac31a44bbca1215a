// Kernel changes that can alter what this node should carry: links, addresses, main-table routes of
// both families, and nexthop objects (a default route may name one). Link, nexthop and main-table
// route notifications mark the reconciler dirty at once (the reconcile re-reads everything), except
// a host-length route not through the virtual interface, which elects nothing and is coalesced like
// a foreign address; a route in another table is ignored (the rules read only the main one: adding
// an address puts its route in the local table), and so is an address notification that merely
// echoes the agent's own last apply. An overrun means events were lost, which a full re-read covers.
//
// Address notifications are split by whose address it is. One carrying PureLB's IFA_PROTO (e.g. an
// owned address deleted behind the agent's back) marks dirty at once: the restore must stay fast.
// Any other address is foreign: it still matters (it changes the node's subnets and the IPs it
// already uses) but never needs a reconcile of its own, and another program churning thousands of
// addresses made the agent re-read the whole network for each (30k add/deletes pinned a core for
// 21 s and doubled its RSS). Foreign notifications only schedule a reconcile through a debounce:
// FOREIGN_QUIET_MS after the last of a burst, at most FOREIGN_MAX_WAIT_MS after its first; while a
// flood goes on without a pause after that, at most one per FOREIGN_FLOOD_WAIT_MS (the periodic
// resync's own bound), since each re-reads every address the flood added, in dumps the churn keeps
// interrupting. Any owned, link or route change, and the periodic resync, still reconcile meanwhile.
//
// Before any of that, the kernel drops what cannot change a decision (monitor-interest.ts): routes of
// other tables, and host-length addresses off the virtual interface and outside every pool, which is
// where such churn usually comes from (kube-ipvs0). `follow` moves the filter after each decision.
//
// For bench:agent's foreign-churn scenario only, so it can measure the behaviour before each step
// side by side with the one after: PURELB_BENCH_IMMEDIATE_FOREIGN_ADDRESSES=1 turns the debounce
// off, PURELB_BENCH_NO_MONITOR_FILTER=1 the kernel filter.
import { PURELB_ADDRESS_PROTOCOL } from '@purelb-ts/core';
import type { Action, Address, Monitor, Netlink } from '@purelb-ts/netlink-native';
import type { Logger } from '../log.ts';
import { BurstDebounce } from './burst-debounce.ts';
import { InterestFilter, type MonitorInterest } from './monitor-interest.ts';

const RT_TABLE_MAIN = 254;
const FOREIGN_QUIET_MS = 100;
const FOREIGN_MAX_WAIT_MS = 1000;
const FOREIGN_FLOOD_WAIT_MS = 30_000;
export const IMMEDIATE_FOREIGN_ENV = 'PURELB_BENCH_IMMEDIATE_FOREIGN_ADDRESSES';
export const NO_MONITOR_FILTER_ENV = 'PURELB_BENCH_NO_MONITOR_FILTER';

export interface NetworkWatch {
  /** A decision's interest: the kernel filter follows it (see monitor-interest.ts). */
  follow(interest: MonitorInterest): void;
  close(): void;
}

export interface NetworkWatchOptions {
  /** True for a notification the agent's own apply caused (see OwnEchoes). */
  isOwnEcho?: (action: Action, address: Address) => boolean;
  /** Every address notification that is not an echo (duplicate address detection failures show here). */
  onAddress?: (action: Action, address: Address) => void;
  /** Quiet time after the last foreign address notification before a reconcile (default 100 ms). */
  foreignQuietMs?: number;
  /** Longest a burst of foreign address notifications delays its reconcile (default 1 s). */
  foreignMaxWaitMs?: number;
  /** The same while a flood goes on without a pause after its first reconcile (default 30 s). */
  foreignFloodWaitMs?: number;
  /** Every foreign address notification marks dirty at once (default: $IMMEDIATE_FOREIGN_ENV === '1'). */
  immediateForeign?: boolean;
  /** The kernel drops what cannot change a decision (default: unless $NO_MONITOR_FILTER_ENV === '1'). */
  kernelFilter?: boolean;
}

/**
 * Puts `interest`'s filter on the monitor. One the kernel (or the library's limits: many pools) refuses
 * is logged, and the monitor falls back to the main table only, where every address passes.
 */
function applyFilter(monitor: Monitor, interest: InterestFilter, log: Logger): void {
  const filter = interest.filter();
  try {
    monitor.setFilter(filter);
    log.debug('netlink monitor filter', { filter });
  } catch (err) {
    log.warn('netlink monitor filter refused: every address notification reaches the agent', {
      reason: String(err),
    });
    monitor.setFilter({ routeTables: ['main'] });
  }
}

export function watchNetwork(
  nl: Netlink,
  markDirty: (why: string) => void,
  log: Logger,
  options: NetworkWatchOptions = {},
): NetworkWatch {
  const interest = new InterestFilter();
  const filtered = options.kernelFilter ?? process.env[NO_MONITOR_FILTER_ENV] !== '1';
  const monitor = nl.monitor({
    groups: ['link', 'ipv4-address', 'ipv6-address', 'ipv4-route', 'ipv6-route', 'nexthop'],
    ...(filtered ? { filter: interest.filter() } : {}),
  });
  let foreignSeen = 0;
  const foreign = new BurstDebounce(
    () => {
      const n = foreignSeen;
      foreignSeen = 0;
      markDirty(`foreign address change (${n} notification${n === 1 ? '' : 's'})`);
    },
    {
      quietMs: options.foreignQuietMs ?? FOREIGN_QUIET_MS,
      maxWaitMs: options.foreignMaxWaitMs ?? FOREIGN_MAX_WAIT_MS,
      floodWaitMs: options.foreignFloodWaitMs ?? FOREIGN_FLOOD_WAIT_MS,
    },
  );
  const immediateForeign = options.immediateForeign ?? process.env[IMMEDIATE_FOREIGN_ENV] === '1';
  // A reconcile marked now re-reads the whole network, foreign changes so far included.
  const now = (why: string) => {
    foreign.cancel();
    foreignSeen = 0;
    markDirty(why);
  };
  monitor.on('link', (e) => {
    // Before the reconcile it marks reads the network (see monitor-interest.ts).
    if (interest.link(e.action, e.link) && filtered) applyFilter(monitor, interest, log);
    now('link change');
  });
  monitor.on('address', (e) => {
    if (options.isOwnEcho?.(e.action, e.address) === true) return;
    options.onAddress?.(e.action, e.address);
    if (e.address.protocol === PURELB_ADDRESS_PROTOCOL || immediateForeign) {
      now('address change');
      return;
    }
    foreignSeen++;
    foreign.poke();
  });
  monitor.on('route', (e) => {
    if (e.route.table !== RT_TABLE_MAIN) return;
    if (interest.urgentRoute(e.route) || immediateForeign) {
      now('route change');
      return;
    }
    // The host route the kernel adds with a foreign IPv6 /128: it elects nothing.
    foreignSeen++;
    foreign.poke();
  });
  monitor.on('nexthop', () => now('nexthop change'));
  monitor.on('overrun', () => {
    log.warn('netlink monitor overrun: notifications were lost, re-reading the whole network', {
      reason: 'ENOBUFS',
    });
    now('monitor overrun');
  });
  monitor.on('error', (err: unknown) => {
    log.warn('netlink monitor could not decode a notification; re-reading', { reason: String(err) });
    now('monitor error');
  });
  monitor.unref();
  return {
    follow: (next) => {
      if (interest.follow(next) && filtered) applyFilter(monitor, interest, log);
    },
    close: () => {
      foreign.cancel();
      monitor.close();
    },
  };
}
