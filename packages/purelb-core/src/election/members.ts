// Election membership from the per-node Leases (PureLB v0.15+): which nodes are alive and which
// subnets each can place local addresses in. The clock is an input, so every caller (and test) decides
// what "now" is.

import { ANNOTATION_SUBNETS } from '../annotations.ts';
import type { Lease } from '../kube.ts';
import { type Cidr, parseCidr } from '../net/cidr.ts';
import { parseMicroTime } from './micro-time.ts';

export const NODE_LEASE_PREFIX = 'purelb-node-';

export interface Member {
  node: string;
  /** The subnets the node advertises (purelb.io/subnets). */
  subnets: Cidr[];
  /** Milliseconds since the epoch: renewTime + leaseDurationSeconds; live while now < expiresAt. */
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

type Verdict = { member: Member } | { reason: string };

function judge(lease: Lease, now: number, malformed: Membership['malformed']): Verdict {
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
  const duration = lease.spec?.leaseDurationSeconds;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) {
    return { reason: `spec.leaseDurationSeconds ${JSON.stringify(duration)} is not a positive number` };
  }
  const renewText = lease.spec?.renewTime;
  if (typeof renewText !== 'string') return { reason: 'spec.renewTime is missing' };
  const renewed = parseMicroTime(renewText);
  if (typeof renewed === 'string') return { reason: `spec.renewTime: ${renewed}` };
  const expiresAt = renewed + duration * 1000;
  if (!(now < expiresAt)) {
    return {
      reason: `expired at ${new Date(expiresAt).toISOString()} (renewTime ${renewText} + ${duration}s)`,
    };
  }
  const subnets: Cidr[] = [];
  for (const raw of (lease.metadata.annotations?.[ANNOTATION_SUBNETS] ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const cidr = parseCidr(entry);
    if (typeof cidr === 'string') {
      malformed.push({
        lease: name,
        entry,
        reason: `metadata.annotations["${ANNOTATION_SUBNETS}"]: ${cidr}; entry skipped`,
      });
    } else {
      subnets.push(cidr);
    }
  }
  return { member: { node, subnets, expiresAt } };
}

/**
 * The live members among `leases` at `now` (milliseconds since the epoch). A lease counts when it is
 * named purelb-node-<node>, held by <node>, and now < renewTime + leaseDurationSeconds. Should two
 * leases claim one node (leases from several namespaces), the one expiring last counts.
 */
export function liveMembers(leases: readonly Lease[], now: number): Membership {
  const byNode = new Map<string, Member>();
  const ignored: Membership['ignored'] = [];
  const malformed: Membership['malformed'] = [];
  for (const lease of leases) {
    const verdict = judge(lease, now, malformed);
    if ('reason' in verdict) {
      ignored.push({ lease: lease.metadata.name, reason: verdict.reason });
      continue;
    }
    const prev = byNode.get(verdict.member.node);
    if (prev === undefined || verdict.member.expiresAt > prev.expiresAt)
      byNode.set(verdict.member.node, verdict.member);
  }
  const members = [...byNode.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return { members, ignored, malformed };
}
