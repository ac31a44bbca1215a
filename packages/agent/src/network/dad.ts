// IPv6 duplicate address detection, as the kernel reports it. A local IPv6 address is added without
// nodad (unless the group or Service says skip-ipv6-dad): the kernel solicits for it while it is
// tentative, and if another host answers it marks a permanent address dadfailed, and deletes one with a
// finite lifetime (PureLB's local addresses have one) while it is still tentative. Either is a conflict.
import { type Address, IFA_F, type NodeNetwork, type Ownership } from '@purelb-ts/core';
import type { Action } from '@purelb-ts/netlink-native';

/** The IP whose DAD this notification says failed, or undefined. Only addresses PureLB owns count. */
export function dadFailureIn(action: Action, address: Address, ownership: Ownership): string | undefined {
  if (address.family !== 6 || address.protocol !== ownership.protocol) return undefined;
  if ((address.flags & IFA_F.dadfailed) !== 0) return address.address;
  // Deleted while still tentative: the kernel's DAD failed (nobody else deletes an address that young).
  if (action === 'del' && (address.flags & IFA_F.tentative) !== 0) return address.address;
  return undefined;
}

/** PureLB's IPv6 addresses the kernel marked dadfailed (permanent ones stay, flagged). */
export const dadFailedIn = (network: NodeNetwork, ownership: Ownership): string[] =>
  network.addresses
    .filter((a) => a.family === 6 && a.protocol === ownership.protocol && (a.flags & IFA_F.dadfailed) !== 0)
    .map((a) => a.address);

/** Whether the address is still being checked by DAD (tentative, and not yet failed). */
export const tentative = (a: Address): boolean =>
  (a.flags & IFA_F.tentative) !== 0 && (a.flags & IFA_F.dadfailed) === 0;
