// One ServiceGroup pool entry {pool, subnet, aggregation}: parsed into inclusive bounds, the subnet
// that must contain it, and the prefix length a virtual placement of its addresses takes.
import { type Cidr, cidrBounds, cidrOf, formatCidr, parseCidr } from '../net/cidr.ts';
import { type Family, familyBits } from '../net/ip.ts';
import { familyName } from '../net/iproute-text.ts';
import { type IPRange, parseRange } from '../net/range.ts';
import { checkKeys, describe, type Issues, isRecord, issue } from './fields.ts';
import type { AddressPool } from './types.ts';

const POOL_KEYS = ['pool', 'subnet', 'aggregation'] as const;

/**
 * The prefix length `aggregation` asks for: the subnet's for "default"/empty, N for "/N". The
 * slash is required ("24" is a typo upstream's announcer fails on later, so we refuse it now).
 */
export function parseAggregation(text: string, family: Family, subnetPrefix: number): number | string {
  if (text === '' || text === 'default') return subnetPrefix;
  const max = familyBits(family);
  const m = /^\/(\d{1,3})$/.exec(text);
  if (m === null) {
    const hint = /^\d+$/.test(text) ? ` (did you mean "/${text}"?)` : '';
    return `aggregation must be "default", empty or "/N", got ${describe(text)}${hint}`;
  }
  const n = Number(m[1]);
  if (n < 1 || n > max)
    return `aggregation ${describe(text)} is outside /1../${max} for ${familyName(family)}`;
  return n;
}

/**
 * An aggregation wider than the subnet would have every node's virtual interface carry a route to
 * addresses the group does not own (aggregation "/1" routes 128.0.0.0/1 there).
 */
function widerThanSubnet(range: IPRange, subnet: Cidr, aggregation: number): string | undefined {
  if (aggregation >= subnet.prefixLength) return undefined;
  const example = formatCidr(cidrOf({ family: range.family, value: range.first }, aggregation));
  const max = familyBits(range.family);
  return `aggregation "/${aggregation}" is wider than the subnet ${formatCidr(subnet)}: the virtual interface would carry a route to ${example}, addresses this group does not hold; use /${subnet.prefixLength} to /${max}`;
}

/** Parses the pool entry at `path` that must hold addresses of `family`; undefined when invalid. */
export function parsePool(
  issues: Issues,
  path: string,
  entry: unknown,
  family: Family,
): AddressPool | undefined {
  if (!isRecord(entry)) {
    issue(issues, path, entry, `${path} must be an object with pool and subnet, got ${describe(entry)}`);
    return undefined;
  }
  const before = issues.length;
  checkKeys(issues, path, entry, POOL_KEYS);
  const want = familyName(family);

  let range: IPRange | undefined;
  if (typeof entry.pool !== 'string' || entry.pool === '') {
    issue(issues, `${path}.pool`, entry.pool, `${path}.pool is required: a CIDR or a range "a-b"`);
  } else {
    const parsed = parseRange(entry.pool);
    if (typeof parsed === 'string') issue(issues, `${path}.pool`, entry.pool, parsed);
    else if (parsed.family !== family) {
      issue(issues, `${path}.pool`, entry.pool, `${path}.pool must hold ${want} addresses`);
    } else range = parsed;
  }

  let subnet: Cidr | undefined;
  if (typeof entry.subnet !== 'string' || entry.subnet === '') {
    issue(
      issues,
      `${path}.subnet`,
      entry.subnet,
      `${path}.subnet is required: the CIDR that contains the pool`,
    );
  } else {
    const parsed = parseCidr(entry.subnet, true);
    if (typeof parsed === 'string') issue(issues, `${path}.subnet`, entry.subnet, parsed);
    else if (parsed.family !== family) {
      issue(issues, `${path}.subnet`, entry.subnet, `${path}.subnet must be an ${want} CIDR`);
    } else subnet = parsed;
  }

  if (range !== undefined && subnet !== undefined) {
    const b = cidrBounds(subnet);
    if (range.first < b.first || range.last > b.last) {
      issue(
        issues,
        `${path}.subnet`,
        entry.subnet,
        `subnet ${entry.subnet} does not contain pool ${entry.pool}`,
      );
    }
  }

  let aggregationText = '';
  let aggregation: number | undefined;
  if (
    entry.aggregation !== undefined &&
    entry.aggregation !== null &&
    typeof entry.aggregation !== 'string'
  ) {
    issue(
      issues,
      `${path}.aggregation`,
      entry.aggregation,
      `${path}.aggregation must be a string like "/32"`,
    );
  } else {
    aggregationText = typeof entry.aggregation === 'string' ? entry.aggregation : '';
    const parsed = parseAggregation(aggregationText, family, subnet === undefined ? 0 : subnet.prefixLength);
    if (typeof parsed === 'string') issue(issues, `${path}.aggregation`, entry.aggregation, parsed);
    else aggregation = parsed;
  }

  if (range !== undefined && subnet !== undefined && aggregation !== undefined) {
    const wide = widerThanSubnet(range, subnet, aggregation);
    if (wide !== undefined) issue(issues, `${path}.aggregation`, entry.aggregation, wide);
  }

  if (issues.length !== before || range === undefined || subnet === undefined || aggregation === undefined) {
    return undefined;
  }
  return {
    family,
    pool: entry.pool as string,
    first: range.first,
    last: range.last,
    subnet,
    aggregation,
    aggregationText,
    path,
  };
}
