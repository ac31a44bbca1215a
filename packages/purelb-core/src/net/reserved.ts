// Addresses of a subnet that no host may claim: an IPv4 subnet's network and broadcast addresses (for
// /30 and wider; a /31 has neither, RFC 3021), and an IPv6 subnet's Subnet-Router anycast address, its
// first (RFC 4291 2.6.1; for /126 and wider, as /127 point-to-point links have none, RFC 6164).
import { type Cidr, cidrBounds, cidrContains, formatCidr } from './cidr.ts';
import type { IP } from './ip.ts';

/** Why `ip` is reserved in `subnet`, or undefined when a host may hold it (or it lies outside). */
export function reservedInSubnet(ip: IP, subnet: Cidr): string | undefined {
  if (!cidrContains(subnet, ip)) return undefined;
  const { first, last } = cidrBounds(subnet);
  const text = formatCidr(subnet);
  if (ip.family === 4) {
    if (subnet.prefixLength > 30) return undefined;
    if (ip.value === first) return `the network address of ${text}`;
    if (ip.value === last) return `the broadcast address of ${text}`;
    return undefined;
  }
  if (subnet.prefixLength > 126) return undefined;
  return ip.value === first ? `the Subnet-Router anycast address of ${text}` : undefined;
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
