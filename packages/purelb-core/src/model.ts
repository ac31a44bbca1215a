// The results the core's rules produce, shared by election, placement, planning and diagnosis.
// Network state comes in as the netlink library's typed objects (type imports only).
import type { Address, AddressFlag, Link, Route } from '@purelb-ts/netlink-native';
import type { Family } from './net/ip.ts';

/** What the kernel shows on this node: the three dumps the rules read. */
export interface NodeNetwork {
  links: Link[];
  addresses: Address[];
  /** The main table of both families (other tables are ignored by the rules). */
  routes: Route[];
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
    | 'no-group'
    | 'invalid-config'
    | 'not-selected';
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

/** Proof that an address on this node was put there by PureLB. */
export interface Ownership {
  /** IFA_PROTO value placed on every address we add. */
  protocol: number;
  /** Our dummy interface: every address on it is ours. */
  dummyInterface: string;
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
}

export type { Address, Link, Route };
