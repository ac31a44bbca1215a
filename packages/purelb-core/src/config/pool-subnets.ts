// Where every address PureLB could decide on lies: the subnets of all pools in force. An address
// outside all of them is never a Service IP here (desiredState skips it as 'no-group'), so another
// program's host-length address there changes no decision: the agent's network watch lets the kernel
// drop such notifications (a kube-proxy in IPVS mode adds and deletes one /32 per ClusterIP).
import { type Cidr, cidrContains, formatCidr } from '../net/cidr.ts';
import type { ServiceGroupConfig } from './types.ts';

const contains = (outer: Cidr, inner: Cidr): boolean =>
  outer.prefixLength <= inner.prefixLength &&
  cidrContains(outer, { family: inner.family, value: inner.network });

/**
 * The subnets of every pool of `groups`, canonical ("10.0.0.0/8"), each once, a subnet inside another
 * left out (the wider one already holds its addresses); IPv4 before IPv6, then by network and length.
 */
export function poolSubnets(groups: readonly ServiceGroupConfig[]): string[] {
  const all = groups.flatMap((g) => g.pools.map((p) => p.subnet));
  // Widest first, so a subnet is checked only against those that could hold it.
  all.sort((a, b) => a.prefixLength - b.prefixLength);
  const kept: Cidr[] = [];
  for (const s of all) if (!kept.some((k) => contains(k, s))) kept.push(s);
  kept.sort((a, b) =>
    a.family !== b.family
      ? a.family - b.family
      : a.network !== b.network
        ? a.network < b.network
          ? -1
          : 1
        : a.prefixLength - b.prefixLength,
  );
  return kept.map(formatCidr);
}
