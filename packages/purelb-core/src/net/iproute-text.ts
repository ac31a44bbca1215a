// Addresses and routes written the way iproute2 prints them, so election reasons and findings read like
// `ip addr` / `ip route`. The one printer of both: election, placement and diagnosis all use it.

import type { NexthopObject, Placement } from '../model.ts';
import { flagBits, flagNames, IFA_F, IPROUTE_FLAG_WORDS } from './address-flags.ts';
import type { Address, AddressFlag, Family, Link, NextHop, Route, RouteMetrics } from './objects.ts';
import {
  nexthopFlagWords,
  prefWord,
  protocolWord,
  RT_SCOPE_UNIVERSE,
  RTM_F_CLONED,
  RTPROT_BOOT,
  routeTypeWord,
  scopeWord,
} from './route-words.ts';

export const familyName = (family: Family): 'IPv4' | 'IPv6' => (family === 6 ? 'IPv6' : 'IPv4');
const inet = (family: Family): string => (family === 4 ? 'inet' : 'inet6');
/** `ip` or `ip -6`: route commands need the family spelled out. */
export const ipCommand = (family: Family): string => (family === 4 ? 'ip' : 'ip -6');

const lifetime = (seconds: number): string => (Number.isFinite(seconds) ? `${seconds}sec` : 'forever');

/** The interface name for an ifindex, or "if<N>" when the link dump does not hold it. */
export const linkName = (links: readonly Link[], index: number): string =>
  links.find((l) => l.index === index)?.name ?? `if${index}`;

/**
 * The flags `ip addr` prints, in its order (bit order) and words: "temporary" for an IPv6 secondary, and
 * in the permanent bit's place nothing for a permanent address, "dynamic" for one that is not
 * ("secondary dynamic noprefixroute", as iproute2 prints it).
 */
function flagWords(family: Family, bits: number): string[] {
  const word = (f: AddressFlag) =>
    f === 'secondary' && family === 6 ? 'temporary' : (IPROUTE_FLAG_WORDS[f] ?? f);
  const below = flagNames(bits & (IFA_F.permanent - 1)).map(word);
  const above = flagNames(bits & ~(IFA_F.permanent * 2 - 1)).map(word);
  return [...below, ...((bits & IFA_F.permanent) === 0 ? ['dynamic'] : []), ...above];
}

/** "inet 172.30.250.53/24 brd 172.30.250.255 scope global secondary enp1s0 valid_lft forever preferred_lft forever" */
export function addressText(a: Address, linkName: string | undefined): string {
  const brd = a.broadcast === undefined ? '' : ` brd ${a.broadcast}`;
  const flags = flagWords(a.family, a.flags);
  const tail = [...flags, a.label ?? linkName ?? `if${a.index}`].join(' ');
  return `${inet(a.family)} ${a.address}/${a.prefixLength}${brd} scope ${scopeWord(a.scope)} ${tail} valid_lft ${lifetime(a.validLifetime)} preferred_lft ${lifetime(a.preferredLifetime)}`;
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

/** "via 172.30.250.1", or "via inet6 fe80::1" for a gateway of the other family (RTA_VIA). */
function viaWords(family: Family, gateway: string | undefined, via: string | undefined): string[] {
  if (gateway !== undefined) return ['via', gateway];
  if (via === undefined) return [];
  const viaFamily: Family = via.includes(':') ? 6 : 4;
  return viaFamily === family ? ['via', via] : ['via', inet(viaFamily), via];
}

/** RTA_METRICS as iproute2 names them ("mtu 1400", "hoplimit 64", "mtu lock 1400"), in its order. */
export const METRIC_WORDS: readonly [keyof RouteMetrics, string, number][] = [
  ['mtu', 'mtu', 2],
  ['window', 'window', 3],
  ['rtt', 'rtt', 4],
  ['rttvar', 'rttvar', 5],
  ['ssthresh', 'ssthresh', 6],
  ['cwnd', 'cwnd', 7],
  ['advmss', 'advmss', 8],
  ['reordering', 'reordering', 9],
  ['hoplimit', 'hoplimit', 10],
  ['initcwnd', 'initcwnd', 11],
  ['rtoMin', 'rto_min', 13],
  ['initrwnd', 'initrwnd', 14],
  ['quickack', 'quickack', 15],
];

function metricWords(r: Route): string[] {
  const m = r.metrics;
  if (m === undefined) return [];
  const out: string[] = [];
  for (const [key, word, bit] of METRIC_WORDS) {
    const v = m[key];
    if (typeof v !== 'number') continue;
    out.push(word, ...(((m.lock ?? 0) & (1 << bit)) !== 0 ? ['lock'] : []), String(v));
  }
  return out;
}

const nexthopWords = (family: Family, h: NextHop, links: readonly Link[]): string[] => [
  'nexthop',
  ...viaWords(family, h.gateway, undefined),
  'dev',
  linkName(links, h.oif),
  'weight',
  String(h.weight),
  ...nexthopFlagWords(h.flags),
];

/**
 * One route in `ip route show` words and order, on one line: "default via 172.30.250.1 dev enp1s0 proto
 * dhcp src 172.30.250.104 metric 100", "10.1.0.0/16 via 172.30.250.3 dev enp1s0 onlink", "default nhid
 * 10", "default via fe80::1 dev enp1s0 proto ra metric 1024 pref high", or a multipath route with its
 * "nexthop via ... dev ... weight N" words (which `ip` puts on lines of their own). The expiry of an IPv6
 * route is left out: it changes every second.
 */
export function routeText(r: Route, links: readonly Link[]): string {
  const w: string[] = [];
  const type = routeTypeWord(r.type);
  if (type !== undefined) w.push(type);
  // A host route reads as the bare address ("172.30.250.1 dev enp1s0 scope link"), as ip prints it.
  const host = r.dstLength === (r.family === 6 ? 128 : 32);
  w.push(r.dstLength === 0 ? 'default' : host ? `${r.dst}` : `${r.dst}/${r.dstLength}`);
  if (r.src !== undefined && r.srcLength > 0) w.push('from', `${r.src}/${r.srcLength}`);
  if (r.nhId !== undefined) w.push('nhid', String(r.nhId));
  const multipath = r.oif === undefined && r.nexthops !== undefined;
  if (!multipath) {
    w.push(...viaWords(r.family, r.gateway, r.via));
    if (r.oif !== undefined) w.push('dev', linkName(links, r.oif));
  }
  // A cloned route (what route get answers) has no protocol or scope of its own: ip prints neither.
  const cloned = (r.flags & RTM_F_CLONED) !== 0;
  if (!cloned && r.protocol !== RTPROT_BOOT) w.push('proto', protocolWord(r.protocol));
  if (!cloned && r.scope !== RT_SCOPE_UNIVERSE) w.push('scope', scopeWord(r.scope));
  if (r.prefsrc !== undefined) w.push('src', r.prefsrc);
  if (r.priority !== undefined) w.push('metric', String(r.priority));
  w.push(...nexthopFlagWords(r.flags));
  w.push(...metricWords(r));
  if (r.family === 6 && r.pref !== undefined) w.push('pref', prefWord(r.pref));
  if (multipath) for (const h of r.nexthops ?? []) w.push(...nexthopWords(r.family, h, links));
  return w.join(' ');
}

/** A nexthop object as `ip nexthop show` prints it: "id 10 via 172.30.250.1 dev enp1s0", "id 20 group 10/11". */
export function nexthopText(n: NexthopObject, links: readonly Link[]): string {
  if (n.group !== undefined && n.group.length > 0) {
    const members = n.group.map((m) => (m.weight > 1 ? `${m.id},${m.weight}` : String(m.id)));
    return `id ${n.id} group ${members.join('/')}`;
  }
  if (n.blackhole) return `id ${n.id} blackhole`;
  const family: Family = n.gateway?.includes(':') ? 6 : 4;
  const w = ['id', String(n.id), ...viaWords(family, n.gateway, undefined)];
  if (n.oif !== undefined) w.push('dev', linkName(links, n.oif));
  w.push(...nexthopFlagWords(n.flags));
  return w.join(' ');
}
