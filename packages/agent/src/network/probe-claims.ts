// The local addresses a plan claims for the first time (added, not refreshed or moved within ours),
// grouped by interface: each is probed on its segment before the add goes out.
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

/** The local addresses the plan adds: first claims on this node. */
export const firstClaims = (plan: readonly PlanOp[]): Claims[] =>
  localClaims(plan.flatMap((op) => (op.op === 'add-address' ? [op.placement] : [])));
