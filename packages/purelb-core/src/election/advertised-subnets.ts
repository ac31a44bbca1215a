// The subnets this node puts in its lease annotation purelb.io/subnets: the allocator's multiPool and
// every agent's election match against them, so they must be exactly the subnets a local address could
// be placed in on this node.
import type { LocalAgentConfig } from '../config/types.ts';
import type { NodeNetwork } from '../model.ts';
import { formatCidr } from '../net/cidr.ts';
import { localCandidates } from './local-candidates.ts';

/**
 * Canonical "network/prefix" strings of both families' candidate interfaces (loopback and the dummy are
 * never candidates), deduplicated and sorted as plain strings (as upstream's Go sort does, so the
 * annotation reads the same from either implementation). Without config (`local` undefined) the
 * candidates are the default-route interfaces; a family whose default route is ambiguous or missing
 * contributes only its `interfaces[]`.
 */
export function advertisedSubnets(network: NodeNetwork, local: LocalAgentConfig | undefined): string[] {
  const subnets = new Set<string>();
  for (const family of [4, 6] as const) {
    for (const c of localCandidates(family, network, local).candidates) {
      for (const s of c.subnets) subnets.add(formatCidr(s.cidr));
    }
  }
  return [...subnets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The interfaces a node's purelb.io/carrier-down names: those the same rules would make local
 * candidates (either family: the elected default-route interface, or the localInterface regex's
 * matches, plus interfaces[]) but for their carrier, lost or back too recently to trust (the
 * `carrierless` of localCandidates, so the list names exactly the interfaces a 'no-carrier' skip
 * names). Only these: an interface no rule would choose takes no local address whatever its carrier,
 * so its carrier says nothing about this node's elections. Sorted as plain strings, each once.
 */
export function carrierDownInterfaces(network: NodeNetwork, local: LocalAgentConfig | undefined): string[] {
  const names = new Set<string>();
  for (const family of [4, 6] as const) {
    for (const name of localCandidates(family, network, local).carrierless) names.add(name);
  }
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
