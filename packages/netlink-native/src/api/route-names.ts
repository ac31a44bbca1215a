// Route tables, types and protocols by the names `ip route` uses, or as numbers.
import {
  RT_TABLE_DEFAULT,
  RT_TABLE_LOCAL,
  RT_TABLE_MAIN,
  RT_TABLE_UNSPEC,
  RTN_ANYCAST,
  RTN_BLACKHOLE,
  RTN_BROADCAST,
  RTN_LOCAL,
  RTN_MULTICAST,
  RTN_NAT,
  RTN_PROHIBIT,
  RTN_THROW,
  RTN_UNICAST,
  RTN_UNREACHABLE,
  RTPROT_BGP,
  RTPROT_BIRD,
  RTPROT_BOOT,
  RTPROT_DHCP,
  RTPROT_KEEPALIVED,
  RTPROT_KERNEL,
  RTPROT_OSPF,
  RTPROT_RA,
  RTPROT_REDIRECT,
  RTPROT_STATIC,
  RTPROT_ZEBRA,
} from '../codec/constants.ts';

/** Routing tables by the names `ip route` uses; 'all' (0) dumps every table. */
export type TableName = 'main' | 'local' | 'default' | 'all';
/** Route types (rtm_type, RTN_*) by the names `ip route` uses. */
export type RouteTypeName =
  | 'unicast'
  | 'local'
  | 'broadcast'
  | 'anycast'
  | 'multicast'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'throw'
  | 'nat';
/** Route protocols (rtm_protocol, RTPROT_*) by the names `ip route` uses. */
export type ProtocolName =
  | 'redirect'
  | 'kernel'
  | 'boot'
  | 'static'
  | 'ra'
  | 'dhcp'
  | 'zebra'
  | 'bird'
  | 'keepalived'
  | 'bgp'
  | 'ospf';

const TABLES: Record<TableName, number> = {
  main: RT_TABLE_MAIN,
  local: RT_TABLE_LOCAL,
  default: RT_TABLE_DEFAULT,
  all: RT_TABLE_UNSPEC,
};
const TYPES: Record<RouteTypeName, number> = {
  unicast: RTN_UNICAST,
  local: RTN_LOCAL,
  broadcast: RTN_BROADCAST,
  anycast: RTN_ANYCAST,
  multicast: RTN_MULTICAST,
  blackhole: RTN_BLACKHOLE,
  unreachable: RTN_UNREACHABLE,
  prohibit: RTN_PROHIBIT,
  throw: RTN_THROW,
  nat: RTN_NAT,
};
const PROTOCOLS: Record<ProtocolName, number> = {
  redirect: RTPROT_REDIRECT,
  kernel: RTPROT_KERNEL,
  boot: RTPROT_BOOT,
  static: RTPROT_STATIC,
  ra: RTPROT_RA,
  dhcp: RTPROT_DHCP,
  zebra: RTPROT_ZEBRA,
  bird: RTPROT_BIRD,
  keepalived: RTPROT_KEEPALIVED,
  bgp: RTPROT_BGP,
  ospf: RTPROT_OSPF,
};

function lookup<N extends string>(
  kind: string,
  table: Record<N, number>,
  max: number,
  v: N | number | undefined,
) {
  if (v === undefined) return undefined;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${kind} must be 0..${max}, got ${v}`);
    return v;
  }
  const n = Object.hasOwn(table, v) ? table[v] : undefined;
  if (n === undefined)
    throw new TypeError(`unknown ${kind} ${JSON.stringify(v)} (known: ${Object.keys(table).join(', ')})`);
  return n;
}

export const tableNumber = (v: TableName | number | undefined): number | undefined =>
  lookup('route table', TABLES, 0xffffffff, v);
export const routeTypeNumber = (v: RouteTypeName | number | undefined): number | undefined =>
  lookup('route type', TYPES, 255, v);
export const protocolNumber = (v: ProtocolName | number | undefined): number | undefined =>
  lookup('route protocol', PROTOCOLS, 255, v);
