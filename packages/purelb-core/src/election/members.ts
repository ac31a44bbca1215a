// Election membership from the per-node Leases (PureLB v0.15+): which nodes are alive and which
// subnets each can place local addresses in. The clock is an input, so every caller (and test) decides
// what "now" is; the agent passes its LeaseObserver's expiries on its contact clock, so a Lease lives
// by what this agent observed, not by the time its writer wrote (lease-observer.ts).

import { ANNOTATION_SUBNETS } from '../annotations.ts';
import type { KubeNode, Lease } from '../kube.ts';
import { type Cidr, parseCidr } from '../net/cidr.ts';
import { writtenExpiry } from './lease-observer.ts';
import { parseMicroTime } from './micro-time.ts';

export const NODE_LEASE_PREFIX = 'purelb-node-';

/** Narrowest prefix a node's segment may claim: wider than this is not a subnet a node holds. */
export const WIDEST_NODE_SUBNET = { 4: 8, 6: 16 } as const;

export interface Member {
  node: string;
  /** The subnets the node advertises (purelb.io/subnets). */
  subnets: Cidr[];
  /** On the caller's clock: live while now < expiresAt. */
  expiresAt: number;
}

export interface Membership {
  /** Live members, sorted by node name. */
  members: Member[];
  /** Leases that make no member, and why (not ours, holder mismatch, bad fields, expired). */
  ignored: { lease: string; reason: string }[];
  /** Entries of purelb.io/subnets that are not CIDRs; the lease still counts without them. */
  malformed: { lease: string; entry: string; reason: string }[];
}

export interface MembershipClock {
  /** Now, on the clock the expiries are on (ms). */
  now: number;
  /** When `lease` lapses on that clock; default: as written (writtenExpiry, `now` is then epoch ms). */
  expiresAt?: (lease: Lease) => number | undefined;
  /** Existing Nodes, name → uid: a Lease for a Node not here makes no member. Absent: not checked. */
  nodes?: ReadonlyMap<string, string | undefined>;
  /**
   * This node's own standing, from its own renewals (the truth about itself, whatever its Lease
   * cache says): live → a member with these subnets until `expiresAt`; not live → no member.
   */
  self?: { node: string; live: boolean; subnets: readonly Cidr[]; expiresAt: number };
  /** Live nodes that stand aside from local elections (node-standing.ts), name → why: no member. */
  standAside?: ReadonlyMap<string, string>;
}

/** The Nodes that exist, name → uid, as MembershipClock.nodes takes them. */
export const nodeIdentities = (nodes: readonly KubeNode[]): Map<string, string | undefined> =>
  new Map(nodes.map((n) => [n.metadata.name, n.metadata.uid]));

type Verdict = { member: Member } | { reason: string };

function identity(lease: Lease, clock: MembershipClock): { node: string } | { reason: string } {
  const name = lease.metadata.name;
  if (!name.startsWith(NODE_LEASE_PREFIX) || name.length === NODE_LEASE_PREFIX.length) {
    return { reason: `not a PureLB node lease (name is not ${NODE_LEASE_PREFIX}<node>)` };
  }
  const node = name.slice(NODE_LEASE_PREFIX.length);
  const holder = lease.spec?.holderIdentity;
  if (holder !== node) {
    return {
      reason: `spec.holderIdentity ${JSON.stringify(holder)} is not the node "${node}" the name claims`,
    };
  }
  if (clock.nodes === undefined) return { node };
  if (!clock.nodes.has(node)) return { reason: `no Node named "${node}" exists` };
  const uid = clock.nodes.get(node);
  const owner = lease.metadata.ownerReferences?.find((o) => o.kind === 'Node' && o.name === node);
  if (owner !== undefined && uid !== undefined && owner.uid !== uid) {
    return { reason: `owned by Node "${node}" uid ${owner.uid}, not the Node now by that name (${uid})` };
  }
  return { node };
}

function subnetsOf(lease: Lease, malformed: Membership['malformed']): Cidr[] {
  const subnets: Cidr[] = [];
  const name = lease.metadata.name;
  for (const raw of (lease.metadata.annotations?.[ANNOTATION_SUBNETS] ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const cidr = parseCidr(entry);
    const field = `metadata.annotations["${ANNOTATION_SUBNETS}"]`;
    if (typeof cidr === 'string') {
      malformed.push({ lease: name, entry, reason: `${field}: ${cidr}; entry skipped` });
    } else if (cidr.prefixLength < WIDEST_NODE_SUBNET[cidr.family]) {
      const widest = WIDEST_NODE_SUBNET[cidr.family];
      const reason = `${field}: ${entry} is wider than a node's segment can be (/${widest} at most); entry skipped`;
      malformed.push({ lease: name, entry, reason });
    } else {
      subnets.push(cidr);
    }
  }
  return subnets;
}

function expiry(lease: Lease, clock: MembershipClock, duration: number): number | { reason: string } {
  const renewText = lease.spec?.renewTime;
  if (typeof renewText !== 'string') return { reason: 'spec.renewTime is missing' };
  const renewed = parseMicroTime(renewText);
  if (typeof renewed === 'string') return { reason: `spec.renewTime: ${renewed}` };
  if (clock.expiresAt === undefined) {
    const at = writtenExpiry(lease, clock.now) as number;
    if (clock.now < at) return at;
    return { reason: `expired at ${new Date(at).toISOString()} (renewTime ${renewText} + ${duration}s)` };
  }
  const at = clock.expiresAt(lease);
  if (at !== undefined && clock.now < at) return at;
  return { reason: `expired: no renewal observed within its ${duration}s (renewTime ${renewText})` };
}

function judge(lease: Lease, clock: MembershipClock, malformed: Membership['malformed']): Verdict {
  const who = identity(lease, clock);
  if ('reason' in who) return who;
  const duration = lease.spec?.leaseDurationSeconds;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) {
    return { reason: `spec.leaseDurationSeconds ${JSON.stringify(duration)} is not a positive number` };
  }
  const expiresAt = expiry(lease, clock, duration);
  if (typeof expiresAt !== 'number') return expiresAt;
  return { member: { node: who.node, subnets: subnetsOf(lease, malformed), expiresAt } };
}

/**
 * The live members among `leases`. A lease counts when it is named purelb-node-<node>, held by
 * <node>, (with `clock.nodes`) a Node of that name exists, and it has not lapsed on `clock` (a bare
 * number: epoch ms, judged by the written renewTime, a future one counting as now). This node's own
 * standing comes from `clock.self` when given. Should two leases claim one node (leases from several
 * namespaces), the one expiring last counts.
 */
export function liveMembers(leases: readonly Lease[], clock: number | MembershipClock): Membership {
  const c: MembershipClock = typeof clock === 'number' ? { now: clock } : clock;
  const byNode = new Map<string, Member>();
  const ignored: Membership['ignored'] = [];
  const malformed: Membership['malformed'] = [];
  for (const lease of leases) {
    const verdict = judge(lease, c, malformed);
    if ('reason' in verdict) {
      ignored.push({ lease: lease.metadata.name, reason: verdict.reason });
      continue;
    }
    const prev = byNode.get(verdict.member.node);
    if (prev === undefined || verdict.member.expiresAt > prev.expiresAt)
      byNode.set(verdict.member.node, verdict.member);
  }
  if (c.self !== undefined) {
    const { node, live, subnets, expiresAt } = c.self;
    if (live) byNode.set(node, { node, subnets: [...subnets], expiresAt });
    else byNode.delete(node);
  }
  for (const [node, why] of c.standAside ?? []) {
    if (byNode.delete(node))
      ignored.push({ lease: `${NODE_LEASE_PREFIX}${node}`, reason: `node stands aside: ${why}` });
  }
  const members = [...byNode.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return { members, ignored, malformed };
}
