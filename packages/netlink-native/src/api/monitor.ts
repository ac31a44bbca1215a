// Change notifications (links, IPv4/IPv6 addresses and routes, nexthop objects) on a socket of their own, as an
// EventEmitter and as an async iterator. When the kernel drops notifications because the socket
// buffer overflowed (ENOBUFS), the monitor says so with an explicit `overrun` event: whatever the
// caller derived from the stream is stale and must be re-listed. It never goes silently stale.
import { EventEmitter } from 'node:events';
import { endianness } from 'node:os';
import createDebug from 'debug';
import { decodeAddress } from '../codec/address.ts';
import {
  AF_BRIDGE,
  AF_INET,
  AF_INET6,
  RTM_DELADDR,
  RTM_DELLINK,
  RTM_DELNEIGH,
  RTM_DELNEXTHOP,
  RTM_DELROUTE,
  RTM_DELRULE,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWNEIGH,
  RTM_NEWNEXTHOP,
  RTM_NEWROUTE,
  RTM_NEWRULE,
  RTNLGRP_IPV4_IFADDR,
  RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV4_RULE,
  RTNLGRP_IPV6_IFADDR,
  RTNLGRP_IPV6_ROUTE,
  RTNLGRP_IPV6_RULE,
  RTNLGRP_LINK,
  RTNLGRP_NEIGH,
  RTNLGRP_NEXTHOP,
} from '../codec/constants.ts';
import { decodeFdb, type FdbEntry } from '../codec/fdb.ts';
import { decodeLink } from '../codec/link.ts';
import { type NetlinkMessage, parseMessages, payloadFamily } from '../codec/message.ts';
import { decodeNeighbour } from '../codec/neighbour.ts';
import { decodeNexthop } from '../codec/nexthop.ts';
import { decodeRoute } from '../codec/route.ts';
import { decodeRule, isIpRule } from '../codec/rule.ts';
import { NetlinkError } from '../errors.ts';
import type {
  NativeSocket,
  NativeSocketControls,
  NativeSocketOptions,
  NetnsTarget,
} from '../native/binding.ts';
import type { Address, Link, Neighbour, NexthopObject, Route, Rule } from '../types.ts';
import {
  type MonitorFilter,
  type MonitorFilterSpec,
  monitorFilterBytes,
  monitorFilterSpec,
} from './monitor-filter.ts';

const trace = createDebug('netlink:monitor');
const ENOBUFS = 105;

/** A multicast group a monitor joins: which kinds of change it hears about. */
export type MonitorGroup =
  | 'link'
  | 'ipv4-address'
  | 'ipv6-address'
  | 'ipv4-route'
  | 'ipv6-route'
  | 'nexthop'
  | 'neighbour'
  | 'ipv4-rule'
  | 'ipv6-rule'
  | 'fdb';

const GROUPS: Readonly<Record<MonitorGroup, number>> = {
  link: RTNLGRP_LINK,
  'ipv4-address': RTNLGRP_IPV4_IFADDR,
  'ipv6-address': RTNLGRP_IPV6_IFADDR,
  'ipv4-route': RTNLGRP_IPV4_ROUTE,
  'ipv6-route': RTNLGRP_IPV6_ROUTE,
  nexthop: RTNLGRP_NEXTHOP,
  neighbour: RTNLGRP_NEIGH,
  'ipv4-rule': RTNLGRP_IPV4_RULE,
  'ipv6-rule': RTNLGRP_IPV6_RULE,
  // The kernel sends bridge fdb changes on the neighbour group: joined once for either name.
  fdb: RTNLGRP_NEIGH,
};

// Without `groups`: what a monitor joined before nexthop objects existed here. 'nexthop' is only
// joined when asked for, because kernels before 5.3 have no such group and would refuse the
// whole monitor (EINVAL), which would break callers that never wanted nexthop events.
const DEFAULT_GROUPS: readonly MonitorGroup[] = [
  'link',
  'ipv4-address',
  'ipv6-address',
  'ipv4-route',
  'ipv6-route',
];

/** Options of `nl.monitor(options)`. */
export interface MonitorOptions {
  /** Default: links, and addresses and routes of both families ('nexthop' and 'neighbour' only when named). */
  groups?: MonitorGroup[];
  /** Receive buffer in bytes (default 4 MiB). Smaller overruns sooner under a burst of changes. */
  rcvbuf?: number;
  /**
   * Most events an async iterator holds for a slow consumer. Past it the held events are
   * dropped and replaced by one `overrun` event (default 100,000).
   */
  highWaterMark?: number;
  /**
   * Which address and route notifications the kernel lets through to this monitor (a socket
   * filter: the rest are dropped before they are queued, at no cost here). Default: all.
   */
  filter?: MonitorFilter;
}

/** What happened to the object: created or changed (`new`, RTM_NEW*), or deleted (`del`, RTM_DEL*). */
export type Action = 'new' | 'del';
/** One change notification, or an `overrun` when some were lost. */
export type MonitorEvent =
  | {
      /** A link was created, changed or deleted. */
      type: 'link';
      /** new or del. */
      action: Action;
      /** The link as the notification carries it. */
      link: Link;
    }
  | {
      /** An address was added, changed or deleted. */
      type: 'address';
      /** new or del. */
      action: Action;
      /** The address as the notification carries it. */
      address: Address;
    }
  | {
      /** A route was added, changed or deleted. */
      type: 'route';
      /** new or del. */
      action: Action;
      /** The route as the notification carries it. */
      route: Route;
    }
  /** A nexthop object was created, replaced or deleted (a route naming it by nhId may now leave elsewhere). */
  | {
      /** A nexthop object changed. */
      type: 'nexthop';
      /** new or del. */
      action: Action;
      /** The object as the notification carries it. */
      nexthop: NexthopObject;
    }
  /** A policy routing rule was added or deleted (groups 'ipv4-rule' / 'ipv6-rule', named in `groups`). */
  | {
      /** A rule was added or deleted. */
      type: 'rule';
      /** new or del. */
      action: Action;
      /** The rule as the notification carries it. */
      rule: Rule;
    }
  /** An IPv4 / IPv6 neighbour entry was created, changed or deleted (group 'neighbour', named in `groups`). */
  | {
      /** A neighbour entry changed. */
      type: 'neighbour';
      /** new or del. */
      action: Action;
      /** The entry as the notification carries it. */
      neighbour: Neighbour;
    }
  /** A bridge fdb entry was added, changed or deleted (group 'fdb', named in `groups`). */
  | {
      /** An fdb entry changed. */
      type: 'fdb';
      /** new or del. */
      action: Action;
      /** The entry as the notification carries it. */
      fdb: FdbEntry;
    }
  /** Notifications were lost (ENOBUFS): re-list whatever you track. */
  | {
      /** The kernel dropped notifications (ENOBUFS). */
      type: 'overrun';
    };

interface Consumer {
  queue: MonitorEvent[];
  waiting: ((r: IteratorResult<MonitorEvent>) => void) | undefined;
  failWaiting: ((e: Error) => void) | undefined;
  error: Error | undefined;
}

/** The monitor's events and their arguments (`monitor.on('link', (e) => …)`). */
export interface MonitorEvents {
  /** A link change. */
  link: [event: Extract<MonitorEvent, { type: 'link' }>];
  /** An address change. */
  address: [event: Extract<MonitorEvent, { type: 'address' }>];
  /** A route change. */
  route: [event: Extract<MonitorEvent, { type: 'route' }>];
  /** A nexthop object change. */
  nexthop: [event: Extract<MonitorEvent, { type: 'nexthop' }>];
  /** A neighbour entry change. */
  neighbour: [event: Extract<MonitorEvent, { type: 'neighbour' }>];
  /** A rule change. */
  rule: [event: Extract<MonitorEvent, { type: 'rule' }>];
  /** A bridge fdb entry change. */
  fdb: [event: Extract<MonitorEvent, { type: 'fdb' }>];
  /** Every event above, and overruns, in arrival order. */
  change: [event: MonitorEvent];
  /** Notifications were lost (ENOBUFS): re-list whatever you track. */
  overrun: [];
  /** A receive failure other than an overrun; the monitor stays open. */
  error: [error: Error];
  /** The monitor was closed. */
  close: [];
}

/**
 * Change notifications on a socket of their own (`nl.monitor()`): an EventEmitter and an async
 * iterator of {@link MonitorEvent}s. Losses are reported as `overrun`, never hidden.
 */
export class Monitor extends EventEmitter<MonitorEvents> implements AsyncIterable<MonitorEvent> {
  /** The groups the monitor joined. */
  readonly groups: readonly MonitorGroup[];
  readonly #socket: NativeSocket;
  readonly #consumers = new Set<Consumer>();
  readonly #highWaterMark: number;
  readonly #onClose: () => void;
  #closed = false;
  #filter: MonitorFilterSpec | undefined;
  /** How many overruns the kernel reported since the monitor opened. */
  overruns = 0;

  constructor(
    open: (o: NativeSocketOptions) => NativeSocket,
    netns: NetnsTarget | undefined,
    options: MonitorOptions,
    onClose: () => void,
  ) {
    super();
    const groups = options.groups ?? [...DEFAULT_GROUPS];
    if (!Array.isArray(groups) || groups.length === 0)
      throw new TypeError('monitor groups must be a non-empty array');
    for (const g of groups) {
      if (!Object.hasOwn(GROUPS, g)) {
        throw new TypeError(
          `unknown monitor group ${JSON.stringify(g)} (known: ${Object.keys(GROUPS).join(', ')})`,
        );
      }
    }
    const rcvbuf = options.rcvbuf ?? 4 * 1024 * 1024;
    if (!Number.isInteger(rcvbuf) || rcvbuf < 1024)
      throw new RangeError(`monitor rcvbuf must be >= 1024 bytes, got ${rcvbuf}`);
    const hwm = options.highWaterMark ?? 100_000;
    if (!Number.isInteger(hwm) || hwm < 1)
      throw new RangeError(`highWaterMark must be a positive integer, got ${hwm}`);
    const filter = monitorFilterSpec(options.filter);
    const program = monitorFilterBytes(filter, endianness());
    this.groups = groups;
    this.#highWaterMark = hwm;
    this.#onClose = onClose;
    this.#filter = filter;
    this.#socket = systemCall('monitor open', () =>
      open({
        protocol: 0,
        netns,
        rcvbuf,
        sndbuf: 32 * 1024,
        groups: [...new Set(groups.map((g) => GROUPS[g]))],
        ...(program ? { filter: program } : {}),
        onData: (chunk) => this.#onData(chunk),
        onError: (errno, code, _token, cause) => this.#onError(errno, code, cause),
      }),
    );
    trace('monitoring %s (port %d, rcvbuf %d)', groups.join(','), this.#socket.portId, this.#socket.rcvbuf);
    if (filter) trace('filter %j', filter);
  }

  /** The kernel filter in force, canonical (undefined: every notification of the groups passes). */
  get filter(): MonitorFilterSpec | undefined {
    return this.#filter;
  }

  /**
   * Replaces the kernel filter, or removes it (undefined, or a filter with no field set). It
   * applies to notifications the kernel sends from now on; those it already queued still arrive.
   * Bad input is a TypeError/RangeError and changes nothing; a refusal by the kernel is a
   * NetlinkError.
   */
  setFilter(filter: MonitorFilter | undefined): void {
    const spec = monitorFilterSpec(filter);
    const program = monitorFilterBytes(spec, endianness());
    systemCall('monitor set filter', () => this.#socket.setFilter(program));
    this.#filter = spec;
    trace('filter %j', spec ?? 'removed');
  }

  /** The netlink port id of the monitor's socket (the `Pid` column of /proc/net/netlink). */
  get portId(): number {
    return this.#socket.portId;
  }

  /** The receive buffer the kernel granted. */
  get rcvbuf(): number {
    return this.#socket.rcvbuf;
  }

  /** True once `close()` ran (or the handle was closed). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Lets the process exit while the monitor is open (it keeps the event loop alive by default). */
  unref(): this {
    (this.#socket as Partial<NativeSocketControls>).unref?.();
    return this;
  }

  /** Undoes `unref()`: the open monitor keeps the process alive again. */
  ref(): this {
    (this.#socket as Partial<NativeSocketControls>).ref?.();
    return this;
  }

  /** Idempotent. Closes the socket, ends every iteration, and emits `close`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
    for (const c of this.#consumers) {
      // Held events are dropped: after close() the iteration ends at once.
      c.queue = [];
      c.waiting?.({ value: undefined, done: true });
      c.waiting = undefined;
      c.failWaiting = undefined;
    }
    this.#onClose();
    trace('closed');
    this.emit('close');
  }

  /** Iterates the events; each iterator holds up to `highWaterMark` of them for a slow consumer. */
  [Symbol.asyncIterator](): AsyncIterator<MonitorEvent> {
    const c: Consumer = { queue: [], waiting: undefined, failWaiting: undefined, error: undefined };
    let head = 0;
    this.#consumers.add(c);
    return {
      next: () => {
        if (head < c.queue.length) {
          const value = c.queue[head++] as MonitorEvent;
          if (head === c.queue.length) {
            c.queue = [];
            head = 0;
          }
          return Promise.resolve({ value, done: false });
        }
        if (c.error) {
          const error = c.error;
          c.error = undefined;
          return Promise.reject(error);
        }
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          c.waiting = resolve;
          c.failWaiting = reject;
        });
      },
      return: () => {
        this.#consumers.delete(c);
        c.queue = [];
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  #deliver(event: MonitorEvent): void {
    for (const c of this.#consumers) {
      if (c.waiting) {
        const w = c.waiting;
        c.waiting = undefined;
        c.failWaiting = undefined;
        w({ value: event, done: false });
      } else if (c.queue.length >= this.#highWaterMark) {
        // The consumer fell too far behind: what it would read is already stale.
        c.queue = [{ type: 'overrun' }];
      } else {
        c.queue.push(event);
      }
    }
    if (event.type !== 'overrun') this.emit(event.type, event as never);
    this.emit('change', event);
  }

  #onData(chunk: Buffer): void {
    let messages: ReturnType<typeof parseMessages>;
    try {
      messages = parseMessages(chunk);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    for (const m of messages) {
      try {
        switch (m.type) {
          case RTM_NEWLINK:
          case RTM_DELLINK:
            this.#deliver({
              type: 'link',
              action: m.type === RTM_NEWLINK ? 'new' : 'del',
              link: decodeLink(m),
            });
            break;
          case RTM_NEWADDR:
          case RTM_DELADDR:
            this.#deliver({
              type: 'address',
              action: m.type === RTM_NEWADDR ? 'new' : 'del',
              address: decodeAddress(m),
            });
            break;
          case RTM_NEWROUTE:
          case RTM_DELROUTE:
            this.#deliver({
              type: 'route',
              action: m.type === RTM_NEWROUTE ? 'new' : 'del',
              route: decodeRoute(m),
            });
            break;
          case RTM_NEWNEXTHOP:
          case RTM_DELNEXTHOP:
            this.#deliver({
              type: 'nexthop',
              action: m.type === RTM_NEWNEXTHOP ? 'new' : 'del',
              nexthop: decodeNexthop(m),
            });
            break;
          case RTM_NEWRULE:
          case RTM_DELRULE:
            if (isIpRule(m)) {
              this.#deliver({
                type: 'rule',
                action: m.type === RTM_NEWRULE ? 'new' : 'del',
                rule: decodeRule(m),
              });
            } else trace('ignored rule message of family %d', m.payload[0]);
            break;
          case RTM_NEWNEIGH:
          case RTM_DELNEIGH:
            this.#neighbour(m);
            break;
          default:
            trace('ignored message type %d', m.type);
        }
      } catch (err) {
        this.#fail(err as Error);
      }
    }
  }

  /**
   * RTNLGRP_NEIGH carries IPv4 / IPv6 neighbours ('neighbour' events, when that group was named)
   * and bridge fdb entries (AF_BRIDGE: 'fdb' events, when 'fdb' was named).
   */
  #neighbour(m: NetlinkMessage): void {
    const family = payloadFamily(m);
    const action = m.type === RTM_NEWNEIGH ? 'new' : 'del';
    if (family === AF_BRIDGE && this.groups.includes('fdb')) {
      this.#deliver({ type: 'fdb', action, fdb: decodeFdb(m) });
      return;
    }
    if ((family !== AF_INET && family !== AF_INET6) || !this.groups.includes('neighbour')) {
      trace('ignored neighbour message of family %d', family);
      return;
    }
    this.#deliver({ type: 'neighbour', action, neighbour: decodeNeighbour(m) });
  }

  #onError(errno: number, code: string, cause: unknown): void {
    if (errno === ENOBUFS) {
      this.overruns++;
      trace('overrun (ENOBUFS): notifications were lost, listeners must re-list');
      this.#deliver({ type: 'overrun' });
      this.emit('overrun');
      return;
    }
    const error =
      cause instanceof Error
        ? cause
        : new NetlinkError({ errno: errno || 5, operation: 'monitor receive', detail: code });
    this.#fail(error);
  }

  /** A notification we could not read: reported, and the monitor goes on with the next one. */
  #fail(error: Error): void {
    trace('monitor error: %s', error.message);
    for (const c of this.#consumers) {
      if (c.failWaiting) {
        const f = c.failWaiting;
        c.waiting = undefined;
        c.failWaiting = undefined;
        f(error);
      } else {
        c.error = error;
      }
    }
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

/** Runs a call into the addon; a failing system call (an Error with an errno) becomes a NetlinkError. */
function systemCall<T>(operation: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    const e = err as { errno?: unknown; syscall?: unknown };
    if (err instanceof Error && typeof e.errno === 'number' && e.errno > 0) {
      const detail = typeof e.syscall === 'string' ? e.syscall : err.message;
      throw new NetlinkError({ errno: e.errno, operation, detail });
    }
    throw err;
  }
}
