// Addresses of a subnet that no host may claim: an IPv4 subnet's network and broadcast addresses (for
// /30 and wider; a /31 has neither, RFC 3021), and an IPv6 subnet's Subnet-Router anycast address, its
// first (RFC 4291 2.6.1; for /126 and wider, as /127 point-to-point links have none, RFC 6164).
import { type Cidr, cidrBounds, cidrContains, formatCidr } from './cidr.ts';
import type { IP } from './ip.ts';

/** Subnets of these prefixes or shorter have reserved addresses. */
const LONGEST_WITH_RESERVED = { 4: 30, 6: 126 } as const;

/**
 * The reserved addresses of a subnet, each with what it is: the one rule, used by the allocator (which
 * never hands them out) and by the node (which never claims them).
 */
export function subnetReserved(subnet: Cidr): { value: bigint; what: string }[] {
  if (subnet.prefixLength > LONGEST_WITH_RESERVED[subnet.family]) return [];
  const { first, last } = cidrBounds(subnet);
  if (subnet.family === 6) return [{ value: first, what: 'the subnet-router anycast address' }];
  return [
    { value: first, what: 'the network address' },
    { value: last, what: 'the broadcast address' },
  ];
}

/** Why `ip` is reserved in `subnet`, or undefined when a host may hold it (or it lies outside). */
export function reservedInSubnet(ip: IP, subnet: Cidr): string | undefined {
  if (!cidrContains(subnet, ip)) return undefined;
  const hit = subnetReserved(subnet).find((r) => r.value === ip.value);
  return hit === undefined ? undefined : `${hit.what} of ${formatCidr(subnet)}`;
}

/** The first subnet that reserves `ip`, and why. */
export function reservedIn(ip: IP, subnets: readonly Cidr[]): string | undefined {
  for (const s of subnets) {
    const why = reservedInSubnet(ip, s);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** Two networks of one family overlap when either holds the other's network address. */
export const cidrsOverlap = (a: Cidr, b: Cidr): boolean =>
  a.family === b.family &&
  (cidrContains(a, { family: b.family, value: b.network }) ||
    cidrContains(b, { family: a.family, value: a.network }));
