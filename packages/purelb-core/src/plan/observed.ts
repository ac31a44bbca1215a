// The observed addresses as the rules read them: with their link's name, canonical text and ownership.
import type { Address, Link } from '@purelb-ts/netlink-native';
import type { NodeNetwork, Ownership, Placement } from '../model.ts';
import { canonicalIP, parseIP } from '../net/ip.ts';
import { isOwned } from './ownership.ts';

export interface ObservedAddress {
  address: Address;
  /** The link's name; undefined when the dump names an ifindex it has no link for. */
  link: string | undefined;
  /** Canonical text of address.address. */
  ip: string;
  owned: boolean;
}

export function observeAddresses(network: NodeNetwork, ownership: Ownership): ObservedAddress[] {
  const names = new Map(network.links.map((l) => [l.index, l.name]));
  return network.addresses.map((address) => ({
    address,
    link: names.get(address.index),
    ip: canonicalIP(address.address) ?? address.address,
    owned: isOwned(address, network.links, ownership),
  }));
}

export const linkNamed = (links: readonly Link[], name: string): Link | undefined =>
  links.find((l) => l.name === name);

/** The addresses on `link` with the placement's IP (any prefix length). */
export const holdersOf = (
  observed: readonly ObservedAddress[],
  p: Placement,
  link = p.link,
): ObservedAddress[] =>
  observed.filter((o) => o.link === link && o.address.family === p.family && o.ip === p.ip);

/** A total order on (link, family, numeric IP, prefix length), so plans and findings are deterministic. */
export function compareAddressKeys(
  a: { link: string; ip: string; prefixLength: number },
  b: { link: string; ip: string; prefixLength: number },
): number {
  if (a.link !== b.link) return a.link < b.link ? -1 : 1;
  const ia = parseIP(a.ip);
  const ib = parseIP(b.ip);
  const fa = ia?.family ?? 0;
  const fb = ib?.family ?? 0;
  if (fa !== fb) return fa - fb;
  const va = ia?.value ?? 0n;
  const vb = ib?.value ?? 0n;
  if (va !== vb) return va < vb ? -1 : 1;
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  return a.prefixLength - b.prefixLength;
}
