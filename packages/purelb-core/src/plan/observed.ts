// The observed addresses as the rules read them: with their link's name, canonical text and ownership.

import type { NodeNetwork, Ownership, Placement } from '../model.ts';
import { canonicalIP, type IP, ipv4Value, parseIP } from '../net/ip.ts';
import type { Address, Link } from '../net/objects.ts';
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

interface AddressKey {
  link: string;
  ip: string;
  prefixLength: number;
}

/** A total order on (link, family, numeric IP, prefix length), so plans and findings are deterministic. */
export const compareAddressKeys = (a: AddressKey, b: AddressKey): number =>
  byAddressKey(a, parseIP(a.ip), b, parseIP(b.ip));

/**
 * Whether `items` are already in compareAddressKeys order (desiredState sorts its placements so):
 * IPv4 compared as numbers, so checking allocates nothing; anything else by the full comparison.
 */
export function inAddressKeyOrder(items: readonly AddressKey[]): boolean {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1] as AddressKey;
    const b = items[i] as AddressKey;
    if (a.link !== b.link) {
      if (a.link > b.link) return false;
      continue;
    }
    const va = ipv4Value(a.ip);
    const vb = ipv4Value(b.ip);
    if (va === undefined || vb === undefined) {
      if (compareAddressKeys(a, b) > 0) return false;
    } else if (va > vb || (va === vb && a.prefixLength > b.prefixLength)) return false;
  }
  return true;
}

/** Sorted by compareAddressKeys, each IP parsed once instead of in every comparison. */
export function sortByAddressKey<T extends AddressKey>(items: readonly T[]): T[] {
  return items
    .map((item) => ({ item, ip: parseIP(item.ip) }))
    .sort((a, b) => byAddressKey(a.item, a.ip, b.item, b.ip))
    .map(({ item }) => item);
}

function byAddressKey(a: AddressKey, ia: IP | undefined, b: AddressKey, ib: IP | undefined): number {
  if (a.link !== b.link) return a.link < b.link ? -1 : 1;
  const fa = ia?.family ?? 0;
  const fb = ib?.family ?? 0;
  if (fa !== fb) return fa - fb;
  const va = ia?.value ?? 0n;
  const vb = ib?.value ?? 0n;
  if (va !== vb) return va < vb ? -1 : 1;
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  return a.prefixLength - b.prefixLength;
}
