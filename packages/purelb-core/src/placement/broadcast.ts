// IPv4 broadcast for an address: the network with every host bit set, as iproute2's "brd +" gives.
import { cidrBounds, cidrOf } from '../net/cidr.ts';
import { formatIP, type IP } from '../net/ip.ts';

/** Undefined for IPv6 and for /31 and /32, where there is no broadcast address (RFC 3021). */
export function broadcastFor(ip: IP, prefixLength: number): string | undefined {
  if (ip.family !== 4 || prefixLength >= 31) return undefined;
  return formatIP({ family: 4, value: cidrBounds(cidrOf(ip, prefixLength)).last });
}
