// The network objects the core's rules read, as plain data: only the fields a rule looks at. The netlink
// library's Link, Address and Route objects satisfy these types as they are (the agent passes its dumps
// straight in; a type test there keeps it so), and a unit test can write them in a few lines or parse
// them from `ip` output (see from-ip.ts). Fields that may be absent are optional, so a test leaves out
// what it does not care about.
import type { Family } from './ip.ts';

export type { Family };

/** A network interface. */
export interface Link {
  index: number;
  name: string;
  /** ifi_type: ARPHRD_* (1 = Ethernet, 772 = loopback). */
  type: number;
  /** ifi_flags: IFF_* bits. */
  flags: number;
  /** Administratively up (IFF_UP). */
  up: boolean;
  mtu?: number | undefined;
  /** Link-layer address, lowercase colon hex. */
  mac?: string | undefined;
  operState?: string | undefined;
  /** "veth", "bridge", "dummy"...; undefined for plain devices. */
  kind?: string | undefined;
  /** ifindex of the bridge/bond this link is enslaved to. */
  master?: number | undefined;
  alias?: string | undefined;
}

/** Names for IFA_F_* bits, for callers that want words instead of numbers. */
export type AddressFlag =
  | 'secondary'
  | 'nodad'
  | 'optimistic'
  | 'dadfailed'
  | 'homeaddress'
  | 'deprecated'
  | 'tentative'
  | 'permanent'
  | 'managetempaddr'
  | 'noprefixroute'
  | 'mcautojoin'
  | 'stable-privacy';

/** An interface address. */
export interface Address {
  family: Family;
  /** ifindex of the link the address is on. */
  index: number;
  /** The interface's own address (IFA_LOCAL). */
  address: string;
  prefixLength: number;
  broadcast?: string | undefined;
  label?: string | undefined;
  /** IFA_F_* bits. */
  flags: number;
  scope: number;
  /** Seconds; Infinity means forever. */
  validLifetime: number;
  preferredLifetime: number;
  /** IFA_PROTO (kernel >= 6.3): who added the address. */
  protocol?: number | undefined;
}

/** One path of a multipath route. */
export interface NextHop {
  gateway?: string | undefined;
  /** ifindex. */
  oif: number;
  /** 1..256. */
  weight: number;
  /** RTNH_F_* bits. */
  flags: number;
}

/** RTA_METRICS, the ones iproute2 names. */
export interface RouteMetrics {
  lock?: number;
  mtu?: number;
  window?: number;
  rtt?: number;
  rttvar?: number;
  ssthresh?: number;
  cwnd?: number;
  advmss?: number;
  reordering?: number;
  hoplimit?: number;
  initcwnd?: number;
  rtoMin?: number;
  initrwnd?: number;
  quickack?: number;
}

/** A route. */
export interface Route {
  family: Family;
  /** Destination network address; undefined for a default route (dstLength 0). */
  dst?: string | undefined;
  dstLength: number;
  src?: string | undefined;
  srcLength: number;
  table: number;
  protocol: number;
  scope: number;
  /** rtm_type: RTN_* (1 unicast, 2 local, 3 broadcast...). */
  type: number;
  /** rtm_flags: RTM_F_* and RTNH_F_* bits. */
  flags: number;
  gateway?: string | undefined;
  /** A gateway of the other family (IPv4 route via IPv6 nexthop). */
  via?: string | undefined;
  oif?: number | undefined;
  /** The metric. */
  priority?: number | undefined;
  prefsrc?: string | undefined;
  /** IPv6 router preference (0 medium, 1 high, 3 low). */
  pref?: number | undefined;
  /** The nexthop object id. */
  nhId?: number | undefined;
  metrics?: RouteMetrics | undefined;
  /** The paths of a multipath route; undefined for single-path routes. */
  nexthops?: NextHop[] | undefined;
}
