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
 * What differs between the placement and an address at the same link, IP and prefix length. With `out`,
 * each difference is appended in iproute2 words; without, the walk stops at the first one and builds
 * no text. True when something differs: one walk for both questions, so words and verdict agree.
 */
function walkDifferences(p: Placement, held: Address, out: string[] | undefined): boolean {
  let differ = false;
  if (p.family === 4) {
    const wanted = p.broadcast === undefined ? undefined : canonicalIP(p.broadcast);
    const have = held.broadcast === undefined ? undefined : canonicalIP(held.broadcast);
    if (wanted !== have) {
      if (out === undefined) return true;
      out.push(`brd ${wanted ?? 'none'} instead of ${have ?? 'none'}`);
      differ = true;
    }
  }
  const wantedFlags = flagBits(p.flags) & SETTABLE_FLAGS;
  const heldFlags = held.flags & SETTABLE_FLAGS;
  if (wantedFlags !== heldFlags) {
    if (out === undefined) return true;
    for (const f of flagNames(wantedFlags & ~heldFlags)) out.push(`${f} missing`);
    for (const f of flagNames(heldFlags & ~wantedFlags)) out.push(`${f} unwanted`);
    differ = true;
  }
  if (lifetimeDiffers(p.validLifetime, held.validLifetime)) {
    if (out === undefined) return true;
    out.push(`valid_lft ${lifetimeText(held.validLifetime)} instead of ${lifetimeText(p.validLifetime)}`);
    differ = true;
  }
  if (lifetimeDiffers(p.preferredLifetime, held.preferredLifetime)) {
    if (out === undefined) return true;
    out.push(
      `preferred_lft ${lifetimeText(held.preferredLifetime)} instead of ${lifetimeText(p.preferredLifetime)}`,
    );
    differ = true;
  }
  return differ;
}

/**
 * What differs between the placement and an address at the same link, IP and prefix length, in iproute2
 * words ("brd 172.31.2.255 instead of none", "noprefixroute missing"); empty when nothing does.
 */
export function attributeDifferences(p: Placement, held: Address): string[] {
  const out: string[] = [];
  walkDifferences(p, held, out);
  return out;
}

/** Whether anything differs (attributeDifferences is not empty), building no words: the planner asks it of every held address. */
export const attributesDiffer = (p: Placement, held: Address): boolean => walkDifferences(p, held, undefined);

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
  !attributesDiffer(
    { ...p, validLifetime: held.validLifetime, preferredLifetime: held.preferredLifetime },
    held,
  );
