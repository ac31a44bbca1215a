// The local addresses a plan claims for the first time (added, not refreshed or moved within ours,
// and not taken over from another PureLB node: core's takeovers), grouped by interface: each is
// probed on its segment before the add goes out.
import type { NodeNetwork, Placement, PlanOp } from '@purelb-ts/core';

export interface Claims {
  link: string;
  /** Canonical IPs. */
  ips: string[];
}

/** Probes claims; resolves with what answered, by IP (an IP absent from the map: nobody answered). */
export type ClaimProbe = (claims: readonly Claims[], network: NodeNetwork) => Promise<Map<string, string>>;

/** The local placements among `placements`, by interface. */
export function localClaims(placements: readonly Placement[]): Claims[] {
  const byLink = new Map<string, string[]>();
  for (const p of placements) {
    if (p.kind !== 'local') continue;
    const list = byLink.get(p.link) ?? [];
    list.push(p.ip);
    byLink.set(p.link, list);
  }
  return [...byLink].map(([link, ips]) => ({ link, ips }));
}

/** The local placements the plan adds. */
export const addedPlacements = (plan: readonly PlanOp[]): Placement[] =>
  plan.flatMap((op) => (op.op === 'add-address' && op.placement.kind === 'local' ? [op.placement] : []));

/** The local addresses the plan adds, less those taken over (`takenOver`, by IP): first claims. */
export const firstClaims = (plan: readonly PlanOp[], takenOver: ReadonlyMap<string, string>): Claims[] =>
  localClaims(addedPlacements(plan).filter((p) => !takenOver.has(p.ip)));
