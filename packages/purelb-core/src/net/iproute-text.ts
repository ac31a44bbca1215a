// Addresses and routes written the way iproute2 prints them, so findings read like `ip addr` / `ip route`.
import type { Address, AddressFlag, Family, Link, Route } from '@purelb-ts/netlink-native';
import type { Placement } from '../model.ts';
import { flagBits, flagNames, IFA_F } from '../net/address-flags.ts';

export const familyName = (family: Family): string => (family === 4 ? 'IPv4' : 'IPv6');
const inet = (family: Family): string => (family === 4 ? 'inet' : 'inet6');
/** `ip` or `ip -6`: route commands need the family spelled out. */
export const ipCommand = (family: Family): string => (family === 4 ? 'ip' : 'ip -6');

const SCOPES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
const scopeName = (scope: number): string => SCOPES[scope] ?? String(scope);
const lifetime = (seconds: number): string => (Number.isFinite(seconds) ? `${seconds}sec` : 'forever');

/** Where `ip addr` spells a flag otherwise than the netlink library's word. */
const IPROUTE_WORDS: Partial<Record<AddressFlag, string>> = {
  homeaddress: 'home',
  managetempaddr: 'mngtmpaddr',
  mcautojoin: 'autojoin',
};

/**
 * The flags `ip addr` prints, in its order (bit order) and words: "temporary" for an IPv6 secondary, and
 * in the permanent bit's place nothing for a permanent address, "dynamic" for one that is not
 * ("secondary dynamic noprefixroute", as iproute2 prints it).
 */
function flagWords(family: Family, bits: number): string[] {
  const word = (f: AddressFlag) =>
    f === 'secondary' && family === 6 ? 'temporary' : (IPROUTE_WORDS[f] ?? f);
  const below = flagNames(bits & (IFA_F.permanent - 1)).map(word);
  const above = flagNames(bits & ~(IFA_F.permanent * 2 - 1)).map(word);
  return [...below, ...((bits & IFA_F.permanent) === 0 ? ['dynamic'] : []), ...above];
}

/** "inet 172.30.250.53/24 brd 172.30.250.255 scope global secondary enp1s0 valid_lft forever preferred_lft forever" */
export function addressText(a: Address, linkName: string | undefined): string {
  const brd = a.broadcast === undefined ? '' : ` brd ${a.broadcast}`;
  const flags = flagWords(a.family, a.flags);
  const tail = [...flags, a.label ?? linkName ?? `if${a.index}`].join(' ');
  return `${inet(a.family)} ${a.address}/${a.prefixLength}${brd} scope ${scopeName(a.scope)} ${tail} valid_lft ${lifetime(a.validLifetime)} preferred_lft ${lifetime(a.preferredLifetime)}`;
}

/** The same form for what a placement asks for. */
export function placementText(p: Placement): string {
  const brd = p.broadcast === undefined ? '' : ` brd ${p.broadcast}`;
  const permanent = Number.isFinite(p.validLifetime) ? 0 : IFA_F.permanent;
  const flags = flagWords(p.family, flagBits(p.flags) | permanent);
  return `${inet(p.family)} ${p.ip}/${p.prefixLength}${brd} scope global ${[...flags, p.link].join(' ')} valid_lft ${lifetime(p.validLifetime)} preferred_lft ${lifetime(p.preferredLifetime)}`;
}

/** Short form for messages: "inet 172.31.1.5/32 dev kube-lb0". */
export const shortAddress = (family: Family, ip: string, prefixLength: number, link: string): string =>
  `${inet(family)} ${ip}/${prefixLength} dev ${link}`;

const devName = (links: readonly Link[], index: number | undefined): string =>
  links.find((l) => l.index === index)?.name ?? (index === undefined ? '?' : `if${index}`);

/** "default via 172.30.250.1 dev enp1s0 metric 100", or the multipath form with its nexthops. */
export function routeText(r: Route, links: readonly Link[]): string {
  const dst = r.dstLength === 0 ? 'default' : `${r.dst}/${r.dstLength}`;
  const metric = r.priority === undefined ? '' : ` metric ${r.priority}`;
  if (r.nexthops !== undefined && r.oif === undefined) {
    const hops = r.nexthops.map(
      (h) =>
        `nexthop${h.gateway === undefined ? '' : ` via ${h.gateway}`} dev ${devName(links, h.oif)} weight ${h.weight}`,
    );
    return `${dst}${metric} ${hops.join(' ')}`;
  }
  const via = r.gateway === undefined ? '' : ` via ${r.gateway}`;
  return `${dst}${via} dev ${devName(links, r.oif)}${metric}`;
}
