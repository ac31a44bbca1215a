// The subnets an interface's own addresses give it: where a local address may be placed, and what a
// node advertises in its lease.
import type { Address, Link } from '../model.ts';
import { PURELB_ADDRESS_PROTOCOL } from '../model.ts';
import { IFA_F } from '../net/address-flags.ts';
import { type Cidr, cidrContains, cidrOf } from '../net/cidr.ts';
import { type Family, familyBits, formatIP, parseIP } from '../net/ip.ts';
import { ownedLabel } from '../plan/ownership.ts';

const LINK_LOCAL_V6 = cidrOf({ family: 6, value: 0xfe80n << 112n }, 10);

export interface LocalSubnet {
  /** The interface address's network. */
  cidr: Cidr;
  prefixLength: number;
  /** The interface address the subnet comes from (canonical text). */
  address: string;
}

/**
 * Why an address gives no usable subnet, or undefined when it does. Skipped: IPv6 tentative, dadfailed,
 * deprecated and link-local (fe80::/10) addresses; addresses PureLB placed itself (IFA_PROTO tag, or its
 * IPv4 label on old kernels), so a leftover address never keeps advertising a subnet the node no longer
 * has; and host-length addresses (/32, /128), whose "subnet" holds only the node's own address and so can never hold another.
 */
export function unusableReason(address: Address, linkName: string): string | undefined {
  if (address.protocol === PURELB_ADDRESS_PROTOCOL) return 'placed by PureLB';
  // Kernels older than 6.3 drop IFA_PROTO: PureLB's IPv4 addresses then carry its label instead.
  const untagged = address.protocol === undefined || address.protocol === 0;
  if (
    address.family === 4 &&
    untagged &&
    address.label !== undefined &&
    address.label === ownedLabel(linkName)
  ) {
    return 'placed by PureLB (labelled)';
  }
  if (address.prefixLength >= familyBits(address.family)) return 'host-length prefix';
  if (address.family === 6) {
    if ((address.flags & IFA_F.tentative) !== 0) return 'tentative (DAD in progress)';
    if ((address.flags & IFA_F.dadfailed) !== 0) return 'duplicate address detection failed';
    if ((address.flags & IFA_F.deprecated) !== 0) return 'deprecated';
    const ip = parseIP(address.address);
    if (ip !== undefined && cidrContains(LINK_LOCAL_V6, ip)) return 'link-local';
  }
  return undefined;
}

/** The usable subnets of one interface for one family, in dump order. */
export function usableSubnets(link: Link, family: Family, addresses: readonly Address[]): LocalSubnet[] {
  const subnets: LocalSubnet[] = [];
  for (const a of addresses) {
    if (a.index !== link.index || a.family !== family || unusableReason(a, link.name) !== undefined) continue;
    const ip = parseIP(a.address);
    if (ip === undefined || ip.family !== family) continue;
    subnets.push({ cidr: cidrOf(ip, a.prefixLength), prefixLength: a.prefixLength, address: formatIP(ip) });
  }
  return subnets;
}
