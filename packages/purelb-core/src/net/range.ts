// Address ranges: a pool is written as a CIDR or as "first-last"; both become inclusive bounds so
// sizes, overlaps and containment are simple bigint comparisons.
import { cidrBounds, formatCidr, parseCidr } from './cidr.ts';
import { type Family, formatIP, type IP, parseIP } from './ip.ts';

export interface IPRange {
  family: Family;
  /** Inclusive bounds. */
  first: bigint;
  last: bigint;
}

/**
 * Parses a pool: "a.b.c.d/n", "x::/n" (host bits must be zero) or "first-last" (same family,
 * first <= last). Returns an error message instead of throwing.
 */
export function parseRange(text: string): IPRange | string {
  if (typeof text !== 'string') return `${JSON.stringify(text)} is not a string`;
  const dash = text.indexOf('-');
  if (dash < 0) {
    const cidr = parseCidr(text, true);
    if (typeof cidr === 'string') return cidr;
    return { family: cidr.family, ...cidrBounds(cidr) };
  }
  const firstText = text.slice(0, dash).trim();
  const lastText = text.slice(dash + 1).trim();
  const first = parseIP(firstText);
  const last = parseIP(lastText);
  if (first === undefined) return `"${text}" is not a range: "${firstText}" is not an IP address`;
  if (last === undefined) return `"${text}" is not a range: "${lastText}" is not an IP address`;
  if (first.family !== last.family) return `"${text}" is not a range: the two ends are of different families`;
  if (first.value > last.value) return `"${text}" is not a range: the first address is above the last`;
  return { family: first.family, first: first.value, last: last.value };
}

/** Canonical "first-last" text (a single address is "a-a"). */
export const formatRange = (r: IPRange): string =>
  `${formatIP({ family: r.family, value: r.first })}-${formatIP({ family: r.family, value: r.last })}`;

/** The range as a CIDR when it is exactly one, else undefined. */
export function rangeAsCidr(r: IPRange): string | undefined {
  const size = rangeSize(r);
  if ((size & (size - 1n)) !== 0n || (r.first & (size - 1n)) !== 0n) return undefined;
  const bits = r.family === 4 ? 32 : 128;
  const prefixLength = bits - (size.toString(2).length - 1);
  return formatCidr({ family: r.family, network: r.first, prefixLength });
}

/** Number of addresses in the range (a bigint: an IPv6 /64 holds 2^64). */
export const rangeSize = (r: IPRange): bigint => r.last - r.first + 1n;

export const rangesOverlap = (a: IPRange, b: IPRange): boolean =>
  a.family === b.family && a.first <= b.last && b.first <= a.last;

/** Whether `inner` lies wholly inside `outer`. */
export const rangeContainsRange = (outer: IPRange, inner: IPRange): boolean =>
  outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;

export const rangeContainsIP = (r: IPRange, ip: IP): boolean =>
  r.family === ip.family && r.first <= ip.value && ip.value <= r.last;
