// Proof that an address on this node is PureLB's, so that cleanup can never remove someone else's.

import type { Ownership } from '../model.ts';
import type { Address, Family, Link } from '../net/objects.ts';

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

/** IFA_PROTO 0 (unspecified) is what the kernel means when it sends none. */
const protocolOf = (address: Address): number | undefined =>
  address.protocol === 0 ? undefined : address.protocol;

/**
 * True iff the address is provably PureLB's: it carries our IFA_PROTO value; or, only where the kernel
 * cannot keep IFA_PROTO (ownership.labelFallback), it is IPv4, has no IFA_PROTO and carries our label.
 * Where an address sits proves nothing: an address on the virtual interface that we did not tag (added by
 * hand, by an older PureLB, by another tool) is left alone like any other.
 */
export function isOwned(address: Address, links: readonly Link[], ownership: Ownership): boolean {
  if (address.protocol === ownership.protocol) return true;
  if (ownership.labelFallback !== true) return false;
  if (address.family !== 4 || protocolOf(address) !== undefined) return false;
  const linkName = links.find((l) => l.index === address.index)?.name;
  const label = linkName === undefined ? undefined : ownedLabel(linkName);
  return label !== undefined && address.label === label;
}
