// RTM_*ROUTE: struct rtmsg { u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags; }
// followed by RTA_* attributes. RTA_MULTIPATH holds struct rtnexthop { u16 len; u8 flags; u8 hops;
// s32 ifindex; } records, each followed by its own RTA_* attributes (RTA_GATEWAY...).
// Request attribute order follows iproute2 6.1 (`ip route add`): RTA_DST, RTA_SRC, RTA_ENCAP and
// RTA_ENCAP_TYPE (`encap ...` named right after the prefix), RTA_GATEWAY (or RTA_VIA), RTA_PRIORITY,
// RTA_PREFSRC, RTA_FLOW, RTA_TABLE, RTA_MARK, RTA_EXPIRES, RTA_PREF, RTA_NH_ID, then RTA_OIF, RTA_IIF,
// RTA_METRICS, RTA_MULTIPATH.

import type { Family, NextHop, NextHopSpec, Route, RouteMetrics, RouteSpec } from '../types.ts';
import {
  type AttrWriter,
  attributeLength,
  attributeType,
  readString,
  readU16,
  readU32,
  sharedWriter,
} from './attributes.ts';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  NLA_TYPE_MASK,
  NLM_F_ACK,
  NLM_F_APPEND,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  NLM_F_REQUEST,
  RT_SCOPE_HOST,
  RT_SCOPE_LINK,
  RT_SCOPE_NOWHERE,
  RT_SCOPE_UNIVERSE,
  RT_TABLE_MAIN,
  RT_TABLE_UNSPEC,
  RTA_CACHEINFO,
  RTA_DPORT,
  RTA_DST,
  RTA_ENCAP,
  RTA_ENCAP_TYPE,
  RTA_EXPIRES,
  RTA_FLOW,
  RTA_GATEWAY,
  RTA_IIF,
  RTA_IP_PROTO,
  RTA_MARK,
  RTA_METRICS,
  RTA_MULTIPATH,
  RTA_NH_ID,
  RTA_OIF,
  RTA_PREF,
  RTA_PREFSRC,
  RTA_PRIORITY,
  RTA_SPORT,
  RTA_SRC,
  RTA_TABLE,
  RTA_UID,
  RTA_VIA,
  RTAX_CC_ALGO,
  RTAX_LOCK,
  RTM_DELROUTE,
  RTM_F_FIB_MATCH,
  RTM_F_LOOKUP_TABLE,
  RTM_GETROUTE,
  RTM_NEWROUTE,
  RTMSG_LEN,
  RTN_ANYCAST,
  RTN_BROADCAST,
  RTN_LOCAL,
  RTN_MULTICAST,
  RTN_NAT,
  RTN_UNICAST,
  RTN_UNSPEC,
  RTNEXTHOP_LEN,
  RTPROT_BOOT,
  RTPROT_UNSPEC,
} from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { familyByte, formatIP, ipFamily, parseIP, readAddressAttribute } from './ip.ts';
import { setIpTunnelEncap, writeIpTunnelEncap } from './lwtunnel.ts';
import { align4, type NetlinkMessage } from './message.ts';

// RTAX_* number → RouteMetrics key (index = RTAX value; RTAX_CC_ALGO is a string, handled apart).
const METRIC_KEYS: readonly (keyof RouteMetrics | undefined)[] = [
  undefined,
  'lock',
  'mtu',
  'window',
  'rtt',
  'rttvar',
  'ssthresh',
  'cwnd',
  'advmss',
  'reordering',
  'hoplimit',
  'initcwnd',
  'features',
  'rtoMin',
  'initrwnd',
  'quickack',
];

function decodeMetrics(p: Buffer, start: number, end: number): RouteMetrics {
  const m: RouteMetrics = {};
  let off = start;
  while (end - off >= 4) {
    const len = (p[off] as number) | ((p[off + 1] as number) << 8);
    const type = ((p[off + 2] as number) | ((p[off + 3] as number) << 8)) & NLA_TYPE_MASK;
    if (len < 4 || len > end - off) throw new DecodeError(`RTA_METRICS attribute length ${len}`, off);
    if (type === RTAX_CC_ALGO) m.ccAlgo = readString(p, off + 4, len - 4);
    else {
      const key = METRIC_KEYS[type];
      if (key !== undefined) (m as Record<string, number>)[key] = readU32(p, off + 4, len - 4);
    }
    off += align4(len);
  }
  return m;
}

function decodeMultipath(p: Buffer, start: number, end: number, alen: 4 | 16): NextHop[] {
  const hops: NextHop[] = [];
  let off = start;
  while (end - off >= RTNEXTHOP_LEN) {
    const len = (p[off] as number) | ((p[off + 1] as number) << 8);
    if (len < RTNEXTHOP_LEN || len > end - off) throw new DecodeError(`rtnexthop length ${len}`, off);
    const hop: NextHop = {
      gateway: undefined,
      oif: p.readInt32LE(off + 4),
      weight: (p[off + 3] as number) + 1,
      flags: p[off + 2] as number,
    };
    const hend = off + len;
    let a = off + RTNEXTHOP_LEN;
    while (hend - a >= 4) {
      const alenAttr = (p[a] as number) | ((p[a + 1] as number) << 8);
      const type = ((p[a + 2] as number) | ((p[a + 3] as number) << 8)) & NLA_TYPE_MASK;
      if (alenAttr < 4 || alenAttr > hend - a)
        throw new DecodeError(`nexthop attribute length ${alenAttr}`, a);
      if (type === RTA_GATEWAY) {
        hop.gateway = readAddressAttribute(p, a + 4, alenAttr - 4, alen, 'nexthop RTA_GATEWAY');
      } else if (type === RTA_VIA) {
        hop.gateway = decodeVia(p, a + 4, alenAttr - 4);
      } else if (type === RTA_ENCAP_TYPE) {
        hop.encapType = readU16(p, a + 4, alenAttr - 4);
      } else if (type === RTA_ENCAP) {
        hop.encap = Buffer.from(p.subarray(a + 4, a + alenAttr));
      }
      a += align4(alenAttr);
    }
    setIpTunnelEncap(hop);
    hops.push(hop);
    off += align4(len);
  }
  return hops;
}

/** struct rtvia { u16 family; u8 addr[]; } */
function decodeVia(p: Buffer, d: number, dl: number): string {
  if (dl < 2) throw new DecodeError(`RTA_VIA of ${dl} bytes`, d);
  const fam = p.readUInt16LE(d);
  const n = dl - 2;
  if ((fam === AF_INET && n === 4) || (fam === AF_INET6 && n === 16)) return formatIP(p, d + 2, n);
  throw new DecodeError(`RTA_VIA family ${fam} with ${n} address bytes`, d);
}

/** Decodes an RTM_NEWROUTE / RTM_DELROUTE message. */
export function decodeRoute(msg: NetlinkMessage): Route {
  if (msg.type !== RTM_NEWROUTE && msg.type !== RTM_DELROUTE) {
    throw new DecodeError(`message type ${msg.type} is not a route message`, 0);
  }
  return decodeRouteAt(msg.payload, 0, msg.payload.length);
}

/**
 * Decodes the rtmsg payload in `p[start, end)` (a message's bytes after its nlmsghdr) without
 * needing a Buffer view of it: transports walking a receive chunk can skip one allocation per
 * route. DecodeError offsets are positions in `p`.
 */
export function decodeRouteAt(p: Buffer, start: number, end: number): Route {
  if (start < 0 || end > p.length || start > end) {
    throw new DecodeError(`route range ${start}..${end} outside ${p.length} bytes`, start);
  }
  if (end - start < RTMSG_LEN) throw new DecodeError(`rtmsg needs 12 bytes, got ${end - start}`, start);
  const fam = p[start] as number;
  let family: Family;
  let alen: 4 | 16;
  if (fam === AF_INET) {
    family = 4;
    alen = 4;
  } else if (fam === AF_INET6) {
    family = 6;
    alen = 16;
  } else {
    throw new DecodeError(`route family ${fam} is neither AF_INET nor AF_INET6`, start);
  }
  const r: Route = {
    family,
    dst: undefined,
    dstLength: p[start + 1] as number,
    src: undefined,
    srcLength: p[start + 2] as number,
    tos: p[start + 3] as number,
    table: p[start + 4] as number,
    protocol: p[start + 5] as number,
    scope: p[start + 6] as number,
    type: p[start + 7] as number,
    flags: p.readUInt32LE(start + 8),
    gateway: undefined,
    via: undefined,
    oif: undefined,
    iif: undefined,
    priority: undefined,
    prefsrc: undefined,
    pref: undefined,
    mark: undefined,
    expires: undefined,
    nhId: undefined,
    metrics: undefined,
    nexthops: undefined,
  };
  let off = start + RTMSG_LEN;
  while (end - off >= 4) {
    const len = attributeLength(p, off, end);
    const type = attributeType(p, off);
    const d = off + 4;
    const dl = len - 4;
    switch (type) {
      case RTA_DST:
      case RTA_SRC:
      case RTA_GATEWAY:
      case RTA_PREFSRC: {
        const text = readAddressAttribute(p, d, dl, alen, `route attribute ${type}`);
        if (type === RTA_DST) r.dst = text;
        else if (type === RTA_SRC) r.src = text;
        else if (type === RTA_GATEWAY) r.gateway = text;
        else r.prefsrc = text;
        break;
      }
      case RTA_OIF:
        r.oif = readU32(p, d, dl);
        break;
      case RTA_IIF:
        r.iif = readU32(p, d, dl);
        break;
      case RTA_PRIORITY:
        r.priority = readU32(p, d, dl);
        break;
      case RTA_TABLE:
        r.table = readU32(p, d, dl);
        break;
      case RTA_MARK:
        r.mark = readU32(p, d, dl);
        break;
      case RTA_PREF:
        if (dl < 1) throw new DecodeError('RTA_PREF of 0 bytes', d);
        r.pref = p[d] as number;
        break;
      case RTA_EXPIRES:
        r.expires = readU32(p, d, dl);
        break;
      case RTA_NH_ID:
        r.nhId = readU32(p, d, dl);
        break;
      case RTA_VIA:
        r.via = decodeVia(p, d, dl);
        break;
      case RTA_UID:
        r.uid = readU32(p, d, dl);
        break;
      case RTA_FLOW:
        r.realms = readU32(p, d, dl);
        break;
      case RTA_ENCAP_TYPE:
        r.encapType = readU16(p, d, dl);
        break;
      case RTA_ENCAP:
        r.encap = Buffer.from(p.subarray(d, d + dl));
        break;
      case RTA_METRICS:
        r.metrics = decodeMetrics(p, d, d + dl);
        break;
      case RTA_MULTIPATH:
        r.nexthops = decodeMultipath(p, d, d + dl, alen);
        break;
      case RTA_CACHEINFO:
        // struct rta_cacheinfo { u32 clntref, lastuse; s32 expires; u32 error, ... }: rta_expires,
        // the third word, is in clock ticks (USER_HZ = 100).
        if (dl >= 12 && r.expires === undefined) {
          const ticks = p.readInt32LE(d + 8);
          if (ticks !== 0) r.expires = Math.max(0, Math.round(ticks / 100));
        }
        break;
    }
    off += align4(len);
  }
  setIpTunnelEncap(r);
  return r;
}

// ---- request encoders ----

function u8(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new TypeError(`${name} must be 0..255, got ${v}`);
  return v;
}

function u32(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new TypeError(`${name} must be a u32, got ${v}`);
  return v;
}

function writeRtmsg(
  w: AttrWriter,
  family: Family | undefined,
  dstLen: number,
  srcLen: number,
  tos: number,
  table: number,
  protocol: number,
  scope: number,
  type: number,
  flags: number,
): void {
  const at = w.zeros(RTMSG_LEN);
  const b = w.buf;
  b[at] = family === undefined ? AF_UNSPEC : familyByte(family);
  b[at + 1] = dstLen;
  b[at + 2] = srcLen;
  b[at + 3] = tos;
  b[at + 4] = table;
  b[at + 5] = protocol;
  b[at + 6] = scope;
  b[at + 7] = type;
  b.writeUInt32LE(flags >>> 0, at + 8);
}

export interface GetRoutesOptions {
  /** Undefined: both families (AF_UNSPEC, as `ip route show table all`). */
  family?: Family;
  /** Kernel-side filter (strict check): RTA_TABLE, as iproute2 sends it. Default: main. 0 = all tables. */
  table?: number;
  protocol?: number;
  type?: number;
  oif?: number;
}

/**
 * RTM_GETROUTE dump (`ip route show [table N] [proto P] [type T] [dev X]`). With strict checking
 * the kernel filters on rtm_protocol, rtm_type, RTA_TABLE and RTA_OIF and marks its replies
 * NLM_F_DUMP_FILTERED; without it, the caller must filter (see routeMatchesFilter).
 */
export function encodeGetRoutes(opts: GetRoutesOptions): Buffer {
  const w = sharedWriter;
  w.begin(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
  writeRtmsg(
    w,
    opts.family,
    0,
    0,
    0,
    0,
    u8('protocol', opts.protocol ?? 0),
    0,
    u8('type', opts.type ?? 0),
    0,
  );
  const table = opts.table ?? RT_TABLE_MAIN;
  if (table !== RT_TABLE_UNSPEC) w.u32(RTA_TABLE, u32('table', table));
  if (opts.oif !== undefined) w.u32(RTA_OIF, u32('oif', opts.oif));
  return w.finish();
}

/** The userspace equivalent of the kernel's strict-check dump filter, for replies not marked filtered. */
export function routeMatchesFilter(route: Route, opts: GetRoutesOptions): boolean {
  const table = opts.table ?? RT_TABLE_MAIN;
  if (table !== RT_TABLE_UNSPEC && route.table !== table) return false;
  if (opts.protocol !== undefined && opts.protocol !== 0 && route.protocol !== opts.protocol) return false;
  if (opts.type !== undefined && opts.type !== 0 && route.type !== opts.type) return false;
  if (opts.oif !== undefined && route.oif !== opts.oif && !route.nexthops?.some((h) => h.oif === opts.oif)) {
    return false;
  }
  return true;
}

/** What one RTM_GETROUTE lookup asks (`ip route get`): the flow the kernel routes. */
export interface GetRouteOptions {
  /** The destination to look up (an address, no prefix). */
  dst: string;
  family?: Family;
  src?: string;
  oif?: number;
  iif?: number;
  mark?: number;
  /** Return the matching FIB entry rather than the resolved route (`ip route get ... fibmatch`). */
  fibMatch?: boolean;
  /** rtm_tos: the DS field of the packet (`tos` / `dsfield`). */
  tos?: number;
  /** RTA_UID: the user id of the socket sending it (uid-based rules). */
  uid?: number;
  /** RTA_IP_PROTO: the packet's IP protocol (the kernel takes TCP, UDP, and ICMP of the family). */
  ipProto?: number;
  /** RTA_SPORT: source port (network byte order on the wire). */
  sport?: number;
  /** RTA_DPORT: destination port. */
  dport?: number;
  /** RTA_FLOWLABEL: the IPv6 flow label, 0..0xfffff (big-endian u32 on the wire); IPv6 only. */
  flowLabel?: number;
}

/** RTA_FLOWLABEL (linux/rtnetlink.h, after RTA_NH_ID = 30). */
const RTA_FLOWLABEL = 31;

function port(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new TypeError(`${name} must be 0..65535, got ${v}`);
  return v;
}

/**
 * RTM_GETROUTE for one destination (`ip route get ADDR [from S] [uid U] [ipproto P] [sport N]
 * [dport N] [flowlabel L] [tos T] [iif X] [oif Y] [mark M] [fibmatch]`). iproute2 writes RTA_DST,
 * RTA_SRC, RTA_UID, RTA_IP_PROTO, RTA_SPORT, RTA_DPORT, RTA_FLOWLABEL in the order they are named,
 * then RTA_IIF, RTA_OIF, RTA_MARK.
 */
export function encodeGetRoute(opts: GetRouteOptions): Buffer {
  const family = opts.family ?? ipFamily(opts.dst);
  if (family === undefined) throw new TypeError(`not an IP address: ${JSON.stringify(opts.dst)}`);
  const max = family === 4 ? 32 : 128;
  const w = sharedWriter;
  w.begin(RTM_GETROUTE, NLM_F_REQUEST);
  // As iproute2: RTM_F_LOOKUP_TABLE for IPv4 only; IPv6's strict check refuses any flag but FIB_MATCH.
  const flags = (family === 4 ? RTM_F_LOOKUP_TABLE : 0) | (opts.fibMatch ? RTM_F_FIB_MATCH : 0);
  const tos = u8('tos', opts.tos ?? 0);
  writeRtmsg(w, family, max, opts.src === undefined ? 0 : max, tos, 0, 0, 0, 0, flags);
  w.ip(RTA_DST, opts.dst, family);
  if (opts.src !== undefined) w.ip(RTA_SRC, opts.src, family);
  if (opts.uid !== undefined) w.u32(RTA_UID, u32('uid', opts.uid));
  if (opts.ipProto !== undefined) w.u8(RTA_IP_PROTO, u8('ipProto', opts.ipProto));
  if (opts.sport !== undefined) w.be16(RTA_SPORT, port('sport', opts.sport));
  if (opts.dport !== undefined) w.be16(RTA_DPORT, port('dport', opts.dport));
  if (opts.flowLabel !== undefined) {
    if (family !== 6) throw new TypeError('flowLabel is for IPv6 lookups only');
    if (!Number.isInteger(opts.flowLabel) || opts.flowLabel < 0 || opts.flowLabel > 0xfffff) {
      throw new TypeError(`flowLabel must be 0..0xfffff, got ${opts.flowLabel}`);
    }
    const label = Buffer.alloc(4);
    label.writeUInt32BE(opts.flowLabel);
    w.bytes(RTA_FLOWLABEL, label);
  }
  if (opts.iif !== undefined) w.u32(RTA_IIF, u32('iif', opts.iif));
  if (opts.oif !== undefined) w.u32(RTA_OIF, u32('oif', opts.oif));
  if (opts.mark !== undefined) w.u32(RTA_MARK, u32('mark', opts.mark));
  return w.finish();
}

function nexthopId(v: number): number {
  if (!Number.isInteger(v) || v < 1 || v > 0xffffffff)
    throw new TypeError(`nhId must be 1..2^32-1, got ${v}`);
  return v;
}

function inferFamily(spec: RouteSpec): Family {
  if (spec.family !== undefined) return spec.family;
  for (const text of [
    spec.dst,
    spec.gateway,
    spec.prefsrc,
    spec.src,
    ...(spec.nexthops ?? []).map((h) => h.gateway),
  ]) {
    if (text === undefined) continue;
    const f = ipFamily(text);
    if (f === undefined) throw new TypeError(`not an IP address: ${JSON.stringify(text)}`);
    return f;
  }
  throw new TypeError('route family cannot be inferred: give family, dst or gateway');
}

// RTAX_* in number order, then RTAX_CC_ALGO, then RTAX_LOCK last: iproute2 writes the metrics in
// the order they are named and the lock mask after them all.
function writeMetrics(w: AttrWriter, m: RouteMetrics): void {
  const at = w.nestStart(RTA_METRICS);
  for (let t = RTAX_LOCK + 1; t < METRIC_KEYS.length; t++) {
    const key = METRIC_KEYS[t] as keyof RouteMetrics;
    const v = m[key];
    if (v !== undefined) w.u32(t, u32(`metrics.${key}`, v as number));
  }
  if (m.ccAlgo !== undefined) {
    if (typeof m.ccAlgo !== 'string' || m.ccAlgo === '' || Buffer.byteLength(m.ccAlgo) > 15) {
      throw new TypeError(`metrics.ccAlgo must be a congestion control name of 1-15 bytes, got ${m.ccAlgo}`);
    }
    w.chars(RTAX_CC_ALGO, m.ccAlgo); // without a NUL, as iproute2 sends it
  }
  if (m.lock !== undefined) w.u32(RTAX_LOCK, u32('metrics.lock', m.lock));
  w.nestEnd(at);
}

function writeMultipath(w: AttrWriter, hops: readonly NextHopSpec[], family: Family): void {
  const mp = w.nestStart(RTA_MULTIPATH);
  for (const h of hops) {
    const at = w.zeros(RTNEXTHOP_LEN);
    const weight = h.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1 || weight > 256) {
      throw new TypeError(`nexthop weight must be 1..256, got ${weight}`);
    }
    w.buf[at + 2] = u8('nexthop flags', h.flags ?? 0);
    w.buf[at + 3] = weight - 1;
    w.buf.writeInt32LE(h.oif === undefined ? 0 : u32('nexthop oif', h.oif) | 0, at + 4);
    if (h.gateway !== undefined) writeGateway(w, h.gateway, family);
    if (h.encap !== undefined) writeIpTunnelEncap(w, RTA_ENCAP, RTA_ENCAP_TYPE, h.encap);
    w.buf.writeUInt16LE(w.pos - at, at);
  }
  w.nestEnd(mp);
}

/**
 * A gateway in the route's family is RTA_GATEWAY; one of the other family (an IPv4 route via an
 * IPv6 neighbour, `ip route add ... via inet6 ADDR`) is RTA_VIA, struct rtvia { u16 family; addr }.
 * The kernel accepts RTA_VIA on IPv4 routes only and says so for IPv6 ones.
 */
function writeGateway(w: AttrWriter, text: string, family: Family): void {
  const gwFamily = ipFamily(text);
  if (gwFamily === undefined) throw new TypeError(`not an IP address: ${JSON.stringify(text)}`);
  if (gwFamily === family) {
    w.ip(RTA_GATEWAY, text, family);
    return;
  }
  const addr = parseIP(text, gwFamily);
  const via = Buffer.alloc(2 + addr.length);
  via.writeUInt16LE(familyByte(gwFamily), 0);
  via.set(addr, 2);
  w.bytes(RTA_VIA, via);
}

function encodeRouteRequest(msgType: number, nlFlags: number, spec: RouteSpec, isDelete: boolean): Buffer {
  const family = inferFamily(spec);
  const max = family === 4 ? 32 : 128;
  const dstLength = spec.dstLength ?? (spec.dst === undefined ? 0 : max);
  const srcLength = spec.srcLength ?? (spec.src === undefined ? 0 : max);
  if (!Number.isInteger(dstLength) || dstLength < 0 || dstLength > max) {
    throw new TypeError(`dstLength must be 0..${max}, got ${dstLength}`);
  }
  if (!Number.isInteger(srcLength) || srcLength < 0 || srcLength > max) {
    throw new TypeError(`srcLength must be 0..${max}, got ${srcLength}`);
  }
  const table = spec.table ?? RT_TABLE_MAIN;
  u32('table', table);
  const hasNexthops = spec.nexthops !== undefined && spec.nexthops.length > 0;
  // iproute2 defaults: a delete leaves protocol/type unspecified and scope NOWHERE (match any);
  // an add is RTPROT_BOOT unicast, with link scope when no gateway is given.
  const type = spec.type ?? (isDelete ? RTN_UNSPEC : RTN_UNICAST);
  let scope = spec.scope;
  if (scope === undefined) {
    // iproute2 leaves IPv6 scopes universe; IPv4 gets host/link/nowhere by type and gateway.
    if (family === 6) scope = RT_SCOPE_UNIVERSE;
    else if (type === RTN_LOCAL || type === RTN_NAT) scope = RT_SCOPE_HOST;
    else if (type === RTN_BROADCAST || type === RTN_MULTICAST || type === RTN_ANYCAST) scope = RT_SCOPE_LINK;
    else if (isDelete) scope = RT_SCOPE_NOWHERE;
    else if (type === RTN_UNICAST && spec.gateway === undefined && !hasNexthops && spec.nhId === undefined) {
      scope = RT_SCOPE_LINK;
    } else scope = RT_SCOPE_UNIVERSE;
  }
  const protocol = spec.protocol ?? (isDelete ? RTPROT_UNSPEC : RTPROT_BOOT);
  const w = sharedWriter;
  w.begin(msgType, nlFlags);
  writeRtmsg(
    w,
    family,
    dstLength,
    srcLength,
    u8('tos', spec.tos ?? 0),
    table < 256 ? table : RT_TABLE_UNSPEC,
    u8('protocol', protocol),
    u8('scope', scope),
    u8('type', type),
    u32('flags', spec.flags ?? 0),
  );
  if (spec.dst !== undefined) w.ip(RTA_DST, spec.dst, family);
  if (spec.src !== undefined) w.ip(RTA_SRC, spec.src, family);
  if (spec.encap !== undefined) writeIpTunnelEncap(w, RTA_ENCAP, RTA_ENCAP_TYPE, spec.encap);
  if (spec.gateway !== undefined) writeGateway(w, spec.gateway, family);
  if (spec.priority !== undefined) w.u32(RTA_PRIORITY, u32('priority', spec.priority));
  if (spec.prefsrc !== undefined) w.ip(RTA_PREFSRC, spec.prefsrc, family);
  if (spec.realms !== undefined) w.u32(RTA_FLOW, u32('realms', spec.realms));
  if (table >= 256) w.u32(RTA_TABLE, table);
  if (spec.mark !== undefined) w.u32(RTA_MARK, u32('mark', spec.mark));
  if (spec.expires !== undefined) {
    if (family !== 6) throw new TypeError('expires is for IPv6 routes only');
    w.u32(RTA_EXPIRES, u32('expires', spec.expires));
  }
  if (spec.pref !== undefined) w.u8(RTA_PREF, u8('pref', spec.pref));
  if (spec.nhId !== undefined) w.u32(RTA_NH_ID, nexthopId(spec.nhId));
  if (spec.oif !== undefined) w.u32(RTA_OIF, u32('oif', spec.oif));
  if (spec.iif !== undefined) w.u32(RTA_IIF, u32('iif', spec.iif));
  if (spec.metrics !== undefined) writeMetrics(w, spec.metrics);
  if (hasNexthops) writeMultipath(w, spec.nexthops as NextHopSpec[], family);
  return w.finish();
}

/** RTM_NEWROUTE: 'add' = CREATE|EXCL, 'replace' = CREATE|REPLACE, 'append' = CREATE|APPEND. */
export function encodeNewRoute(spec: RouteSpec, mode: 'add' | 'replace' | 'append' = 'add'): Buffer {
  const modeFlags = mode === 'replace' ? NLM_F_REPLACE : mode === 'append' ? NLM_F_APPEND : NLM_F_EXCL;
  return encodeRouteRequest(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | modeFlags, spec, false);
}

/** RTM_DELROUTE (`ip route del ...`): unset fields match any route. */
export function encodeDelRoute(spec: RouteSpec): Buffer {
  return encodeRouteRequest(RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, spec, true);
}
