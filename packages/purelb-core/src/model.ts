// The results the core's rules produce, shared by election, placement, planning and diagnosis.
// Network state comes in as plain data (net/objects.ts), which the netlink library's objects satisfy.

import type { Family } from './net/ip.ts';
import type { Address, AddressFlag, Link, Route } from './net/objects.ts';

/**
 * A nexthop object (`ip nexthop`, RTM_NEWNEXTHOP) as far as the rules read it: a route may name one by id
 * (RTA_NH_ID) instead of carrying its own gateway and interface.
 */
export interface NexthopObject {
  id: number;
  /** ifindex; undefined for a group or a blackhole. */
  oif: number | undefined;
  gateway: string | undefined;
  blackhole: boolean;
  /** RTNH_F_* bits (onlink 4). */
  flags: number;
  /** The members of a group (by id), undefined for a single nexthop. */
  group: { id: number; weight: number }[] | undefined;
}

/** What the kernel shows on this node: the dumps the rules read. */
export interface NodeNetwork {
  links: Link[];
  addresses: Address[];
  /** The main table of both families (other tables are ignored by the rules). */
  routes: Route[];
  /** Nexthop objects, which routes may name by id (absent: the node has none, or they were not read). */
  nexthops?: NexthopObject[];
  /** Links whose carrier came back too recently to be trusted (CarrierHysteresis); absent: none. */
  carrierHeld?: ReadonlySet<number>;
}

/** The outcome of electing this node's local interface for one address family. */
export type LocalInterfaceElection =
  | { status: 'elected'; family: Family; link: string; index: number; reason: string }
  /** Two or more default routes tie at the lowest metric, or a multipath default: the seed's case. */
  | { status: 'ambiguous'; family: Family; candidates: string[]; reason: string }
  | { status: 'none'; family: Family; reason: string };

/** One address this node should carry, and why. */
export interface Placement {
  /** Canonical address text. */
  ip: string;
  family: Family;
  /** local: a secondary on the elected interface (winner only); virtual: on the dummy interface. */
  kind: 'local' | 'virtual';
  /** Interface name. */
  link: string;
  prefixLength: number;
  /** IPv4 broadcast (prefixes shorter than /31), else undefined. */
  broadcast: string | undefined;
  flags: AddressFlag[];
  /** Seconds; Infinity = forever. */
  validLifetime: number;
  preferredLifetime: number;
  /** The Services ("namespace/name") that want this address (several when shared). */
  services: string[];
  /** Human-readable: which rule placed it here. */
  reason: string;
}

/** Why a Service's address is not placed on this node. */
export interface PlacementSkip {
  service: string;
  ip: string;
  code:
    | 'not-winner'
    | 'no-candidate'
    | 'no-local-endpoint'
    | 'ambiguous-default-route'
    | 'no-local-interface'
    /** The local interface(s) have no carrier (or carrier back too recently): a dead link. */
    | 'no-carrier'
    | 'no-group'
    | 'invalid-config'
    | 'not-selected'
    /** Another address of this node (one PureLB did not add) already has this IP. */
    | 'address-in-use'
    /** A gateway of the node's routes, or a subnet's network, broadcast or Subnet-Router anycast address. */
    | 'reserved-address'
    /** The prefix would add a route overlapping one of the node's networks or holding one of its gateways. */
    | 'route-conflict'
    /** Another host on the segment answered for the address (ARP probe, or IPv6 duplicate address detection). */
    | 'address-conflict'
    /** The address is a Node's own (its status.addresses): no agent places it. */
    | 'node-address';
  /** The node that wins instead, when there is one. */
  winner?: string;
  reason: string;
  /** An error the operator should see (logged and evented), not just a normal "another node has it". */
  error: boolean;
}

/**
 * The IFA_PROTO value on every address PureLB adds (kernel >= 6.3 keeps it; values 0-3 are the
 * kernel's own). On older kernels IPv4 addresses carry a label instead (see Ownership).
 */
export const PURELB_ADDRESS_PROTOCOL = 0x6c;

/**
 * Proof that an address on this node was put there by PureLB: the only licence to delete or rewrite an
 * address, on every interface, the virtual one included (an address added there by hand, by an older
 * PureLB or by another tool is not ours to remove).
 */
export interface Ownership {
  /** IFA_PROTO value placed on every address we add. */
  protocol: number;
  /**
   * Kernels older than 6.3 drop IFA_PROTO: there (true) an IPv4 address without a protocol that carries
   * PureLB's label (see ownedLabel) counts as ours too. Where the kernel keeps IFA_PROTO (false, the
   * default) a label proves nothing: anyone can write one.
   */
  labelFallback?: boolean;
}

/** Everything the rules decided for one node: what it should carry, what it skips, and why. */
export interface DesiredState {
  node: string;
  placements: Placement[];
  /**
   * Addresses not placed here, and why. A skip with `error: true` is a problem to log and event even
   * when the same address also has a fallback placement (the ambiguous default route: the address
   * goes on the dummy AND an 'ambiguous-default-route' error is reported).
   */
  skips: PlacementSkip[];
  /** The local-interface election per family (absent: no address of that family needs it). */
  elections: { 4?: LocalInterfaceElection; 6?: LocalInterfaceElection };
  dummyInterface: string;
  /** The LBNodeAgent that applies to this node ("namespace/name"), if any. */
  agent: string | undefined;
  /**
   * What must be left exactly as it is: governed by configuration that is invalid with no valid version
   * to go by (see DesiredInput.frozen). `node`: everything on this node; `ips`: those addresses. The
   * planner neither adds nor removes them. Absent: nothing is frozen.
   */
  keep?: { node: boolean; ips: string[] };
}

/** The virtual interface PureLB created carries this alias (`ip link show` prints it), so it is known as ours. */
export const PURELB_VIRTUAL_ALIAS = 'purelb virtual interface';

export type { Address, AddressFlag, Link, NextHop, Route, RouteMetrics } from './net/objects.ts';
