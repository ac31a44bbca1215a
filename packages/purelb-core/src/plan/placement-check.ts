// Placements come from desiredState, but the planner is a public function: a malformed one is named
// (field path and value) instead of turning into a kernel error half-way through a plan.
import type { DesiredState, Placement } from '../model.ts';
import { IFA_F } from '../net/address-flags.ts';
import { familyBits, ipFamilyOf } from '../net/ip.ts';

export interface PlacementIssue {
  /** Index in desired.placements. */
  index: number;
  /** e.g. "desired.placements[2].prefixLength" */
  path: string;
  value: unknown;
  message: string;
}

const atOf = (index: number): string => `desired.placements[${index}]`;

/** The flags field's problems (each flag a known word); none when it is a list of flag words. */
function flagIssues(flags: unknown, index: number, out: PlacementIssue[]): void {
  if (!Array.isArray(flags)) {
    out.push({
      index,
      path: `${atOf(index)}.flags`,
      value: flags,
      message: 'must be a list of address flags',
    });
    return;
  }
  for (let j = 0; j < flags.length; j++) {
    const f: unknown = flags[j];
    if (typeof f === 'string' && Object.hasOwn(IFA_F, f)) continue;
    out.push({
      index,
      path: `${atOf(index)}.flags[${j}]`,
      value: f,
      message: `is not an address flag (${Object.keys(IFA_F).join(', ')})`,
    });
  }
}

const validLifetime = (v: unknown): boolean => typeof v === 'number' && !Number.isNaN(v) && v >= 0;

const LIFETIME_MESSAGE = 'must be a number of seconds >= 0 or Infinity';
function lifetimeIssue(
  p: Placement,
  key: 'validLifetime' | 'preferredLifetime',
  index: number,
  out: PlacementIssue[],
): void {
  if (!validLifetime(p[key])) {
    out.push({ index, path: `${atOf(index)}.${key}`, value: p[key], message: LIFETIME_MESSAGE });
  }
}

/** The problems of the fields that name the address: ip, family, prefix length, link, broadcast. */
function addressIssues(p: Placement, index: number, out: PlacementIssue[]): void {
  const family = typeof p.ip === 'string' ? ipFamilyOf(p.ip) : undefined;
  if (family === undefined) {
    out.push({ index, path: `${atOf(index)}.ip`, value: p.ip, message: 'is not an IP address' });
  } else if (family !== p.family) {
    const message = `does not match the address ${p.ip}`;
    out.push({ index, path: `${atOf(index)}.family`, value: p.family, message });
  }
  const bits = familyBits(p.family === 6 ? 6 : 4);
  if (!Number.isInteger(p.prefixLength) || p.prefixLength < 0 || p.prefixLength > bits) {
    const message = `must be an integer 0..${bits}`;
    out.push({ index, path: `${atOf(index)}.prefixLength`, value: p.prefixLength, message });
  }
  if (typeof p.link !== 'string' || p.link === '' || p.link.length > 15) {
    const message = 'must be an interface name of 1 to 15 characters';
    out.push({ index, path: `${atOf(index)}.link`, value: p.link, message });
  }
  if (p.broadcast !== undefined && (typeof p.broadcast !== 'string' || ipFamilyOf(p.broadcast) !== 4)) {
    const message = 'must be an IPv4 address or undefined';
    out.push({ index, path: `${atOf(index)}.broadcast`, value: p.broadcast, message });
  }
}

/**
 * The problems of one placement, appended to `out`. Every plan checks every placement, so a valid one
 * allocates nothing: field paths are written only for a problem found.
 */
function placementIssues(p: Placement, index: number, out: PlacementIssue[]): void {
  addressIssues(p, index, out);
  flagIssues(p.flags, index, out);
  lifetimeIssue(p, 'validLifetime', index, out);
  lifetimeIssue(p, 'preferredLifetime', index, out);
}

/** Every problem in the desired state's placements, each naming its field path and value. */
export function checkPlacements(desired: DesiredState): PlacementIssue[] {
  const out: PlacementIssue[] = [];
  const placements = desired.placements;
  for (let i = 0; i < placements.length; i++) placementIssues(placements[i] as Placement, i, out);
  return out;
}

/** Strings quoted, numbers as written (NaN, Infinity), anything else as JSON. */
const valueText = (v: unknown): string =>
  typeof v === 'number' || v === undefined ? String(v) : (JSON.stringify(v) ?? String(v));

export const formatIssue = (i: PlacementIssue): string => `${i.path}: ${valueText(i.value)} ${i.message}`;
