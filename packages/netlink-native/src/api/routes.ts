// Routes: dump a table (filtered in the kernel where strict checking allows), get the route to a
// destination (with the whole flow `ip route get` takes), add / replace / append / delete, IPv4 and
// IPv6, multipath (per-hop weights, onlink, gateways of the other family), routes through nexthop
// objects (nhId) and RTAX_* metrics with their locks.
import { RTAX_RTO_MIN, RTNH_F_ONLINK } from '../codec/constants.ts';
import { checkIpTunnelEncap } from '../codec/lwtunnel.ts';
import {
  decodeRoute,
  encodeDelRoute,
  encodeGetRoute,
  encodeGetRoutes,
  encodeNewRoute,
  type GetRouteOptions,
  type GetRoutesOptions,
  routeMatchesFilter,
} from '../codec/route.ts';
import { NetlinkError } from '../errors.ts';
import type { Connection } from '../transport/connection.ts';
import type { Decoder, DumpResult } from '../transport/pending.ts';
import type { Family, IpTunnelEncapSpec, NextHopSpec, Route, RouteMetrics, RouteSpec } from '../types.ts';
import { getLink, type LinkRef, linkLabel, resolveIndex } from './link-ref.ts';
import { checkRetry, type DumpOptions } from './links.ts';
import { parseAddressOnly, parsePrefix } from './prefix.ts';
import {
  type ProtocolName,
  protocolNumber,
  type RouteTypeName,
  routeTypeNumber,
  type TableName,
  tableNumber,
} from './route-names.ts';
import { type ScopeName, scopeNumber } from './scope.ts';

/** What `routes.list` dumps; the kernel filters by table, protocol, type and link. */
export interface RouteListOptions extends DumpOptions {
  /** Default: both families (two dumps). */
  family?: Family;
  /** Default 'main'; 'all' dumps every table. */
  table?: TableName | number;
  /** Only routes installed by this protocol (rtm_protocol). */
  protocol?: ProtocolName | number;
  /** Only routes of this type (rtm_type). */
  type?: RouteTypeName | number;
  /** Routes out of this link (RTA_OIF, or any nexthop of a multipath route). */
  link?: LinkRef;
  /**
   * Only routes through this nexthop object (RTA_NH_ID, `ip route show nhid N`). The kernel has no
   * such dump filter, so it is applied here, as iproute2 does.
   */
  nhId?: number;
}

/** One path of a multipath route (`nexthop via GW dev X weight N [onlink]`). */
export interface NextHopOptions {
  /** In the route's family (RTA_GATEWAY); an IPv6 gateway on an IPv4 route is sent as RTA_VIA. */
  gateway?: string;
  /** The hop's output link (rtnh_ifindex). */
  link?: LinkRef;
  /** 1..256 */
  weight?: number;
  /** RTNH_F_ONLINK: the gateway is on the link even if no address says so. */
  onlink?: boolean;
  /** This path's lightweight tunnel encapsulation (`nexthop encap ip id 1 dst 10.0.0.2 dev vx0`). */
  encap?: IpTunnelEncapSpec;
}

/** The RTAX_* metrics a route carries as numbers, by their RouteMetrics names. */
export type RouteMetricName =
  | 'mtu'
  | 'window'
  | 'rtt'
  | 'rttvar'
  | 'ssthresh'
  | 'cwnd'
  | 'advmss'
  | 'reordering'
  | 'hoplimit'
  | 'initcwnd'
  | 'features'
  | 'rtoMin'
  | 'initrwnd'
  | 'quickack';

// RTAX_* number of each metric name (RTAX_MTU = 2 ... RTAX_QUICKACK = 15).
const METRIC_NUMBERS: Record<RouteMetricName, number> = {
  mtu: 2,
  window: 3,
  rtt: 4,
  rttvar: 5,
  ssthresh: 6,
  cwnd: 7,
  advmss: 8,
  reordering: 9,
  hoplimit: 10,
  initcwnd: 11,
  features: 12,
  rtoMin: 13,
  initrwnd: 14,
  quickack: 15,
};

/**
 * RTA_METRICS of a route to add, in the units the kernel keeps (what `Route.metrics` reads back):
 * bytes for mtu/advmss/window, packets for cwnd/ssthresh/initcwnd/initrwnd, milliseconds for rtoMin,
 * rtt in ms × 8 and rttvar in ms × 4 (`ip route ... rtt 100ms` sends 800), features as
 * RTAX_FEATURE_* bits (1 = ECN). `lock` names the metrics the kernel must not change (`mtu lock
 * 1400`); rtoMin is always locked, as iproute2 does, since the kernel uses it only then.
 */
export interface RouteMetricsOptions extends Omit<RouteMetrics, 'lock'> {
  /** The metrics the kernel must not change (RTAX_LOCK). */
  lock?: readonly RouteMetricName[];
}

/** The metrics whose RTAX_LOCK bit is set in `metrics.lock` (of a Route read back). */
export function lockedMetrics(metrics: RouteMetrics | undefined): RouteMetricName[] {
  const lock = metrics?.lock ?? 0;
  return (Object.keys(METRIC_NUMBERS) as RouteMetricName[]).filter((k) => lock & (1 << METRIC_NUMBERS[k]));
}

function metricsSpec(m: RouteMetricsOptions): RouteMetrics {
  if (typeof m !== 'object' || m === null) throw new TypeError('metrics must be an object');
  const out: RouteMetrics = {};
  for (const [key, value] of Object.entries(m)) {
    if (key === 'lock' || value === undefined) continue;
    if (key === 'ccAlgo') {
      if (typeof value !== 'string' || !/^[\w-]{1,15}$/.test(value)) {
        throw new TypeError(`metrics.ccAlgo must be a congestion control name, got ${JSON.stringify(value)}`);
      }
      out.ccAlgo = value;
      continue;
    }
    if (!Object.hasOwn(METRIC_NUMBERS, key))
      throw new TypeError(`unknown route metric ${JSON.stringify(key)}`);
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`metrics.${key} must be a u32, got ${value}`);
    }
    (out as Record<string, number>)[key] = value;
  }
  let lock = out.rtoMin !== undefined ? 1 << RTAX_RTO_MIN : 0;
  for (const name of m.lock ?? []) {
    if (!Object.hasOwn(METRIC_NUMBERS, name))
      throw new TypeError(`unknown route metric to lock ${JSON.stringify(name)}`);
    lock |= 1 << METRIC_NUMBERS[name];
  }
  if (lock !== 0) out.lock = lock >>> 0;
  return out;
}

/** A route to add, replace, append or delete (`ip route add ...`). */
export interface RouteOptions {
  /** "10.0.0.0/24", a host address, or "default" (then give family or a gateway). */
  dst: string;
  /** 4 or 6; needed only for a default route without a gateway. */
  family?: Family;
  /**
   * RTA_GATEWAY. An IPv6 gateway on an IPv4 route (`via inet6 ADDR`, kernel >= 5.2) is sent as
   * RTA_VIA; give `family: 4` with `dst: 'default'`.
   */
  gateway?: string;
  /** RTA_OIF: the output link (`dev X`). */
  link?: LinkRef;
  /** RTA_PRIORITY (`metric N`). */
  metric?: number;
  /** Default 'main'; any u32. */
  table?: TableName | number;
  /** rtm_protocol; default 'boot' for an add (as iproute2), any for a delete. */
  protocol?: ProtocolName | number;
  /** rtm_scope; default as iproute2 picks it (link for a gatewayless unicast IPv4 route). */
  scope?: ScopeName | number;
  /** rtm_type; default 'unicast'. */
  type?: RouteTypeName | number;
  /** Preferred source address (RTA_PREFSRC). */
  prefsrc?: string;
  /**
   * RTA_FLOW: realms, (source realm << 16) | destination realm, each 0..65535 (`realm 5` is 5,
   * `realm 3/5` is 3 << 16 | 5), as `Route.realms` reads them back.
   */
  realms?: number;
  /** RTNH_F_ONLINK: the gateway is on the link even if no address says so. */
  onlink?: boolean;
  /** RTA_MULTIPATH: the paths of a multipath route (then no gateway or link of its own). */
  nexthops?: NextHopOptions[];
  /** RTA_NH_ID: route through this nexthop object (`ip route add ... nhid N`); no gateway or link then. */
  nhId?: number;
  /** RTA_METRICS (`mtu`, `advmss`, `initcwnd`... of `ip route add`). */
  metrics?: RouteMetricsOptions;
  /** RTA_PREF: an IPv6 route's router preference (`pref low|medium|high`). */
  pref?: RoutePrefName;
  /** RTA_EXPIRES: seconds until an IPv6 route expires (`expires 300`), 1..2^32-1; read back as `route.expires`. */
  expires?: number;
  /**
   * RTA_ENCAP: a lightweight tunnel encapsulation, `encap ip` or `encap ip6` (`ip route add PREFIX
   * encap ip id 1 dst 10.0.0.2 dev vx0`): the tunnel metadata a collect_metadata ("external")
   * tunnel device, e.g. a vxlan, uses for the route's packets.
   */
  encap?: IpTunnelEncapSpec;
}

/** `ip route`'s words for an encap (`encap ip id 1 dst 10.0.0.2 ttl 5 key`), for operation texts. */
export function encapWords(e: IpTunnelEncapSpec): string {
  checkIpTunnelEncap(e);
  const words = [`encap ${e.type}`];
  if (e.id !== undefined) words.push(`id ${e.id}`);
  if (e.dst !== undefined) words.push(`dst ${e.dst}`);
  if (e.src !== undefined) words.push(`src ${e.src}`);
  if (e.ttl !== undefined) words.push(`${e.type === 'ip' ? 'ttl' : 'hoplimit'} ${e.ttl}`);
  if (e.tos !== undefined) words.push(`${e.type === 'ip' ? 'tos' : 'tc'} ${e.tos}`);
  for (const flag of ['key', 'csum', 'seq'] as const) if (e[flag]) words.push(flag);
  return words.join(' ');
}

/** An IPv6 route's router preference (RFC 4191), as `ip -6 route add ... pref` names it. */
export type RoutePrefName = 'low' | 'medium' | 'high';
const PREFS: Record<RoutePrefName, number> = { low: 3, medium: 0, high: 1 };

/** IP protocols the kernel's route lookup takes (RTA_IP_PROTO), by name or number. */
export type RouteGetProtoName = 'tcp' | 'udp' | 'icmp' | 'ipv6-icmp';
const IP_PROTOS: Record<RouteGetProtoName, number> = { tcp: 6, udp: 17, icmp: 1, 'ipv6-icmp': 58 };

/** The flow to look up (`ip route get ADDR from ... iif ... mark ...`): policy rules see all of it. */
export interface RouteGetOptions {
  /** Source address (RTA_SRC). With `iif`, the lookup is the one for a packet received. */
  from?: string;
  /** Output link (RTA_OIF). */
  link?: LinkRef;
  /** Pretend the packet arrived on this link (RTA_IIF); IPv4 then needs `from` and forwarding on. */
  iif?: LinkRef;
  /** Firewall mark (RTA_MARK), as `ip rule ... fwmark` matches it. */
  mark?: number;
  /** The FIB entry that matched instead of the resolved route (`ip route get ... fibmatch`). */
  fibMatch?: boolean;
  /** The whole DS field byte, 0..255 (rtm_tos, `tos` / `dsfield`). */
  tos?: number;
  /** DSCP 0..63: the DS field's upper six bits (tos = dscp << 2). Not together with `tos`. */
  dscp?: number;
  /** RTA_UID: the sending socket's user id (`ip rule ... uidrange`). */
  uid?: number;
  /** RTA_IP_PROTO: tcp, udp, and icmp (IPv4) or ipv6-icmp (IPv6) are what the kernel takes. */
  ipProto?: RouteGetProtoName | number;
  /** RTA_SPORT: source port, 0..65535. */
  sport?: number;
  /** RTA_DPORT: destination port, 0..65535. */
  dport?: number;
  /**
   * RTA_FLOWLABEL: the IPv6 flow label, 0..0xfffff (`flowlabel`); IPv6 destinations only. It feeds
   * the multipath hash (and flow label rules on kernels that have them).
   */
  flowLabel?: number;
  /**
   * Look up in this VRF (`ip route get ... vrf NAME`): the VRF device's ifindex is sent as RTA_OIF,
   * once a link lookup has shown it is one (kind `vrf`; anything else is a TypeError). Not together
   * with `link`.
   */
  vrf?: LinkRef;
  /**
   * `ip route get ... connected`: look up a second time, from the source address the first answer
   * chose (its prefsrc), with the rest of the flow unchanged, and return that answer: the route of
   * the traffic a connection from that address would send. Does nothing when `from` is given (as
   * in iproute2). When the first answer has no source, NetlinkError EADDRNOTAVAIL.
   */
  connected?: boolean;
}

const EADDRNOTAVAIL = 99;

function checkU(name: string, v: unknown, max: number): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${name} must be 0..${max}, got ${v}`);
  return v;
}

function ipProtoNumber(p: RouteGetProtoName | number): number {
  if (typeof p === 'number') return checkU('ipProto', p, 255);
  if (typeof p === 'string' && Object.hasOwn(IP_PROTOS, p)) return IP_PROTOS[p];
  throw new TypeError(`unknown ipProto ${JSON.stringify(p)} (known: tcp, udp, icmp, ipv6-icmp, or a number)`);
}

/** The flow fields of a route lookup that need no link lookups, with the words naming them. */
function flowSpec(spec: GetRouteOptions, o: RouteGetOptions, words: string[]): void {
  if (o.from !== undefined) {
    parseAddressOnly(o.from, 'source', spec.family);
    spec.src = o.from;
    words.push(`from ${o.from}`);
  }
  if (o.uid !== undefined) {
    spec.uid = checkU('uid', o.uid, 0xffffffff);
    words.push(`uid ${o.uid}`);
  }
  if (o.ipProto !== undefined) {
    spec.ipProto = ipProtoNumber(o.ipProto);
    words.push(`ipproto ${o.ipProto}`);
  }
  if (o.sport !== undefined) {
    spec.sport = checkU('sport', o.sport, 0xffff);
    words.push(`sport ${o.sport}`);
  }
  if (o.dport !== undefined) {
    spec.dport = checkU('dport', o.dport, 0xffff);
    words.push(`dport ${o.dport}`);
  }
  if (o.flowLabel !== undefined) {
    if (spec.family !== 6) throw new TypeError('flowLabel is for IPv6 destinations only');
    spec.flowLabel = checkU('flowLabel', o.flowLabel, 0xfffff);
    words.push(`flowlabel 0x${o.flowLabel.toString(16)}`);
  }
  if (o.tos !== undefined && o.dscp !== undefined) throw new TypeError('give tos or dscp, not both');
  if (o.tos !== undefined) {
    spec.tos = checkU('tos', o.tos, 255);
    words.push(`tos 0x${o.tos.toString(16)}`);
  }
  if (o.dscp !== undefined) {
    spec.tos = checkU('dscp', o.dscp, 63) << 2;
    words.push(`dscp ${o.dscp}`);
  }
  if (o.mark !== undefined) {
    if (!Number.isInteger(o.mark) || o.mark < 0 || o.mark > 0xffffffff) {
      throw new RangeError(`mark must be a u32, got ${o.mark}`);
    }
    spec.mark = o.mark;
    words.push(`mark ${o.mark}`);
  }
  if (o.fibMatch) {
    spec.fibMatch = true;
    words.push('fibmatch');
  }
}

/** `nl.routes`: the routing tables of the handle's namespace. */
export class Routes {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** One table's routes (default 'main'), both families unless `family` is given. */
  async list(options: RouteListOptions = {}): Promise<DumpResult<Route>> {
    const retry = checkRetry(options);
    const { family } = options;
    if (family !== undefined && family !== 4 && family !== 6)
      throw new TypeError(`family must be 4 or 6, got ${family}`);
    const filter: Omit<GetRoutesOptions, 'family'> = {};
    const table = tableNumber(options.table);
    if (table !== undefined) filter.table = table;
    const protocol = protocolNumber(options.protocol);
    if (protocol !== undefined) filter.protocol = protocol;
    const type = routeTypeNumber(options.type);
    if (type !== undefined) filter.type = type;
    const nhId = options.nhId === undefined ? undefined : checkU('nhId', options.nhId, 0xffffffff);
    if (options.link !== undefined) filter.oif = await resolveIndex(this.#conn, options.link);
    const words = ['route list'];
    if (options.table !== undefined) words.push(`table ${options.table}`);
    if (options.protocol !== undefined) words.push(`proto ${options.protocol}`);
    if (options.type !== undefined) words.push(`type ${options.type}`);
    if (options.link !== undefined) words.push(`dev ${linkLabel(options.link)}`);
    if (nhId !== undefined) words.push(`nhid ${nhId}`);
    const families: Family[] = family === undefined ? [4, 6] : [family];
    const out = [] as unknown as DumpResult<Route>;
    out.interrupted = false;
    for (const f of families) {
      const opts: GetRoutesOptions = { family: f, ...filter };
      // The kernel filters when strict checking is on; the same test here catches what it leaves
      // (e.g. cloned routes, or a kernel without strict checking).
      const decode: Decoder<Route> = (m) => {
        const r = decodeRoute(m);
        return routeMatchesFilter(r, opts) && (nhId === undefined || r.nhId === nhId) ? r : undefined;
      };
      const part = await this.#conn.dump(encodeGetRoutes(opts), `${words.join(' ')} -${f}`, decode, retry);
      for (const r of part) out.push(r);
      if (part.interrupted) out.interrupted = true;
    }
    return out;
  }

  /**
   * The route the kernel would use for `destination` (RTM_GETROUTE, like `ip route get`): for the
   * flow the options describe, policy rules included. ENETUNREACH / EHOSTUNREACH when there is none.
   */
  async get(destination: string, options: RouteGetOptions = {}): Promise<Route> {
    const family = parseAddressOnly(destination, 'destination');
    const spec: GetRouteOptions = { dst: destination, family };
    const words = [`route get ${destination}`];
    flowSpec(spec, options, words);
    if (options.connected !== undefined && typeof options.connected !== 'boolean') {
      throw new TypeError(`connected must be a boolean, got ${options.connected}`);
    }
    if (options.vrf !== undefined && options.link !== undefined)
      throw new TypeError('give link or vrf, not both');
    if (options.iif !== undefined) {
      spec.iif = await resolveIndex(this.#conn, options.iif, 'iif');
      words.push(`iif ${linkLabel(options.iif)}`);
    }
    if (options.link !== undefined) {
      spec.oif = await resolveIndex(this.#conn, options.link);
      words.push(`oif ${linkLabel(options.link)}`);
    }
    if (options.vrf !== undefined) {
      spec.oif = await this.#vrfIndex(options.vrf);
      words.push(`vrf ${linkLabel(options.vrf)}`);
    }
    const connect = options.connected === true && options.from === undefined;
    if (connect) words.push('connected');
    const first = await this.#conn.single(encodeGetRoute(spec), words.join(' '), decodeRoute);
    if (!connect) return first;
    // iproute2 6.1 means to send this second lookup but resends the first request unchanged.
    const source = first.prefsrc ?? first.src;
    if (source === undefined) {
      throw new NetlinkError({
        errno: EADDRNOTAVAIL,
        operation: words.join(' '),
        detail: 'the first lookup chose no source address to connect from',
      });
    }
    spec.src = source;
    return this.#conn.single(encodeGetRoute(spec), `${words.join(' ')} (from ${source})`, decodeRoute);
  }

  /** The ifindex of a VRF device, after a link lookup shows it is one (as iproute2's name_is_vrf). */
  async #vrfIndex(ref: LinkRef): Promise<number> {
    let kind: string | undefined;
    let index: number;
    try {
      ({ kind, index } = await getLink(this.#conn, ref));
    } catch (err) {
      if (err instanceof NetlinkError && err.code === 'ENODEV') {
        throw new RangeError(`unknown vrf ${JSON.stringify(ref)}: no such interface in this namespace`);
      }
      throw err;
    }
    if (kind !== 'vrf') throw new TypeError(`${linkLabel(ref)} is not a VRF device (kind ${kind ?? 'none'})`);
    return index;
  }

  /** Adds a route; EEXIST when one with the same key is there. */
  add(options: RouteOptions): Promise<void> {
    return this.#change(options, 'add');
  }

  /** Adds a route, or replaces the one with the same key (NLM_F_REPLACE). */
  replace(options: RouteOptions): Promise<void> {
    return this.#change(options, 'replace');
  }

  /** Adds a route even when one with the same destination and metric exists (NLM_F_APPEND). */
  append(options: RouteOptions): Promise<void> {
    return this.#change(options, 'append');
  }

  /** Deletes the route matching the fields given (unset ones match anything, as `ip route del`). */
  delete(options: RouteOptions): Promise<void> {
    return this.#change(options, 'del');
  }

  async #change(options: RouteOptions, mode: 'add' | 'replace' | 'append' | 'del'): Promise<void> {
    if (typeof options !== 'object' || options === null)
      throw new TypeError(`route ${mode} needs { dst, ... }`);
    const { spec, words } = this.#spec(options);
    // Encode before the name lookups so a bad field fails before anything is sent.
    const encode = () => (mode === 'del' ? encodeDelRoute(spec) : encodeNewRoute(spec, mode));
    if (options.link !== undefined) spec.oif = 1;
    encode();
    if (options.link !== undefined) spec.oif = await resolveIndex(this.#conn, options.link);
    if (options.nexthops !== undefined) {
      const hops: NextHopSpec[] = [];
      for (const h of options.nexthops) {
        const hop: NextHopSpec = {};
        if (h.gateway !== undefined) hop.gateway = h.gateway;
        if (h.link !== undefined) hop.oif = await resolveIndex(this.#conn, h.link);
        if (h.weight !== undefined) hop.weight = h.weight;
        if (h.onlink) hop.flags = RTNH_F_ONLINK;
        if (h.encap !== undefined) hop.encap = h.encap;
        hops.push(hop);
      }
      spec.nexthops = hops;
    }
    await this.#conn.ack(encode(), `route ${mode} ${words.join(' ')}`);
  }

  #spec(o: RouteOptions): { spec: RouteSpec; words: string[] } {
    const spec: RouteSpec = {};
    const words: string[] = [];
    if (o.family !== undefined && o.family !== 4 && o.family !== 6)
      throw new TypeError(`family must be 4 or 6, got ${o.family}`);
    if (o.dst === 'default') {
      words.push('default');
      const family =
        o.family ?? (o.gateway !== undefined ? parseAddressOnly(o.gateway, 'gateway') : undefined);
      const hopGateway = o.nexthops?.find((h) => h.gateway !== undefined)?.gateway;
      spec.family = family ?? (hopGateway !== undefined ? parseAddressOnly(hopGateway, 'gateway') : 4);
      spec.dstLength = 0;
    } else {
      const p = parsePrefix(o.dst, undefined, 'destination');
      if (o.family !== undefined && o.family !== p.family) {
        throw new TypeError(`destination ${JSON.stringify(o.dst)} is IPv${p.family}, not IPv${o.family}`);
      }
      spec.family = p.family;
      spec.dst = p.address;
      spec.dstLength = p.prefixLength;
      words.push(`${p.address}/${p.prefixLength}`);
    }
    const family = spec.family;
    if (o.gateway !== undefined) {
      const gw = parseAddressOnly(o.gateway, 'gateway');
      spec.gateway = o.gateway;
      words.push(gw === family ? `via ${o.gateway}` : `via inet${gw === 6 ? '6' : ''} ${o.gateway}`);
    }
    if (o.link !== undefined) words.push(`dev ${linkLabel(o.link)}`);
    if (o.prefsrc !== undefined) {
      parseAddressOnly(o.prefsrc, 'prefsrc', family);
      spec.prefsrc = o.prefsrc;
      words.push(`src ${o.prefsrc}`);
    }
    if (o.realms !== undefined) {
      spec.realms = checkU('realms', o.realms, 0xffffffff);
      words.push(`realm ${o.realms >>> 16 ? `${o.realms >>> 16}/` : ''}${o.realms & 0xffff}`);
    }
    if (o.metric !== undefined) {
      if (!Number.isInteger(o.metric) || o.metric < 0 || o.metric > 0xffffffff) {
        throw new RangeError(`metric must be a u32, got ${o.metric}`);
      }
      spec.priority = o.metric;
      words.push(`metric ${o.metric}`);
    }
    const table = tableNumber(o.table);
    if (table !== undefined) {
      spec.table = table;
      words.push(`table ${o.table}`);
    }
    const protocol = protocolNumber(o.protocol);
    if (protocol !== undefined) spec.protocol = protocol;
    const scope = scopeNumber(o.scope);
    if (scope !== undefined) spec.scope = scope;
    const type = routeTypeNumber(o.type);
    if (type !== undefined) {
      spec.type = type;
      words.unshift(String(o.type));
    }
    if (o.onlink) spec.flags = RTNH_F_ONLINK;
    if (o.nhId !== undefined) {
      checkU('nhId', o.nhId, 0xffffffff);
      if (o.nhId === 0) throw new RangeError('nhId must be 1..2^32-1, got 0');
      spec.nhId = o.nhId;
      words.push(`nhid ${o.nhId}`);
    }
    if (o.metrics !== undefined) spec.metrics = metricsSpec(o.metrics);
    if (o.encap !== undefined) {
      words.push(encapWords(o.encap));
      spec.encap = o.encap;
    }
    ipv6Only(spec, o, words);
    if (o.nexthops !== undefined) spec.nexthops = multipathSpec(o.nexthops, words);
    return { spec, words };
  }
}

/** The IPv6-only route options, `pref` and `expires`, into the spec. */
function ipv6Only(spec: RouteSpec, o: RouteOptions, words: string[]): void {
  if ((o.pref !== undefined || o.expires !== undefined) && spec.family !== 6) {
    throw new TypeError('pref and expires are for IPv6 routes only');
  }
  if (o.expires !== undefined) {
    spec.expires = checkU('expires', o.expires, 0xffffffff);
    if (o.expires === 0) throw new RangeError('expires must be 1..2^32-1 seconds, got 0');
    words.push(`expires ${o.expires}`);
  }
  if (o.pref !== undefined) {
    if (typeof o.pref !== 'string' || !Object.hasOwn(PREFS, o.pref)) {
      throw new TypeError(`pref must be 'low', 'medium' or 'high', got ${JSON.stringify(o.pref)}`);
    }
    spec.pref = PREFS[o.pref];
    words.push(`pref ${o.pref}`);
  }
}

/**
 * The paths of a multipath route, checked, without link indexes yet (so the encode before the
 * lookups checks the shape; #change fills them in), and `ip route`'s words for them.
 */
function multipathSpec(hops: NextHopOptions[], words: string[]): NextHopSpec[] {
  if (!Array.isArray(hops) || hops.length === 0) throw new TypeError('nexthops must be a non-empty array');
  return hops.map((h) => {
    if (h.gateway !== undefined) parseAddressOnly(h.gateway, 'nexthop gateway');
    if (h.weight !== undefined && (!Number.isInteger(h.weight) || h.weight < 1 || h.weight > 256)) {
      throw new RangeError(`nexthop weight must be 1..256, got ${h.weight}`);
    }
    const hop: NextHopSpec = { weight: h.weight ?? 1 };
    const w = ['nexthop'];
    if (h.gateway) {
      hop.gateway = h.gateway;
      w.push(`via ${h.gateway}`);
    }
    if (h.encap !== undefined) {
      w.push(encapWords(h.encap));
      hop.encap = h.encap;
    }
    if (h.link !== undefined) w.push(`dev ${linkLabel(h.link)}`);
    if (h.weight !== undefined) w.push(`weight ${h.weight}`);
    words.push(w.join(' '));
    return hop;
  });
}
