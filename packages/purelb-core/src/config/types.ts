// Parsed, validated configuration: what the ServiceGroup and LBNodeAgent parsers return when the
// objects are valid. Every field is resolved (defaults applied), so rules never re-check input.
import type { Cidr } from '../net/cidr.ts';
import type { Family } from '../net/ip.ts';

/** One problem in an object, naming the field path (e.g. spec.local.v4pools[1].subnet) and the value. */
export interface ValidationIssue {
  path: string;
  value: unknown;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };

export interface AddressPool {
  family: Family;
  /** As written: a CIDR or a range "a-b". */
  pool: string;
  /** Inclusive bounds of the pool (a CIDR pool includes its network and broadcast addresses). */
  first: bigint;
  last: bigint;
  /** The subnet the pool belongs to; contains the whole pool. */
  subnet: Cidr;
  /** Prefix length of a virtual placement: the subnet's for `default`/empty, N for `/N`. */
  aggregation: number;
  /** As written ("default", "", "/32"). */
  aggregationText: string;
  /** Where it was written (e.g. spec.local.v4pools[1]), for messages naming it; set by the parser. */
  path?: string;
}

export interface ServiceGroupConfig {
  name: string;
  namespace: string;
  /** local: addresses on the node's own subnet (elected winner); remote: on the dummy interface. */
  type: 'local' | 'remote';
  /** v4pool, v4pools[], v6pool, v6pools[] in that order. */
  pools: AddressPool[];
  balancePools: boolean;
  multiPool: boolean;
  /** local only: add IPv6 addresses with nodad. */
  skipIPv6DAD: boolean;
  namespaces: string[];
  enforceNamespaces: boolean;
  namespaceDefault: boolean;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

export interface LifetimeConfig {
  /** Seconds; Infinity = forever. */
  validLifetime: number;
  preferredLifetime: number;
  noPrefixRoute: boolean;
}

export interface GarpConfig {
  enabled: boolean;
  initialDelayMs: number;
  count: number;
  intervalMs: number;
  verifyBeforeSend: boolean;
}

export interface LocalAgentConfig {
  /** 'default': the default-route interface; otherwise an unanchored regex over interface names. */
  localInterface: 'default' | { pattern: string; regex: RegExp };
  dummyInterface: string;
  /** Extra exact interface names, tried in order after localInterface. */
  interfaces: string[];
  /** GARP / unsolicited NA on takeover; undefined = none (as upstream, only when configured). */
  garp: GarpConfig | undefined;
  addressConfig: { localInterface: LifetimeConfig; dummyInterface: LifetimeConfig };
  /** Cordoned nodes stand aside from local elections (default true; election/node-standing.ts). */
  avoidCordonedNodes: boolean;
}

export interface LBNodeAgentConfig {
  name: string;
  namespace: string;
  /** undefined or empty: every node. */
  nodeSelector: LabelSelector | undefined;
  local: LocalAgentConfig | undefined;
}
