// The handle a caller opens: one request socket bound to a network namespace, with links,
// addresses, routes and nexthop objects on it, monitors (each on its own socket), GARP/NA
// announcements and address-conflict probes.
import createDebug from 'debug';
import type { NativeBinding, NativeSocket, NativeSocketOptions, NetnsTarget } from '../native/binding.ts';
import { Connection } from '../transport/connection.ts';
import { DEFAULT_RCVBUF, DEFAULT_SNDBUF } from '../transport/window.ts';
import { Addresses } from './addresses.ts';
import { type AnnounceOptions, announce } from './announce.ts';
import { type ClaimWatch, type WatchClaimsOptions, watchClaims } from './claim-watch.ts';
import { Fdb } from './fdb.ts';
import type { LinkRef } from './link-ref.ts';
import { Links } from './links.ts';
import { Monitor, type MonitorOptions } from './monitor.ts';
import { Neighbours } from './neighbours.ts';
import { describeNetns, type NetnsOption, netnsTarget } from './netns.ts';
import { Nexthops } from './nexthops.ts';
import { type ProbeOptions, type ProbeResult, probe } from './probe.ts';
import { Routes } from './routes.ts';
import { Rules } from './rules.ts';

const trace = createDebug('netlink:handle');

/** What a handle needs of the addon. */
export type HandleBinding = Pick<NativeBinding, 'NetlinkSocket' | 'sendFrames' | 'exchangeFrames'> &
  // Optional so test doubles written before claim watches still type-check; the addon has it.
  Partial<Pick<NativeBinding, 'PacketSocket'>>;

/** Options of `Netlink.open`. */
export interface OpenOptions {
  /** The namespace to work in: a name (`ip netns` style), { path } or { fd }. Default: the caller's. */
  netns?: NetnsOption;
  /** Receive buffer to ask for, in bytes (default 4 MiB; SO_RCVBUFFORCE when privileged). */
  rcvbuf?: number;
  /** Most requests in flight at once (default: sized from the granted receive buffer). */
  window?: number;
  /** Send buffer: the most one sendmsg carries (default 1 MiB). */
  sndbuf?: number;
  /** The addon to use (tests and embedders); default: the bundled prebuild. */
  binding?: HandleBinding;
}

function checkBuffer(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 4096 || v > 0x7fffffff)
    throw new RangeError(`${name} must be 4096..2^31-1 bytes, got ${v}`);
  return v;
}

/**
 * A handle on one network namespace: a netlink socket opened there (`Netlink.open`), with links,
 * addresses, routes and nexthop objects as typed promise-based calls, monitors, announcements,
 * probes and claim watches. `close()` ends it.
 */
export class Netlink {
  /** Network interfaces (`ip link`). */
  readonly links: Links;
  /** Interface addresses (`ip address`). */
  readonly addresses: Addresses;
  /** Routes (`ip route`). */
  readonly routes: Routes;
  /** Nexthop objects (`ip nexthop`). */
  readonly nexthops: Nexthops;
  /** The ARP / neighbour-discovery caches and proxy entries (`ip neigh`). */
  readonly neighbours: Neighbours;
  /** Policy routing rules (`ip rule`). */
  readonly rules: Rules;
  /** Bridge forwarding database entries: bridges' MAC tables and VXLAN remotes (`bridge fdb`). */
  readonly fdb: Fdb;
  readonly #conn: Connection;
  readonly #binding: HandleBinding;
  readonly #netns: NetnsTarget | undefined;
  readonly #monitors = new Set<Monitor>();
  readonly #watches = new Set<ClaimWatch>();

  private constructor(binding: HandleBinding, netns: NetnsTarget | undefined, conn: Connection) {
    this.#binding = binding;
    this.#netns = netns;
    this.#conn = conn;
    this.links = new Links(conn);
    this.addresses = new Addresses(conn);
    this.routes = new Routes(conn);
    this.nexthops = new Nexthops(conn);
    this.neighbours = new Neighbours(conn);
    this.rules = new Rules(conn);
    this.fdb = new Fdb(conn);
  }

  /** Opens a request socket in the namespace. Bad options reject before any socket exists. */
  static async open(options: OpenOptions = {}): Promise<Netlink> {
    const netns = netnsTarget(options.netns);
    const rcvbuf = checkBuffer('rcvbuf', options.rcvbuf, DEFAULT_RCVBUF);
    const sndbuf = checkBuffer('sndbuf', options.sndbuf, DEFAULT_SNDBUF);
    const binding = options.binding ?? (await import('../native/load.ts')).native;
    const open = (o: NativeSocketOptions): NativeSocket => new binding.NetlinkSocket(o);
    const conn = new Connection(open, { rcvbuf, sndbuf, window: options.window, netns });
    trace('opened in %s', describeNetns(netns));
    return new Netlink(binding, netns, conn);
  }

  /** The request socket's facts: port id, granted buffer, window, strict check / ext-ack support. */
  get info(): {
    /** The socket's netlink port id. */
    portId: number;
    /** The receive buffer the kernel granted, in bytes. */
    rcvbuf: number;
    /** Most requests in flight at once. */
    window: number;
    /** Whether the kernel took NETLINK_GET_STRICT_CHK (dump filters run in the kernel). */
    strictCheck: boolean;
    /** Whether the kernel took NETLINK_EXT_ACK (errors carry its message). */
    extAck: boolean;
    /** Requests sent and not yet answered. */
    inFlight: number;
    /** Requests waiting for room in the window. */
    queued: number;
    /** Interrupted dumps re-run so far (`retryInterrupted`). */
    dumpRetries: number;
  } {
    const s = this.#conn.socket;
    return {
      portId: s.portId,
      rcvbuf: s.rcvbuf,
      window: this.#conn.limits.count,
      strictCheck: s.strictCheck,
      extAck: s.extAck,
      inFlight: this.#conn.inFlight,
      queued: this.#conn.queued,
      dumpRetries: this.#conn.dumpRetries,
    };
  }

  /** Subscribes to link / address / route / nexthop changes on a socket of its own. */
  monitor(options: MonitorOptions = {}): Monitor {
    const monitor = new Monitor(
      (o) => new this.#binding.NetlinkSocket(o),
      this.#netns,
      options,
      () => this.#monitors.delete(monitor),
    );
    this.#monitors.add(monitor);
    return monitor;
  }

  /**
   * Tells the link's neighbours that `address` is here: gratuitous ARP (IPv4: a request and a
   * reply) or an unsolicited neighbour advertisement (IPv6), sent from the link's MAC.
   */
  announce(link: LinkRef, address: string, options: AnnounceOptions = {}): Promise<void> {
    return announce(this, this.#binding, this.#netns, link, address, options);
  }

  /**
   * Asks the link's LAN whether anyone uses `addresses` before this host claims them: an RFC 5227
   * ARP probe per IPv4 address, a duplicate-address-detection neighbour solicitation per IPv6
   * one, `count` rounds `intervalMs` apart, then `waitMs` of listening. All addresses share one
   * socket and one window. Resolves one result per address, in order.
   */
  probe(link: LinkRef, addresses: readonly string[], options: ProbeOptions = {}): Promise<ProbeResult[]> {
    return probe(this, this.#binding, this.#netns, link, addresses, options);
  }

  /**
   * Watches the link for frames showing another host using (or about to use) any of a set of
   * addresses, and reports each at once through `onEvidence` until closed: ARP from the address
   * (requests, replies, gratuitous ARP), ARP probes for it, neighbour advertisements for it, DAD
   * solicitations for it. The probe's rules; the link's own frames never count. Sends nothing.
   * One listening socket (and I/O thread) per watch, in the handle's namespace.
   */
  async watchClaims(link: LinkRef, options: WatchClaimsOptions): Promise<ClaimWatch> {
    const watch = await watchClaims(this, this.#binding, this.#netns, link, options, (w) =>
      this.#watches.delete(w),
    );
    this.#watches.add(watch);
    return watch;
  }

  /** Closes the request socket (rejecting what is outstanding with ECANCELED), every monitor and claim watch. */
  close(): void {
    for (const m of [...this.#monitors]) m.close();
    for (const w of [...this.#watches]) w.close();
    this.#conn.close();
  }
}
