// IFA_F_* bits (linux/if_addr.h), defined here because purelb-core imports nothing from the
// netlink library. Placements name flags as words; the kernel reports a number.
import type { AddressFlag } from './objects.ts';

export const IFA_F: Readonly<Record<AddressFlag, number>> = {
  secondary: 0x01,
  nodad: 0x02,
  optimistic: 0x04,
  dadfailed: 0x08,
  homeaddress: 0x10,
  deprecated: 0x20,
  tentative: 0x40,
  permanent: 0x80,
  managetempaddr: 0x100,
  noprefixroute: 0x200,
  mcautojoin: 0x400,
  'stable-privacy': 0x800,
};

/**
 * The bits a caller chooses when adding an address. The others (secondary, permanent, deprecated,
 * tentative, dadfailed, optimistic) are the kernel's report of the address's state, so comparing them
 * with a placement would plan a replace that can never settle.
 */
export const SETTABLE_FLAGS =
  IFA_F.nodad | IFA_F.homeaddress | IFA_F.managetempaddr | IFA_F.noprefixroute | IFA_F.mcautojoin;

export function flagBits(flags: readonly AddressFlag[]): number {
  let bits = 0;
  for (const f of flags) bits |= IFA_F[f];
  return bits;
}

/** Flag words in iproute2's print order (the order of the bits). */
export function flagNames(bits: number): AddressFlag[] {
  return (Object.keys(IFA_F) as AddressFlag[]).filter((f) => (bits & IFA_F[f]) !== 0);
}

/** Where `ip addr` spells a flag otherwise than the word used here. */
export const IPROUTE_FLAG_WORDS: Partial<Record<AddressFlag, string>> = {
  homeaddress: 'home',
  managetempaddr: 'mngtmpaddr',
  mcautojoin: 'autojoin',
};

/**
 * The IFA_F_* bit of a flag word as `ip addr` prints it ("temporary" is an IPv6 secondary), or
 * undefined for a word that is not a flag. "dynamic" has no bit: it is the absence of "permanent".
 */
export function addressFlagBit(word: string): number | undefined {
  if (word === 'temporary') return IFA_F.secondary;
  const flag = (Object.keys(IFA_F) as AddressFlag[]).find((f) => (IPROUTE_FLAG_WORDS[f] ?? f) === word);
  return flag === undefined ? undefined : IFA_F[flag];
}
