// Does an address PureLB owns already hold what a placement asks for? Shared by the planner (replace
// or refresh) and the diagnosis (wrong-attributes).

import type { Placement } from '../model.ts';
import { flagBits, flagNames, SETTABLE_FLAGS } from '../net/address-flags.ts';
import { canonicalIP } from '../net/ip.ts';
import type { Address } from '../net/objects.ts';

const lifetimeText = (seconds: number): string => (Number.isFinite(seconds) ? `${seconds}sec` : 'forever');

/**
 * A lifetime disagrees when one side is forever and the other is not, or when the address has more time
 * left than the placement grants (the configuration shrank). Less time left is ageing, not a difference:
 * see needsRefresh.
 */
function lifetimeDiffers(wanted: number, held: number): boolean {
  if (Number.isFinite(wanted) !== Number.isFinite(held)) return true;
  return Number.isFinite(wanted) && held > wanted;
}

/**
 * What differs between the placement and an address at the same link, IP and prefix length, in iproute2
 * words ("brd 172.31.2.255 instead of none", "noprefixroute missing"); empty when nothing does.
 */
export function attributeDifferences(p: Placement, held: Address): string[] {
  const out: string[] = [];
  if (p.family === 4) {
    const wanted = p.broadcast === undefined ? undefined : canonicalIP(p.broadcast);
    const have = held.broadcast === undefined ? undefined : canonicalIP(held.broadcast);
    if (wanted !== have) out.push(`brd ${wanted ?? 'none'} instead of ${have ?? 'none'}`);
  }
  const wantedFlags = flagBits(p.flags) & SETTABLE_FLAGS;
  const heldFlags = held.flags & SETTABLE_FLAGS;
  for (const f of flagNames(wantedFlags & ~heldFlags)) out.push(`${f} missing`);
  for (const f of flagNames(heldFlags & ~wantedFlags)) out.push(`${f} unwanted`);
  if (lifetimeDiffers(p.validLifetime, held.validLifetime)) {
    out.push(`valid_lft ${lifetimeText(held.validLifetime)} instead of ${lifetimeText(p.validLifetime)}`);
  }
  if (lifetimeDiffers(p.preferredLifetime, held.preferredLifetime)) {
    out.push(
      `preferred_lft ${lifetimeText(held.preferredLifetime)} instead of ${lifetimeText(p.preferredLifetime)}`,
    );
  }
  return out;
}

/**
 * A finite-lifetime address is renewed once less than half its valid lifetime is left, so it never
 * expires between two reconciles that are closer together than half the lifetime.
 */
export const needsRefresh = (p: Placement, held: Address): boolean =>
  Number.isFinite(p.validLifetime) && held.validLifetime < p.validLifetime / 2;

/**
 * Whether nothing but the lifetimes differ: NLM_F_REPLACE rewrites those in place for both families
 * (IPv4 included, unlike its flags and broadcast), so the address never goes away for it. A node whose
 * Lease duration changed, or an upgrade to lease-tied lifetimes, then renews instead of re-adding.
 */
export const onlyLifetimesDiffer = (p: Placement, held: Address): boolean =>
  attributeDifferences(
    { ...p, validLifetime: held.validLifetime, preferredLifetime: held.preferredLifetime },
    held,
  ).length === 0;
