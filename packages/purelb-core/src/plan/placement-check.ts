// Placements come from desiredState, but the planner is a public function: a malformed one is named
// (field path and value) instead of turning into a kernel error half-way through a plan.
import type { DesiredState, Placement } from '../model.ts';
import { IFA_F } from '../net/address-flags.ts';
import { familyBits, parseIP } from '../net/ip.ts';

export interface PlacementIssue {
  /** Index in desired.placements. */
  index: number;
  /** e.g. "desired.placements[2].prefixLength" */
  path: string;
  value: unknown;
  message: string;
}

function placementIssues(p: Placement, index: number): PlacementIssue[] {
  const at = `desired.placements[${index}]`;
  const issues: Omit<PlacementIssue, 'index'>[] = [];
  const ip = typeof p.ip === 'string' ? parseIP(p.ip) : undefined;
  if (ip === undefined) {
    issues.push({ path: `${at}.ip`, value: p.ip, message: 'is not an IP address' });
  } else if (ip.family !== p.family) {
    issues.push({ path: `${at}.family`, value: p.family, message: `does not match the address ${p.ip}` });
  }
  const bits = familyBits(p.family === 6 ? 6 : 4);
  if (!Number.isInteger(p.prefixLength) || p.prefixLength < 0 || p.prefixLength > bits) {
    issues.push({
      path: `${at}.prefixLength`,
      value: p.prefixLength,
      message: `must be an integer 0..${bits}`,
    });
  }
  if (typeof p.link !== 'string' || p.link === '' || p.link.length > 15) {
    issues.push({
      path: `${at}.link`,
      value: p.link,
      message: 'must be an interface name of 1 to 15 characters',
    });
  }
  if (p.broadcast !== undefined && parseIP(p.broadcast)?.family !== 4) {
    issues.push({
      path: `${at}.broadcast`,
      value: p.broadcast,
      message: 'must be an IPv4 address or undefined',
    });
  }
  const flags: unknown = p.flags;
  if (!Array.isArray(flags)) {
    issues.push({ path: `${at}.flags`, value: flags, message: 'must be a list of address flags' });
  } else {
    flags.forEach((f: unknown, j) => {
      if (typeof f !== 'string' || !Object.hasOwn(IFA_F, f)) {
        issues.push({
          path: `${at}.flags[${j}]`,
          value: f,
          message: `is not an address flag (${Object.keys(IFA_F).join(', ')})`,
        });
      }
    });
  }
  for (const [key, v] of [
    ['validLifetime', p.validLifetime],
    ['preferredLifetime', p.preferredLifetime],
  ] as const) {
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0) {
      issues.push({
        path: `${at}.${key}`,
        value: v,
        message: 'must be a number of seconds >= 0 or Infinity',
      });
    }
  }
  return issues.map((i) => ({ index, ...i }));
}

/** Every problem in the desired state's placements, each naming its field path and value. */
export function checkPlacements(desired: DesiredState): PlacementIssue[] {
  return desired.placements.flatMap((p, i) => placementIssues(p, i));
}

/** Strings quoted, numbers as written (NaN, Infinity), anything else as JSON. */
const valueText = (v: unknown): string =>
  typeof v === 'number' || v === undefined ? String(v) : (JSON.stringify(v) ?? String(v));

export const formatIssue = (i: PlacementIssue): string => `${i.path}: ${valueText(i.value)} ${i.message}`;
