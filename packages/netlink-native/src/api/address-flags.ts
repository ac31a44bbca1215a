// IFA_F_* bits by the names `ip address` prints, in both directions. Unknown names are a TypeError
// naming the culprit, raised before anything is sent.
import {
  IFA_F_DADFAILED,
  IFA_F_DEPRECATED,
  IFA_F_HOMEADDRESS,
  IFA_F_MANAGETEMPADDR,
  IFA_F_MCAUTOJOIN,
  IFA_F_NODAD,
  IFA_F_NOPREFIXROUTE,
  IFA_F_OPTIMISTIC,
  IFA_F_PERMANENT,
  IFA_F_SECONDARY,
  IFA_F_STABLE_PRIVACY,
  IFA_F_TENTATIVE,
} from '../codec/constants.ts';
import type { AddressFlag } from '../types.ts';

/** IFA_F_* bits by the names `ip address` prints (`noprefixroute` → IFA_F_NOPREFIXROUTE). */
export const ADDRESS_FLAGS: Readonly<Record<AddressFlag, number>> = {
  secondary: IFA_F_SECONDARY,
  nodad: IFA_F_NODAD,
  optimistic: IFA_F_OPTIMISTIC,
  dadfailed: IFA_F_DADFAILED,
  homeaddress: IFA_F_HOMEADDRESS,
  deprecated: IFA_F_DEPRECATED,
  tentative: IFA_F_TENTATIVE,
  permanent: IFA_F_PERMANENT,
  managetempaddr: IFA_F_MANAGETEMPADDR,
  noprefixroute: IFA_F_NOPREFIXROUTE,
  mcautojoin: IFA_F_MCAUTOJOIN,
  'stable-privacy': IFA_F_STABLE_PRIVACY,
};

/** Flag names → IFA_F_* bits. */
export function addressFlagBits(names: readonly AddressFlag[] | undefined): number {
  if (names === undefined) return 0;
  if (!Array.isArray(names))
    throw new TypeError(`address flags must be an array of names, got ${JSON.stringify(names)}`);
  let bits = 0;
  const table: Readonly<Record<string, number>> = ADDRESS_FLAGS;
  for (const name of names as readonly string[]) {
    const bit = Object.hasOwn(table, name) ? table[name] : undefined;
    if (bit === undefined) {
      throw new TypeError(
        `unknown address flag ${JSON.stringify(name)} (known: ${Object.keys(ADDRESS_FLAGS).join(', ')})`,
      );
    }
    bits |= bit;
  }
  return bits;
}

/** IFA_F_* bits → names (for display and for comparing with `ip -j` output). */
export function addressFlagNames(bits: number): AddressFlag[] {
  const out: AddressFlag[] = [];
  for (const [name, bit] of Object.entries(ADDRESS_FLAGS) as [AddressFlag, number][]) {
    if (bits & bit) out.push(name);
  }
  return out;
}
