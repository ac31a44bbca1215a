// What this node already uses, read once per decision: the addresses PureLB did not add (the node's own
// and every other tool's), the gateways of its routes, and the networks it reaches through interfaces
// other than the virtual one. A placement must never claim, shadow or compete with any of them.
import { routeInterfaces } from '../election/default-route.ts';
import type { Link, NodeNetwork, Ownership } from '../model.ts';
import { type Cidr, cidrOf } from '../net/cidr.ts';
import { canonicalIP, familyBits, formatIP, type IP, parseIP } from '../net/ip.ts';
import { nexthopText, routeText, shortAddress } from '../net/iproute-text.ts';
import { RT_TABLE_MAIN } from '../net/route-words.ts';

const ARPHRD_LOOPBACK = 772;
const IFF_LOOPBACK = 0x8;
const IFF_NOARP = 0x80;

import { isOwned } from '../plan/ownership.ts';

export interface HeldAddress {
  /** As `ip` names it: "inet 172.30.250.104/24 dev enp1s0". */
  text: string;
  link: string;
  /**
   * On an interface that answers for it on a segment (not loopback, not NOARP): the node's own address in
   * the LAN's eyes. An address bound on lo or on a NOARP dummy (kube-proxy's IPVS mode binds every Service
   * IP on kube-ipvs0) is local plumbing, and PureLB placing the same IP elsewhere takes nothing from it.
   */
  onSegment: boolean;
}

/** Loopback or NOARP: an address there answers nobody on a segment (see HeldAddress.onSegment). */
export const isQuietLink = (l: Link): boolean =>
  l.type === ARPHRD_LOOPBACK || (l.flags & (IFF_LOOPBACK | IFF_NOARP)) !== 0;

export interface NodeFacts {
  /** Addresses PureLB did not add, by canonical IP. */
  held: Map<string, HeldAddress>;
  /** Gateways of main-table routes and of nexthop objects, by canonical IP, with the route (or nexthop) naming it. */
  gateways: Map<string, { ip: IP; by: string }>;
  /** Networks reached through an interface other than the virtual one, with what reaches them. */
  reached: { cidr: Cidr; text: string }[];
}

function addGateway(gateways: NodeFacts['gateways'], text: string | undefined, by: () => string): void {
  const ip = text === undefined ? undefined : parseIP(text);
  if (ip === undefined) return;
  const key = formatIP(ip);
  if (!gateways.has(key)) gateways.set(key, { ip, by: by() });
}

/** The facts of `network`; `virtualIndex` is the virtual interface's ifindex when it exists. */
export function nodeFacts(network: NodeNetwork, ownership: Ownership, virtualIndex?: number): NodeFacts {
  const names = new Map(network.links.map((l) => [l.index, l.name]));
  const quiet = new Set(network.links.filter(isQuietLink).map((l) => l.index));
  const facts: NodeFacts = { held: new Map(), gateways: new Map(), reached: [] };
  for (const a of network.addresses) {
    if (isOwned(a, network.links, ownership)) continue;
    const ip = parseIP(a.address);
    if (ip === undefined) continue;
    const link = names.get(a.index) ?? `if${a.index}`;
    const text = shortAddress(ip.family, canonicalIP(a.address) ?? a.address, a.prefixLength, link);
    const key = canonicalIP(a.address) ?? a.address;
    // One on a segment wins the entry: it is the one that blocks a claim anywhere.
    if (facts.held.get(key)?.onSegment !== true)
      facts.held.set(key, { text, link, onSegment: !quiet.has(a.index) });
    if (a.index !== virtualIndex && a.prefixLength < familyBits(ip.family)) {
      facts.reached.push({ cidr: cidrOf(ip, a.prefixLength), text: text.replace(/^inet6? /, '') });
    }
  }
  for (const r of network.routes) {
    if (r.table !== RT_TABLE_MAIN) continue;
    const text = routeText(r, network.links);
    for (const g of [r.gateway, r.via, ...(r.nexthops ?? []).map((h) => h.gateway)]) {
      addGateway(facts.gateways, g, () => `route "${text}"`);
    }
    const through = routeInterfaces(r, network);
    if (r.dstLength === 0 || r.dst === undefined || through.includes(virtualIndex ?? -1)) continue;
    const dst = parseIP(r.dst);
    if (dst !== undefined) facts.reached.push({ cidr: cidrOf(dst, r.dstLength), text: `route "${text}"` });
  }
  for (const n of network.nexthops ?? []) {
    addGateway(facts.gateways, n.gateway, () => `nexthop "${nexthopText(n, network.links)}"`);
  }
  return facts;
}
