// The typed objects the codec produces (decoders) and consumes (request encoders). Decoded objects
// always carry every key (undefined when the kernel sent nothing), so each kind has one shape.

/** An address family: 4 (AF_INET) or 6 (AF_INET6). */
export type Family = 4 | 6;

/** RFC 2863 operational state (IFLA_OPERSTATE). */
export type OperState = 'unknown' | 'notpresent' | 'down' | 'lowerlayerdown' | 'testing' | 'dormant' | 'up';

/** A network interface as RTM_NEWLINK describes it. */
export interface Link {
  /** ifi_index: the ifindex. */
  index: number;
  /** IFLA_IFNAME. */
  name: string;
  /** ifi_type: ARPHRD_* (1 = Ethernet, 772 = loopback). */
  type: number;
  /** ifi_flags: IFF_* bits. */
  flags: number;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** IFLA_MTU. */
  mtu: number | undefined;
  /** Link-layer address, lowercase colon hex. */
  mac: string | undefined;
  /** IFLA_BROADCAST: the link-layer broadcast address. */
  broadcast: string | undefined;
  /** IFLA_PERM_ADDRESS: the hardware address the device came with. */
  permanentMac: string | undefined;
  /** IFLA_OPERSTATE. */
  operState: OperState | undefined;
  /** IFLA_INFO_KIND: "veth", "bridge", "ifb", "dummy", "vxlan"...; undefined for plain devices. */
  kind: string | undefined;
  /** IFLA_INFO_SLAVE_KIND, e.g. "bridge" for a bridge port. */
  slaveKind: string | undefined;
  /** IFLA_MASTER: ifindex of the bridge/bond this link is enslaved to. */
  master: number | undefined;
  /** IFLA_LINK: ifindex of the lower device (for veth: the peer, possibly in another netns). */
  parent: number | undefined;
  /** IFLA_LINK_NETNSID: the netns id `parent` lives in, when it is another namespace. */
  linkNetnsId: number | undefined;
  /** IFLA_TXQLEN: the transmit queue length (`txqueuelen`). */
  txQueueLength: number | undefined;
  /** IFLA_QDISC: the root queueing discipline. */
  qdisc: string | undefined;
  /** IFLA_GROUP: the device group. */
  group: number | undefined;
  /** IFLA_PROMISCUITY: how many times promiscuous mode was asked for. */
  promiscuity: number | undefined;
  /** IFLA_CARRIER: the physical link is up. */
  carrier: boolean | undefined;
  /** IFLA_MIN_MTU. */
  minMtu: number | undefined;
  /** IFLA_MAX_MTU. */
  maxMtu: number | undefined;
  /** IFLA_IFALIAS: the free-text alias. */
  alias: string | undefined;
  /** IFLA_PROP_LIST: alternative names (`ip link property add altname`). */
  altNames: string[] | undefined;
  /** The raw IFLA_INFO_DATA payload (kind-specific), kept for callers that need it. */
  infoData: Buffer | undefined;
  /** IFLA_STATS64: the link's counters; undefined when the request skipped statistics. */
  stats: LinkStats | undefined;
  /** IFLA_INFO_DATA of a vlan link. */
  vlan: VlanInfo | undefined;
  /** IFLA_INFO_DATA of a macvlan (or macvtap) link. */
  macvlan: MacvlanInfo | undefined;
  /** IFLA_INFO_DATA of an ipvlan link. */
  ipvlan: IpvlanInfo | undefined;
  /** IFLA_INFO_DATA of a bridge. */
  bridge: BridgeInfo | undefined;
  /** A bridge port's attributes (IFLA_INFO_SLAVE_DATA, or IFLA_PROTINFO in AF_BRIDGE messages). */
  bridgePort: BridgePortInfo | undefined;
  /** IFLA_INFO_DATA of a vxlan link. */
  vxlan: VxlanInfo | undefined;
}

/** What `encodeNewLink` creates. */
export type LinkKind = 'dummy' | 'ifb' | 'bridge' | 'veth' | 'vxlan' | 'vlan' | 'macvlan' | 'ipvlan';

export interface LinkPeerSpec {
  name: string;
  mtu?: number;
  mac?: string;
  /** Move the peer into this namespace fd at creation (IFLA_NET_NS_FD). */
  netnsFd?: number;
}

/**
 * A vxlan's options at creation (IFLA_INFO_DATA of `ip link add NAME type vxlan id VNI ...`), with
 * the underlay device as an ifindex. Each one left out is the kernel's default (learning:
 * iproute2's, on; off with `external`).
 */
export interface VxlanSpec {
  /** VNI, 0-16777215; required unless `external`. */
  id?: number;
  /** Remote unicast or multicast group address (a group needs `device`; IFLA_VXLAN_GROUP / GROUP6). */
  group?: string;
  /** The local address (IFLA_VXLAN_LOCAL / LOCAL6). */
  local?: string;
  /** ifindex of the underlay device. */
  device?: number;
  /** UDP destination port (default: the kernel's, 8472; 4789 is IANA's). */
  port?: number;
  /**
   * Learn remote MACs from received packets (sent explicitly as iproute2 does; default true, or
   * false with `external`).
   */
  learning?: boolean;
  /** Outer TTL 1-255, 0 for auto, or 'inherit' from the inner packet (IFLA_VXLAN_TTL / TTL_INHERIT). */
  ttl?: number | 'inherit';
  /** Outer TOS 0-255, or 'inherit' from the inner packet (IFLA_VXLAN_TOS; inherit is sent as 1). */
  tos?: number | 'inherit';
  /** The outer IPv4 header's don't-fragment bit (IFLA_VXLAN_DF). */
  df?: VxlanDf;
  /** The outer IPv6 flow label, 0-0xfffff (IPv6 tunnels only; IFLA_VXLAN_LABEL). */
  label?: number;
  /**
   * Seconds a learned FDB entry lives (IFLA_VXLAN_AGEING; kernel default 300; 0 at creation means
   * that default).
   */
  ageing?: number;
  /** The most FDB entries (IFLA_VXLAN_LIMIT; 0: unlimited; `maxaddress`). */
  limit?: number;
  /** UDP source ports (IFLA_VXLAN_PORT_RANGE; `srcport LOW HIGH`). */
  sourcePortRange?: VxlanPortRange;
  /** Answer ARP / ND from the FDB and neighbour table (IFLA_VXLAN_PROXY). */
  proxy?: boolean;
  /** Route short circuit (IFLA_VXLAN_RSC). */
  rsc?: boolean;
  /** Netlink notifications of FDB misses (IFLA_VXLAN_L2MISS). */
  l2miss?: boolean;
  /** Netlink notifications of neighbour misses (IFLA_VXLAN_L3MISS). */
  l3miss?: boolean;
  /** UDP checksums over IPv4 (`[no]udpcsum`; IFLA_VXLAN_UDP_CSUM). */
  udpChecksum?: boolean;
  /** Send IPv6 without UDP checksums (`udp6zerocsumtx`; IFLA_VXLAN_UDP_ZERO_CSUM6_TX). */
  udp6ZeroChecksumTx?: boolean;
  /** Accept IPv6 without UDP checksums (`udp6zerocsumrx`; IFLA_VXLAN_UDP_ZERO_CSUM6_RX). */
  udp6ZeroChecksumRx?: boolean;
  /**
   * Collect metadata: VNI and remote per packet, from eBPF or tc (`external`; no `id` then;
   * IFLA_VXLAN_COLLECT_METADATA).
   */
  external?: boolean;
  /** VNIs from a filter table (`vnifilter`; needs `external`; IFLA_VXLAN_VNIFILTER). */
  vnifilter?: boolean;
  /** The Group Based Policy extension (`gbp`; IFLA_VXLAN_GBP, a flag: false sends nothing). */
  gbp?: boolean;
}

export interface LinkCreateSpec {
  name: string;
  kind: LinkKind;
  mtu?: number;
  mac?: string;
  txQueueLength?: number;
  /** ifindex of the master (bridge) to enslave the new link to. */
  master?: number;
  /** Bring the link up at creation (sets IFF_UP in ifi_flags/ifi_change). */
  up?: boolean;
  /** Required for kind 'veth'. */
  peer?: LinkPeerSpec;
  /** Required for kind 'vxlan'. */
  vxlan?: VxlanSpec;
  /** IFLA_LINK: ifindex of the lower device (vlan, macvlan, ipvlan). */
  link?: number;
  /** Required for kind 'vlan'. */
  vlan?: VlanSpec;
  /** Kind 'macvlan' (default mode: the kernel's, vepa). */
  macvlan?: MacvlanSpec;
  /** Kind 'ipvlan' (default mode l3, as iproute2). */
  ipvlan?: IpvlanSpec;
  /** Kind 'bridge': the bridge's own options. */
  bridge?: BridgeSpec;
}

/** Selects one link: by index (preferred: no name lookup in the kernel) or by name. */
export type LinkSelector = { index: number; name?: undefined } | { name: string; index?: undefined };

export type LinkChangeSpec = LinkSelector & {
  up?: boolean;
  mtu?: number;
  mac?: string;
  /** Rename (needs the link down). With a name selector this is IFLA_IFNAME of the new name. */
  newName?: string;
  /** ifindex of a new master; 0 detaches. */
  master?: number;
  txQueueLength?: number;
  alias?: string;
  /** Move to the namespace behind this fd. */
  netnsFd?: number;
  /** Move to the namespace of this process (IFLA_NET_NS_PID). */
  netnsPid?: number;
  /** Change a bridge's options (IFLA_LINKINFO { KIND bridge, DATA }). */
  bridge?: BridgeSpec;
  /** Change a bridge port's attributes (IFLA_LINKINFO { IFLA_INFO_SLAVE_DATA }). */
  bridgePort?: BridgePortSpec;
  /** Change a macvlan (IFLA_LINKINFO { KIND macvlan, DATA }). */
  macvlan?: MacvlanChange;
  /** Change a vlan (IFLA_LINKINFO { KIND vlan, DATA }). */
  vlan?: VlanChange;
  /** Change a vxlan (IFLA_LINKINFO { KIND vxlan, DATA }). */
  vxlan?: VxlanChangeSpec;
};

/** An interface address as RTM_NEWADDR describes it. */
export interface Address {
  /** 4 or 6. */
  family: Family;
  /** ifindex of the link the address is on. */
  index: number;
  /** The interface's own address (IFA_LOCAL, else IFA_ADDRESS). */
  address: string;
  /** The prefix length (ifa_prefixlen). */
  prefixLength: number;
  /** Point-to-point peer: IFA_ADDRESS when it differs from IFA_LOCAL. */
  peer: string | undefined;
  /** IPv4 broadcast (IFA_BROADCAST), if any. */
  broadcast: string | undefined;
  /** IFA_ANYCAST, if any. */
  anycast: string | undefined;
  /** IPv4 label (IFA_LABEL), e.g. "eth0:vip". */
  label: string | undefined;
  /** IFA_F_* bits (IFA_FLAGS when present, else ifa_flags). */
  flags: number;
  /** RT_SCOPE_* number (0 global, 253 link, 254 host, …). */
  scope: number;
  /** Seconds; Infinity means forever (0xffffffff on the wire). */
  validLifetime: number;
  /** Seconds until deprecated; Infinity means forever. */
  preferredLifetime: number;
  /** ifa_cacheinfo cstamp / tstamp: hundredths of seconds since boot, undefined without IFA_CACHEINFO. */
  created: number | undefined;
  /** When it last changed, in the same unit as `created`. */
  updated: number | undefined;
  /** IFA_PROTO (kernel >= 6.3): who added the address. */
  protocol: number | undefined;
  /** IFA_RT_PRIORITY: metric of the prefix route. */
  routePriority: number | undefined;
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

export interface AddressSpec {
  index: number;
  /** The address text (IPv4 or IPv6); its family decides the request's family. */
  address: string;
  prefixLength: number;
  /**
   * IPv4 broadcast: an address, 'auto' (derived from address/prefix, only for prefixes < 31, like
   * `ip addr add ... brd +`), or null/undefined for none.
   */
  broadcast?: string | 'auto' | null;
  /**
   * IFA_LOCAL when it differs from `address` (point-to-point: `address` is then the peer, the
   * kernel's own reading of IFA_ADDRESS). Usually left out: `address` goes in both attributes.
   */
  local?: string;
  /** IPv4 label (IFA_LABEL), must start with the link's name. */
  label?: string;
  /** IFA_F_* bits: up to 0xff in ifa_flags, larger sets in IFA_FLAGS (as iproute2 does). */
  flags?: number;
  /** Seconds (0xffffffff or Infinity = forever); IFA_CACHEINFO is sent when either is set. */
  validLifetime?: number;
  preferredLifetime?: number;
  /** IFA_PROTO (kernel >= 6.3). */
  protocol?: number;
  /** ifa_scope (RT_SCOPE_*); default universe. */
  scope?: number;
  /** IFA_RT_PRIORITY: metric of the prefix route the kernel adds. */
  routePriority?: number;
}

/** One path of a multipath route (struct rtnexthop plus its attributes). */
export interface NextHop {
  /** RTA_GATEWAY, or RTA_VIA: an IPv6 gateway of an IPv4 route. */
  gateway: string | undefined;
  /** ifindex (rtnh_ifindex). */
  oif: number;
  /** 1..256 (rtnh_hops + 1). */
  weight: number;
  /** RTNH_F_* bits. */
  flags: number;
  /** RTA_ENCAP_TYPE of this path: LWTUNNEL_ENCAP_* (`nexthop encap ip ... dev X`); only when it has one. */
  encapType?: number;
  /** RTA_ENCAP of this path, raw. */
  encap?: Buffer;
  /** RTA_ENCAP of this path decoded, for encap ip / ip6. */
  ipEncap?: IpTunnelEncap;
}

export interface NextHopSpec {
  gateway?: string;
  oif?: number;
  weight?: number;
  flags?: number;
  /** RTA_ENCAP + RTA_ENCAP_TYPE inside the rtnexthop: this path's lightweight tunnel encapsulation. */
  encap?: IpTunnelEncapSpec;
}

/** One member of a nexthop group (struct nexthop_grp). */
export interface NexthopGroupMember {
  /** The member nexthop object's id. */
  id: number;
  /** 1..65536: the wire value + 1 (its high byte is weight_high, kernels >= 6.12; 0 before). */
  weight: number;
}

/** NHA_RES_GROUP: how a resilient group spreads flows over its buckets. Times in seconds. */
export interface NexthopResilience {
  /** NHA_RES_GROUP_BUCKETS: how many buckets the group's traffic is hashed into. */
  buckets: number | undefined;
  /** Seconds a bucket must be idle before it may move to another member. */
  idleTimer: number | undefined;
  /** Seconds the group may stay unbalanced before busy buckets move too (0: never). */
  unbalancedTimer: number | undefined;
  /** Seconds the group has been unbalanced. */
  unbalancedTime: number | undefined;
}

/**
 * A nexthop object (`ip nexthop`, RTM_NEWNEXTHOP): a gateway/device, a blackhole or a group of
 * other nexthop objects, that routes name by id (Route.nhId). Not to be confused with NextHop,
 * one path inside a route's own RTA_MULTIPATH.
 */
export interface NexthopObject {
  /** NHA_ID: the id routes name it by (Route.nhId). */
  id: number;
  /** nh_family: 4 or 6; undefined (AF_UNSPEC) for groups. */
  family: Family | undefined;
  /** nh_scope (RT_SCOPE_*): link for a gateway, host for a device-only nexthop. */
  scope: number;
  /** nh_protocol: who installed it (RTPROT_*). */
  protocol: number;
  /** nh_flags: RTNH_F_* bits (RTNH_F_ONLINK, RTNH_F_DEAD, RTNH_F_LINKDOWN...). */
  flags: number;
  /** NHA_OIF: ifindex of the device; undefined for groups (and fdb nexthops). */
  oif: number | undefined;
  /** NHA_GATEWAY, in the nexthop's family. */
  gateway: string | undefined;
  /** NHA_BLACKHOLE: packets through it are dropped. */
  blackhole: boolean;
  /** NHA_FDB: a bridge/VXLAN forwarding-database nexthop, not usable by routes. */
  fdb: boolean;
  /** NHA_GROUP: the members; undefined for a single nexthop. */
  group: NexthopGroupMember[] | undefined;
  /** NHA_GROUP_TYPE: NEXTHOP_GRP_TYPE_MPATH (0, hash-threshold) or NEXTHOP_GRP_TYPE_RES (1, resilient). */
  groupType: number | undefined;
  /** NHA_RES_GROUP: a resilient group's buckets and timers. */
  resilient: NexthopResilience | undefined;
  /** NHA_ENCAP_TYPE: LWTUNNEL_ENCAP_* of a lightweight-tunnel nexthop. */
  encapType: number | undefined;
  /** NHA_ENCAP: the encapsulation's own attributes, raw (their layout depends on encapType). */
  encap: Buffer | undefined;
  /** NHA_HW_STATS_ENABLE: whether hardware statistics were asked for on this group. */
  hwStats: boolean | undefined;
  /** NHA_ENCAP decoded, when encapType is LWTUNNEL_ENCAP_IP or _IP6 (`encap ip ...`). */
  ipEncap?: IpTunnelEncap;
}

/**
 * A lightweight tunnel encapsulation of kind ip or ip6, decoded (RTA_ENCAP / NHA_ENCAP): the tunnel
 * metadata a collect_metadata ("external") tunnel device, e.g. a vxlan, puts on the packets sent
 * through the route or nexthop. The kernel reports every field.
 */
export interface IpTunnelEncap {
  /** 'ip' (LWTUNNEL_ENCAP_IP: an IPv4 outer header) or 'ip6' (LWTUNNEL_ENCAP_IP6). */
  type: 'ip' | 'ip6';
  /** LWTUNNEL_IP_ID: the tunnel key (for vxlan, the VNI). */
  id: bigint;
  /** LWTUNNEL_IP_DST: the outer destination (the remote tunnel end). */
  dst: string | undefined;
  /** LWTUNNEL_IP_SRC: the outer source (0.0.0.0 / :: : chosen by the device). */
  src: string | undefined;
  /** LWTUNNEL_IP_TTL (ip) or LWTUNNEL_IP6_HOPLIMIT (ip6); 0: the device's default. */
  ttl: number;
  /** LWTUNNEL_IP_TOS (ip) or LWTUNNEL_IP6_TC (ip6). */
  tos: number;
  /** TUNNEL_KEY in LWTUNNEL_IP_FLAGS (`key`). */
  key: boolean;
  /** TUNNEL_CSUM (`csum`). */
  csum: boolean;
  /** TUNNEL_SEQ (`seq`). */
  seq: boolean;
}

/** An `encap ip` / `encap ip6` to add with a route or a nexthop object; unset fields are not sent. */
export interface IpTunnelEncapSpec {
  /** 'ip' for an IPv4 outer header, 'ip6' for IPv6 (dst and src must be of that family). */
  type: 'ip' | 'ip6';
  /** The tunnel key (a vxlan VNI), 0..2^64-1, as a number or a bigint. */
  id?: number | bigint;
  /** The outer destination. */
  dst?: string;
  /** The outer source. */
  src?: string;
  /** TTL (hop limit for ip6), 0..255. */
  ttl?: number;
  /** TOS (traffic class for ip6), 0..255. */
  tos?: number;
  /** Set TUNNEL_KEY. */
  key?: boolean;
  /** Set TUNNEL_CSUM. */
  csum?: boolean;
  /** Set TUNNEL_SEQ. */
  seq?: boolean;
}

/** RTA_METRICS, the ones iproute2 names most often. */
export interface RouteMetrics {
  /** RTAX_LOCK: bit 1 << RTAX_x set for each metric the kernel must not change (`mtu lock 1400`). */
  lock?: number;
  /** RTAX_MTU: path MTU, bytes. */
  mtu?: number;
  /** RTAX_WINDOW: largest TCP window to advertise, bytes. */
  window?: number;
  /** RTAX_RTT: initial round-trip time estimate, ms × 8 (`rtt 100ms` is 800). */
  rtt?: number;
  /** RTAX_RTTVAR: initial RTT variance, ms × 4. */
  rttvar?: number;
  /** RTAX_SSTHRESH: initial TCP slow-start threshold, packets. */
  ssthresh?: number;
  /** RTAX_CWND: TCP congestion window clamp, packets. */
  cwnd?: number;
  /** RTAX_ADVMSS: MSS to advertise, bytes. */
  advmss?: number;
  /** RTAX_REORDERING: initial TCP reordering degree. */
  reordering?: number;
  /** RTAX_HOPLIMIT: TTL / hop limit of packets sent along the route. */
  hoplimit?: number;
  /** RTAX_INITCWND: initial TCP congestion window, packets. */
  initcwnd?: number;
  /** RTAX_FEATURES: RTAX_FEATURE_* bits (1 = ECN). */
  features?: number;
  /** RTAX_RTO_MIN: smallest TCP retransmission timeout, ms (used only when locked). */
  rtoMin?: number;
  /** RTAX_INITRWND: initial TCP receive window, packets. */
  initrwnd?: number;
  /** RTAX_QUICKACK: 1 disables delayed ACKs. */
  quickack?: number;
  /** RTAX_CC_ALGO: TCP congestion control name (`congctl cubic`). */
  ccAlgo?: string;
}

/** A route as RTM_NEWROUTE describes it. */
export interface Route {
  /** 4 or 6 (rtm_family). */
  family: Family;
  /** Destination network address; undefined for a default route (dstLength 0). */
  dst: string | undefined;
  /** rtm_dst_len: the destination's prefix length. */
  dstLength: number;
  /** RTA_SRC: source prefix (IPv6 source routing), or the source of a `routes.get` lookup. */
  src: string | undefined;
  /** rtm_src_len. */
  srcLength: number;
  /** rtm_tos: the DS field a route matches (0: any). */
  tos: number;
  /** RTA_TABLE when present (tables > 255), else rtm_table. */
  table: number;
  /** rtm_protocol: who installed it (RTPROT_*: 2 kernel, 3 boot, 4 static...). */
  protocol: number;
  /** rtm_scope: RT_SCOPE_* (0 universe, 253 link, 254 host). */
  scope: number;
  /** rtm_type: RTN_* (1 unicast, 2 local, 3 broadcast...). */
  type: number;
  /** rtm_flags: RTM_F_* and RTNH_F_* bits. */
  flags: number;
  /** RTA_GATEWAY: the next hop, in the route's family. */
  gateway: string | undefined;
  /** RTA_VIA: a gateway of the other family (IPv4 route via IPv6 nexthop). */
  via: string | undefined;
  /** RTA_OIF: ifindex of the output link. */
  oif: number | undefined;
  /** RTA_IIF: ifindex of the input link (a `routes.get` with iif). */
  iif: number | undefined;
  /** RTA_PRIORITY: the metric. */
  priority: number | undefined;
  /** RTA_PREFSRC: the source address preferred for traffic along the route. */
  prefsrc: string | undefined;
  /** RTA_PREF: IPv6 router preference (0 medium, 1 high, 3 low). */
  pref: number | undefined;
  /** RTA_MARK: the firewall mark of a `routes.get` lookup. */
  mark: number | undefined;
  /** RTA_EXPIRES (seconds, IPv6 routes with an expiry). */
  expires: number | undefined;
  /** RTA_NH_ID: the nexthop object id. */
  nhId: number | undefined;
  /** RTA_METRICS decoded. */
  metrics: RouteMetrics | undefined;
  /** RTA_MULTIPATH decoded; undefined for single-path routes. */
  nexthops: NextHop[] | undefined;
  /**
   * RTA_UID: the user id an IPv4 `routes.get` looked up for (the one given, else the caller's);
   * present only when the kernel sends it (IPv6 answers carry none).
   */
  uid?: number;
  /** RTA_FLOW: realms, (source realm << 16) | destination realm (`ip route add ... realm 3/5`); only when set. */
  realms?: number;
  /** RTA_ENCAP_TYPE: LWTUNNEL_ENCAP_* of a route with a lightweight tunnel encapsulation. */
  encapType?: number;
  /** RTA_ENCAP: the encapsulation's own attributes, raw (their layout depends on encapType). */
  encap?: Buffer;
  /** RTA_ENCAP decoded, when encapType is LWTUNNEL_ENCAP_IP or _IP6 (`encap ip ...`). */
  ipEncap?: IpTunnelEncap;
}

export interface RouteSpec {
  /** Inferred from dst / gateway / prefsrc / nexthops when left out. */
  family?: Family;
  /** Destination network address; undefined (with dstLength 0) is the default route. */
  dst?: string;
  /** Default: the full length when dst is given, else 0. */
  dstLength?: number;
  src?: string;
  srcLength?: number;
  tos?: number;
  /** Default RT_TABLE_MAIN (254). Tables > 255 go in RTA_TABLE. */
  table?: number;
  /** Default RTPROT_BOOT (3), as iproute2 uses. */
  protocol?: number;
  /** Default: link for gatewayless unicast routes, host for local, universe otherwise (iproute2 rules). */
  scope?: number;
  /** Default RTN_UNICAST. */
  type?: number;
  /** rtm_flags, e.g. RTNH_F_ONLINK. */
  flags?: number;
  gateway?: string;
  oif?: number;
  iif?: number;
  priority?: number;
  prefsrc?: string;
  pref?: number;
  mark?: number;
  /** RTA_EXPIRES: seconds until an IPv6 route expires (`ip -6 route add ... expires 300`). */
  expires?: number;
  metrics?: RouteMetrics;
  nexthops?: NextHopSpec[];
  /** RTA_NH_ID: the route uses this nexthop object (`ip route add ... nhid N`). */
  nhId?: number;
  /** RTA_ENCAP + RTA_ENCAP_TYPE: a lightweight tunnel encapsulation (`encap ip ...`). */
  encap?: IpTunnelEncapSpec;
  /** RTA_FLOW: realms, (source realm << 16) | destination realm (`realm 3/5`). */
  realms?: number;
}

/** What a rule does with a packet it matches (fib_rule_hdr.action, FR_ACT_*), by iproute2's words. */
export type RuleAction =
  | 'unspec'
  | 'table'
  | 'goto'
  | 'nop'
  | 'res3'
  | 'res4'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit';

/** An inclusive range of user ids (FRA_UID_RANGE) or ports (FRA_SPORT_RANGE / FRA_DPORT_RANGE). */
export interface RuleRange {
  /** The first value of the range. */
  start: number;
  /** The last value of the range (equal to start for one value). */
  end: number;
}

/** A policy routing rule (`ip rule`) as RTM_NEWRULE describes it. */
export interface Rule {
  /** IPv4 or IPv6 (fib_rule_hdr.family). */
  family: Family;
  /** FRA_PRIORITY: the preference; the kernel leaves it out for 0 (the local-table rule). */
  priority: number;
  /** FRA_SRC, with srcLength; undefined for "from all". */
  src: string | undefined;
  /** fib_rule_hdr.src_len: the source prefix length (0 for all). */
  srcLength: number;
  /** FRA_DST, with dstLength; undefined when the rule has no destination selector. */
  dst: string | undefined;
  /** fib_rule_hdr.dst_len: the destination prefix length. */
  dstLength: number;
  /** The TOS (IPv4) or traffic class (IPv6) byte to match; 0 matches any. */
  tos: number;
  /** FRA_TABLE when present, else fib_rule_hdr.table; 0 for actions other than 'table'. */
  table: number;
  /** fib_rule_hdr.action: what the rule does with a packet it matches. */
  action: RuleAction;
  /** FIB_RULE_* bits (FIB_RULE_INVERT, FIB_RULE_IIF_DETACHED...). */
  flags: number;
  /** FIB_RULE_INVERT: the selector is negated (`ip rule add not ...`). */
  invert: boolean;
  /** FRA_IIFNAME: the input interface's name (the interface need not exist). */
  iif: string | undefined;
  /** FRA_OIFNAME: the output interface's name. */
  oif: string | undefined;
  /** FRA_FWMARK: the firewall mark to match. */
  fwmark: number | undefined;
  /** FRA_FWMASK: the bits of the mark compared (0xffffffff, all, for a mark given without a mask). */
  fwmask: number | undefined;
  /** FRA_GOTO: the priority of the rule a 'goto' rule jumps to. */
  goto: number | undefined;
  /** FRA_FLOW: realms, (source realm << 16) | destination realm. */
  realms: number | undefined;
  /** FRA_TUN_ID: the tunnel id to match (big-endian u64 on the wire). */
  tunId: bigint | undefined;
  /** FRA_SUPPRESS_PREFIXLEN: routes of this prefix length or shorter are ignored. */
  suppressPrefixLength: number | undefined;
  /** FRA_SUPPRESS_IFGROUP: routes out of this interface group are ignored. */
  suppressIfgroup: number | undefined;
  /** FRA_L3MDEV: the table is the one of the L3 master device (VRF) the packet is on. */
  l3mdev: boolean;
  /** FRA_UID_RANGE: the socket user ids matched. */
  uidRange: RuleRange | undefined;
  /** FRA_PROTOCOL: who installed the rule (RTPROT_*; 2 = kernel for the default rules). */
  protocol: number;
  /** FRA_IP_PROTO: the IP protocol to match (6 = TCP, 17 = UDP...). */
  ipProto: number | undefined;
  /** FRA_SPORT_RANGE: the source ports matched. */
  sportRange: RuleRange | undefined;
  /** FRA_DPORT_RANGE: the destination ports matched. */
  dportRange: RuleRange | undefined;
  /** FRA_DSCP (kernel >= 6.11): the DSCP value to match. */
  dscp: number | undefined;
  /** FRA_FLOWLABEL (IPv6, kernel >= 6.11): the flow label matched under flowlabelMask. */
  flowlabel: number | undefined;
  /** FRA_FLOWLABEL_MASK: the bits of the flow label compared. */
  flowlabelMask: number | undefined;
  /** FRA_SPORT_MASK (kernel >= 6.16): the bits of the source port compared; 0xffff for a single port. */
  sportMask: number | undefined;
  /** FRA_DPORT_MASK: the bits of the destination port compared; 0xffff for a single port. */
  dportMask: number | undefined;
  /** FRA_DSCP_MASK: the bits of the DSCP compared. */
  dscpMask: number | undefined;
}

/** What `encodeNewRule` / `encodeDelRule` send. Unset fields are left out (a delete then matches any). */
export interface RuleSpec {
  family: Family;
  priority?: number;
  src?: string;
  srcLength?: number;
  dst?: string;
  dstLength?: number;
  tos?: number;
  /** Any u32: up to 255 in fib_rule_hdr.table, larger ones in FRA_TABLE (as iproute2 does). */
  table?: number;
  /** Default for an add: 'table'; for a delete: 'unspec' (any action). */
  action?: RuleAction;
  /** FIB_RULE_* bits to set (FIB_RULE_INVERT). */
  flags?: number;
  iif?: string;
  oif?: string;
  fwmark?: number;
  fwmask?: number;
  goto?: number;
  realms?: number;
  suppressPrefixLength?: number;
  suppressIfgroup?: number;
  l3mdev?: boolean;
  uidRange?: RuleRange;
  protocol?: number;
  ipProto?: number;
  sportRange?: RuleRange;
  dportRange?: RuleRange;
}

/** A neighbour entry's NUD state (ndm_state), in iproute2's words. */
export type NeighbourState =
  | 'none'
  | 'incomplete'
  | 'reachable'
  | 'stale'
  | 'delay'
  | 'probe'
  | 'failed'
  | 'noarp'
  | 'permanent';

/** Neighbour flags in iproute2's words: ndm_flags (NTF_*), then NDA_FLAGS_EXT ('managed', 'locked'). */
export type NeighbourFlag =
  | 'use'
  | 'self'
  | 'master'
  | 'proxy'
  | 'extern_learn'
  | 'offload'
  | 'sticky'
  | 'router'
  | 'managed'
  | 'locked';

/** NDA_CACHEINFO: how long ago the entry was confirmed, used and updated (seconds), and its refcount. */
export interface NeighbourCacheInfo {
  /** Seconds since the neighbour was last confirmed reachable. */
  confirmed: number;
  /** Seconds since the entry was last used to send. */
  used: number;
  /** Seconds since the entry last changed. */
  updated: number;
  /** References the kernel holds to the entry. */
  refcount: number;
}

/** An ARP (IPv4) or neighbour-discovery (IPv6) cache entry, or a proxy entry, as RTM_NEWNEIGH describes it. */
export interface Neighbour {
  /** 4 (ARP) or 6 (neighbour discovery). */
  family: Family;
  /** ifindex of the link the entry is on (ndm_ifindex). */
  index: number;
  /** The neighbour's IP address (NDA_DST). */
  address: string;
  /** Link-layer address (NDA_LLADDR), lowercase colon hex; undefined while unresolved. */
  lladdr: string | undefined;
  /** The NUD state; undefined only when ndm_state is not exactly one NUD_* value (see stateBits). */
  state: NeighbourState | undefined;
  /** ndm_state as sent. */
  stateBits: number;
  /** The names of the known bits of ndm_flags and NDA_FLAGS_EXT ('proxy' marks a proxy entry). */
  flags: NeighbourFlag[];
  /** ndm_flags as sent (NTF_* bits). */
  flagBits: number;
  /** NDA_FLAGS_EXT as sent (NTF_EXT_* bits). */
  extFlagBits: number | undefined;
  /** ndm_type: RTN_* (1 unicast, 5 multicast...). */
  type: number;
  /** NDA_PROBES: probes sent since the entry was last confirmed. */
  probes: number | undefined;
  /** NDA_PROTOCOL: who installed the entry. */
  protocol: number | undefined;
  /** NDA_VLAN (bridge fdb entries). */
  vlan: number | undefined;
  /** NDA_MASTER: ifindex of the master. */
  master: number | undefined;
  /** NDA_LINK_NETNSID. */
  linkNetnsId: number | undefined;
  /** NDA_CACHEINFO: the entry's ages; undefined for proxy entries. */
  cacheInfo: NeighbourCacheInfo | undefined;
}

/** What encodeNewNeighbour / encodeDelNeighbour send. */
export interface NeighbourSpec {
  /** ifindex of the link (ndm_ifindex). */
  index: number;
  /** The neighbour's IP address (IPv4 or IPv6); its family decides the request's. */
  address: string;
  /** NDA_LLADDR bytes. */
  lladdr?: Uint8Array;
  /** ndm_state: NUD_* (default NUD_PERMANENT, as iproute2 sends). */
  state?: number;
  /** ndm_flags: NTF_* bits (NTF_PROXY for a proxy entry, NTF_ROUTER, NTF_EXT_LEARNED, NTF_USE). */
  flags?: number;
  /** NDA_FLAGS_EXT: NTF_EXT_* bits (NTF_EXT_MANAGED). */
  extFlags?: number;
  /** NDA_PROTOCOL (0-255). */
  protocol?: number;
}

// ---- links: statistics and kind-specific data ----

/**
 * IFLA_STATS64 (struct rtnl_link_stats64): the link's counters since it was created. Each is a
 * u64 in the kernel and a bigint here, as every other 64-bit value the library decodes.
 */
export interface LinkStats {
  /** Packets received. */
  rxPackets: bigint;
  /** Packets sent. */
  txPackets: bigint;
  /** Bytes received. */
  rxBytes: bigint;
  /** Bytes sent. */
  txBytes: bigint;
  /** Bad packets received. */
  rxErrors: bigint;
  /** Packets that could not be sent. */
  txErrors: bigint;
  /** Received packets dropped (no buffer space, ...). */
  rxDropped: bigint;
  /** Packets dropped on their way out. */
  txDropped: bigint;
  /** Multicast packets received. */
  multicast: bigint;
  /** Collisions (half-duplex media). */
  collisions: bigint;
  /** Frames of a bad length. */
  rxLengthErrors: bigint;
  /** Receiver ring buffer overflows. */
  rxOverErrors: bigint;
  /** Frames with a bad CRC. */
  rxCrcErrors: bigint;
  /** Frame alignment errors. */
  rxFrameErrors: bigint;
  /** Receiver FIFO overruns. */
  rxFifoErrors: bigint;
  /** Frames the receiver missed. */
  rxMissedErrors: bigint;
  /** Transmissions aborted. */
  txAbortedErrors: bigint;
  /** Carrier errors on transmit. */
  txCarrierErrors: bigint;
  /** Transmitter FIFO underruns. */
  txFifoErrors: bigint;
  /** Heartbeat (SQE test) errors. */
  txHeartbeatErrors: bigint;
  /** Late collisions. */
  txWindowErrors: bigint;
  /** Compressed packets received (CSLIP, PPP). */
  rxCompressed: bigint;
  /** Compressed packets sent. */
  txCompressed: bigint;
  /** Packets dropped for want of a protocol handler. */
  rxNohandler: bigint;
  /** Packets for other hosts dropped (Linux 5.19+); undefined on older kernels. */
  rxOtherhostDropped: bigint | undefined;
}

/** The 802.1Q tag protocols a vlan link can use: 0x8100 (C-tag) or 0x88a8 (802.1ad S-tag). */
export type VlanProtocol = '802.1Q' | '802.1ad';

/** IFLA_VLAN_FLAGS bits by name (`ip link add ... type vlan reorder_hdr on gvrp off ...`). */
export interface VlanFlags {
  /** Hand the stack frames with the tag already removed (the default). */
  reorderHdr: boolean;
  /** Register the VLAN with GVRP. */
  gvrp: boolean;
  /** Do not follow the parent link's operational state. */
  looseBinding: boolean;
  /** Register the VLAN with MVRP. */
  mvrp: boolean;
  /** Follow the state of the bridge ports in this VLAN instead of the parent. */
  bridgeBinding: boolean;
}

/** A vlan link's IFLA_INFO_DATA. */
export interface VlanInfo {
  /** IFLA_VLAN_ID, 0-4095. */
  id: number | undefined;
  /** IFLA_VLAN_PROTOCOL; undefined when absent or not one of the two the kernel accepts. */
  protocol: VlanProtocol | undefined;
  /** IFLA_VLAN_FLAGS (the flags word; the kernel reports every bit). */
  flags: VlanFlags | undefined;
  /** IFLA_VLAN_INGRESS_QOS: received 802.1p priority (from) to skb priority (to). */
  ingressQos: VlanQosMapping[] | undefined;
  /** IFLA_VLAN_EGRESS_QOS: skb priority (from) to the 802.1p priority sent (to). */
  egressQos: VlanQosMapping[] | undefined;
}

/**
 * A change to a vlan (`ip link set DEV type vlan ...`): the flags given, and each QoS mapping given
 * set (the others stay; an ingress mapping to 0 or an egress mapping to 0 clears that entry).
 */
export interface VlanChange {
  /** Only the flags given change (IFLA_VLAN_FLAGS' mask). */
  flags?: Partial<VlanFlags>;
  /** `ingress-qos-map`: 802.1p priority (0-7) to skb priority. */
  ingressQos?: VlanQosMapping[];
  /** `egress-qos-map`: skb priority to 802.1p priority (0-7). */
  egressQos?: VlanQosMapping[];
}

/** One IFLA_VLAN_QOS_MAPPING (struct ifla_vlan_qos_mapping), as `ip link ... qos-map FROM:TO`. */
export interface VlanQosMapping {
  /** Ingress: the 802.1p priority 0-7; egress: the skb priority. */
  from: number;
  /** Ingress: the skb priority; egress: the 802.1p priority 0-7. */
  to: number;
}

/** What a vlan link is created with. */
export interface VlanSpec {
  /** The VLAN id, 0-4095. */
  id: number;
  /** Default: the kernel's, 802.1Q. */
  protocol?: VlanProtocol;
  /** Only the flags given are sent (in IFLA_VLAN_FLAGS' mask). */
  flags?: Partial<VlanFlags>;
  /** `ingress-qos-map`: 802.1p priority (0-7) to skb priority. */
  ingressQos?: VlanQosMapping[];
  /** `egress-qos-map`: skb priority to 802.1p priority (0-7). */
  egressQos?: VlanQosMapping[];
}

/** How a macvlan talks to its siblings (MACVLAN_MODE_*). */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';

/** A macvlan's IFLA_INFO_DATA. */
export interface MacvlanInfo {
  /** IFLA_MACVLAN_MODE. */
  mode: MacvlanMode | undefined;
  /** IFLA_MACVLAN_FLAGS: MACVLAN_FLAG_* bits (1 nopromisc, 2 nodst). */
  flags: number | undefined;
  /** IFLA_MACVLAN_MACADDR_COUNT: how many source MACs a source-mode macvlan has. */
  sourceMacCount: number | undefined;
  /**
   * IFLA_MACVLAN_MACADDR_DATA: a source-mode macvlan's source MACs, in the kernel's hash order;
   * undefined when the kernel sent none (it sends the list only when it is not empty).
   */
  sourceMacs: string[] | undefined;
  /** IFLA_MACVLAN_BC_QUEUE_LEN: the broadcast queue length asked for (`bcqueuelen`). */
  broadcastQueueLength: number | undefined;
  /** IFLA_MACVLAN_BC_QUEUE_LEN_USED: the one in use (the largest asked for on the port). */
  broadcastQueueLengthUsed: number | undefined;
}

/** What a macvlan is created with. */
export interface MacvlanSpec {
  /** Default: the kernel's, vepa. */
  mode?: MacvlanMode;
  /** mode 'source' only: the source MACs whose frames the macvlan takes (`macaddr set ...`). */
  sourceMacs?: string[];
}

/**
 * A change to a source-mode macvlan's list of source MACs (`ip link set DEV type macvlan macaddr
 * add|del|set|flush`): exactly one of add, del, set, flush.
 */
export interface MacvlanSourceMacsChange {
  /** Add one address (MACVLAN_MACADDR_ADD). */
  add?: string;
  /** Remove one address (MACVLAN_MACADDR_DEL). */
  del?: string;
  /** Replace the list with these (MACVLAN_MACADDR_SET). */
  set?: string[];
  /** Empty the list (MACVLAN_MACADDR_FLUSH). */
  flush?: true;
}

/** A change to a macvlan (`ip link set DEV type macvlan ...`). */
export interface MacvlanChange {
  /** A new mode. */
  mode?: MacvlanMode;
  /** A change to the source MACs (mode 'source' only; other modes refuse it with EINVAL). */
  sourceMacs?: MacvlanSourceMacsChange;
}

/** ipvlan's modes: where packets are switched (L2, L3, L3 with netfilter). */
export type IpvlanMode = 'l2' | 'l3' | 'l3s';

/** How ipvlan slaves of one parent reach each other: 'bridge' (default), 'private' or 'vepa'. */
export type IpvlanIsolation = 'bridge' | 'private' | 'vepa';

/** An ipvlan's IFLA_INFO_DATA. */
export interface IpvlanInfo {
  /** IFLA_IPVLAN_MODE. */
  mode: IpvlanMode | undefined;
  /** IFLA_IPVLAN_FLAGS: private, vepa, or neither (bridge). */
  isolation: IpvlanIsolation | undefined;
}

/** What an ipvlan is created with. */
export interface IpvlanSpec {
  /** Default l3, as iproute2. */
  mode?: IpvlanMode;
  /** Default bridge. */
  isolation?: IpvlanIsolation;
}

/** A bridge's own options (IFLA_INFO_DATA of kind bridge), the ones that matter most. Times in seconds. */
export interface BridgeInfo {
  /** Seconds a port spends listening and then learning before it forwards (STP). */
  forwardDelay: number | undefined;
  /** Seconds between STP hello BPDUs. */
  helloTime: number | undefined;
  /** Seconds a received STP BPDU stays valid. */
  maxAge: number | undefined;
  /** How long a learned MAC address stays in the forwarding database. */
  ageingTime: number | undefined;
  /** Spanning tree on (IFLA_BR_STP_STATE != 0). */
  stp: boolean | undefined;
  /** The bridge priority (STP root election; lower wins). */
  priority: number | undefined;
  /** Frames are filtered by the ports' VLANs. */
  vlanFiltering: boolean | undefined;
  /** The tag protocol VLAN filtering uses (only reported with VLAN filtering support). */
  vlanProtocol: VlanProtocol | undefined;
  /** The port VLAN id new ports get (only reported with VLAN filtering support). */
  vlanDefaultPvid: number | undefined;
  /** IGMP/MLD snooping on. */
  multicastSnooping: boolean | undefined;
}

/**
 * A bridge's options to set. Times in seconds (sent as hundredths: forward delay 2-30 s, hello
 * time 1-10 s, max age 6-40 s when STP is on). vlanFiltering needs CONFIG_BRIDGE_VLAN_FILTERING.
 */
export interface BridgeSpec {
  /** Seconds (2-30 with STP on). */
  forwardDelay?: number;
  /** Seconds (1-10 with STP on). */
  helloTime?: number;
  /** Seconds (6-40 with STP on). */
  maxAge?: number;
  /** Seconds a learned address stays in the forwarding database. */
  ageingTime?: number;
  /** Turn the kernel's spanning tree on or off. */
  stp?: boolean;
  /** 0-65535; lower wins the root election. */
  priority?: number;
  /** Filter by VLAN (needs CONFIG_BRIDGE_VLAN_FILTERING; EOPNOTSUPP without). */
  vlanFiltering?: boolean;
}

/** A bridge port's spanning-tree state (BR_STATE_*). */
export type BridgePortState = 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking';

/** A bridge port's attributes (IFLA_BRPORT_*), as `ip -d link show` and `bridge -d link` print them. */
export interface BridgePortInfo {
  /** The spanning-tree state. */
  state: BridgePortState | undefined;
  /** The port priority, 0-63. */
  priority: number | undefined;
  /** The STP path cost, 1-65535. */
  cost: number | undefined;
  /** Send frames back out of the port they came in on (IFLA_BRPORT_MODE). */
  hairpin: boolean | undefined;
  /** Drop STP BPDUs arriving on the port (bpdu guard). */
  guard: boolean | undefined;
  /** Never let the port become root port (IFLA_BRPORT_PROTECT). */
  rootBlock: boolean | undefined;
  /** Multicast fast leave. */
  fastLeave: boolean | undefined;
  /** Learn source MAC addresses arriving on the port. */
  learning: boolean | undefined;
  /** Flood unknown unicast out of the port. */
  unicastFlood: boolean | undefined;
  /** Answer ARP requests for hosts known behind other ports. */
  proxyArp: boolean | undefined;
  /** Flood unknown multicast out of the port. */
  multicastFlood: boolean | undefined;
  /** Flood broadcast out of the port. */
  broadcastFlood: boolean | undefined;
  /** Answer ARP and neighbour solicitations from the bridge's tables instead of flooding them. */
  neighSuppress: boolean | undefined;
  /** Isolated ports forward only to non-isolated ones. */
  isolated: boolean | undefined;
}

/**
 * Bridge port attributes to set; each one given is sent, the rest stay as they are. A `state` other
 * than 'disabled' lasts only while STP runs in user space: otherwise the kernel re-selects port
 * states right after (an enabled port of a bridge without STP is forwarding again), and with the
 * kernel's own STP it refuses the change (EBUSY).
 */
export type BridgePortSpec = { [K in keyof BridgePortInfo]?: Exclude<BridgePortInfo[K], undefined> };

/** The vxlan options the kernel lets change after creation (`ip link set DEV type vxlan ...`). */
export type VxlanChangeSpec = Pick<
  VxlanSpec,
  'group' | 'local' | 'device' | 'ttl' | 'tos' | 'df' | 'label' | 'ageing' | 'learning'
>;

/** IFLA_VXLAN_DF: don't-fragment in the outer IPv4 header: never, always or as the inner packet. */
export type VxlanDf = 'unset' | 'set' | 'inherit';

/** IFLA_VXLAN_PORT_RANGE: UDP source ports (both 0: the kernel picks from its local range). */
export interface VxlanPortRange {
  /** The lowest port. */
  low: number;
  /** The highest port. */
  high: number;
}

/**
 * A vxlan link's IFLA_INFO_DATA, as the kernel reports it (`ip -d link show`). The kernel sends
 * every u8 option whether set or not; GBP, GPE and REMCSUM_NOPARTIAL are flags it sends only when
 * on, so those read false when absent.
 */
export interface VxlanInfo {
  /** IFLA_VXLAN_ID: the VNI (0 on an `external` device). */
  id: number | undefined;
  /** IFLA_VXLAN_GROUP / GROUP6: the remote unicast address or multicast group. */
  group: string | undefined;
  /** IFLA_VXLAN_LOCAL / LOCAL6: the local address. */
  local: string | undefined;
  /** IFLA_VXLAN_LINK: ifindex of the underlay device. */
  link: number | undefined;
  /** IFLA_VXLAN_TTL (0: auto). */
  ttl: number | undefined;
  /** IFLA_VXLAN_TTL_INHERIT: the TTL comes from the inner packet. */
  ttlInherit: boolean | undefined;
  /** IFLA_VXLAN_TOS (1: inherit). */
  tos: number | undefined;
  /** IFLA_VXLAN_DF; a number for a value this library has no name for. */
  df: VxlanDf | number | undefined;
  /** IFLA_VXLAN_LABEL: the IPv6 flow label. */
  label: number | undefined;
  /** IFLA_VXLAN_LABEL_POLICY (Linux 6.7+): 0 fixed, 1 inherit. */
  labelPolicy: number | undefined;
  /** IFLA_VXLAN_LEARNING. */
  learning: boolean | undefined;
  /** IFLA_VXLAN_PROXY. */
  proxy: boolean | undefined;
  /** IFLA_VXLAN_RSC: route short circuit. */
  rsc: boolean | undefined;
  /** IFLA_VXLAN_L2MISS. */
  l2miss: boolean | undefined;
  /** IFLA_VXLAN_L3MISS. */
  l3miss: boolean | undefined;
  /** IFLA_VXLAN_COLLECT_METADATA (`external`). */
  external: boolean | undefined;
  /** IFLA_VXLAN_AGEING: seconds. */
  ageing: number | undefined;
  /** IFLA_VXLAN_LIMIT: the most FDB entries (0: unlimited). */
  limit: number | undefined;
  /** IFLA_VXLAN_PORT: the UDP destination port. */
  port: number | undefined;
  /** IFLA_VXLAN_PORT_RANGE: the UDP source port range. */
  sourcePortRange: VxlanPortRange | undefined;
  /** IFLA_VXLAN_UDP_CSUM. */
  udpChecksum: boolean | undefined;
  /** IFLA_VXLAN_UDP_ZERO_CSUM6_TX. */
  udp6ZeroChecksumTx: boolean | undefined;
  /** IFLA_VXLAN_UDP_ZERO_CSUM6_RX. */
  udp6ZeroChecksumRx: boolean | undefined;
  /** IFLA_VXLAN_REMCSUM_TX: remote checksum offload on send. */
  remoteChecksumTx: boolean | undefined;
  /** IFLA_VXLAN_REMCSUM_RX: remote checksum offload on receive. */
  remoteChecksumRx: boolean | undefined;
  /** IFLA_VXLAN_REMCSUM_NOPARTIAL (a flag). */
  remoteChecksumNoPartial: boolean;
  /** IFLA_VXLAN_GBP: Group Based Policy (a flag). */
  gbp: boolean;
  /** IFLA_VXLAN_GPE: Generic Protocol Extension (a flag). */
  gpe: boolean;
  /** IFLA_VXLAN_VNIFILTER (sent only when on). */
  vnifilter: boolean | undefined;
  /** IFLA_VXLAN_LOCALBYPASS (Linux 6.6+): deliver to a local destination directly. */
  localBypass: boolean | undefined;
  /** IFLA_VXLAN_MC_ROUTE (Linux 6.17+): route multicast through the underlay's MC routes. */
  mcRoute: boolean | undefined;
  /**
   * IFLA_VXLAN_RESERVED_BITS (Linux 6.14+): the VXLAN header bits the device accepts on receive,
   * its two 32-bit words as sent (big endian).
   */
  reservedBits:
    | {
        /** The first word: the flags byte and the reserved bits after it. */
        flags: number;
        /** The second word: the VNI and the reserved byte after it. */
        vni: number;
      }
    | undefined;
}
