// Proof that an address on this node is PureLB's, so that cleanup can never remove someone else's.
import type { Address, Family, Link } from '@purelb-ts/netlink-native';
import type { Ownership } from '../model.ts';
import { parseIP } from '../net/ip.ts';

/** IFNAMSIZ (16) less the terminating NUL: the kernel rejects longer IPv4 labels. */
export const MAX_LABEL_LENGTH = 15;

/** Suffix of the IPv4 label PureLB puts on its addresses (the kernel requires the label to start with the link name). */
export const LABEL_SUFFIX = ':plb';

/**
 * The IPv4 label that marks an address as PureLB's on kernels older than 6.3, which drop IFA_PROTO.
 * `${link}:plb` must fit in 15 characters, so links with names longer than 11 characters get no label
 * (undefined): on such links, old kernels give no proof and PureLB leaves the address alone.
 */
export function ownedLabel(linkName: string): string | undefined {
  const label = `${linkName}${LABEL_SUFFIX}`;
  return label.length <= MAX_LABEL_LENGTH ? label : undefined;
}

/** How PureLB tags an address it adds: the IFA_PROTO value, and for IPv4 the label fallback. */
export interface AddressTag {
  protocol: number;
  /** IPv4 only; undefined when the link's name is too long for a label (see ownedLabel). */
  label: string | undefined;
}

export const tagFor = (linkName: string, family: Family, ownership: Ownership): AddressTag => ({
  protocol: ownership.protocol,
  label: family === 4 ? ownedLabel(linkName) : undefined,
});

/** IFA_PROTO values 1-3 are the kernel's own (loopback, router advertisement, link-local). */
const KERNEL_PROTOCOL_MAX = 3;

/** IFA_PROTO 0 (unspecified) is what the kernel means when it sends none. */
const protocolOf = (address: Address): number | undefined =>
  address.protocol === 0 ? undefined : address.protocol;

const isIPv6LinkLocal = (address: Address): boolean => {
  const ip = parseIP(address.address);
  return ip !== undefined && ip.family === 6 && ip.value >> 118n === 0x3fan;
};

/**
 * True iff the address is provably PureLB's:
 * - it carries our IFA_PROTO value (kernel >= 6.3); or
 * - it sits on our dummy interface, which holds nothing else — except what the kernel puts there itself
 *   (an IPv6 link-local address, or any address with a kernel IFA_PROTO); or
 * - it is IPv4, has no IFA_PROTO at all (kernels < 6.3 drop it) and carries our label.
 * An address with another owner's IFA_PROTO is never ours by label.
 */
export function isOwned(address: Address, links: readonly Link[], ownership: Ownership): boolean {
  if (address.protocol === ownership.protocol) return true;
  const linkName = links.find((l) => l.index === address.index)?.name;
  if (linkName === undefined) return false;
  if (linkName === ownership.dummyInterface) {
    const protocol = protocolOf(address);
    const kernels = protocol !== undefined && protocol <= KERNEL_PROTOCOL_MAX;
    return !kernels && !isIPv6LinkLocal(address);
  }
  if (address.family !== 4 || protocolOf(address) !== undefined) return false;
  const label = ownedLabel(linkName);
  return label !== undefined && address.label === label;
}
