// What `purelb diagnose` asks the kernel (`ip route get`) to check that PureLB's addresses have not
// taken the node's own traffic: every gateway of the main table and of nexthop objects, and one host of
// every subnet the node's own addresses give it (not the node's own address: the kernel answers that
// from the local table). An answer through the virtual interface is a finding (node-safety-findings).
import type { NodeNetwork, Ownership } from '../model.ts';
import { cidrBounds, cidrOf, formatCidr } from '../net/cidr.ts';
import { familyBits, formatIP, parseIP } from '../net/ip.ts';
import { linkName, nexthopText, routeText } from '../net/iproute-text.ts';
import { RT_TABLE_MAIN } from '../net/route-words.ts';
import { isOwned } from '../plan/ownership.ts';

export interface RouteLookupTarget {
  destination: string;
  what: string;
}

const LINK_LOCAL_V6 = 0xfe80n >> 6n;

function gatewayTargets(network: NodeNetwork, out: Map<string, string>): void {
  for (const r of network.routes) {
    if (r.table !== RT_TABLE_MAIN) continue;
    for (const g of [r.gateway, r.via, ...(r.nexthops ?? []).map((h) => h.gateway)]) {
      const ip = g === undefined ? undefined : parseIP(g);
      // A link-local gateway needs its interface to look up: the route naming it already says where.
      if (ip === undefined || (ip.family === 6 && ip.value >> 118n === LINK_LOCAL_V6)) continue;
      const key = formatIP(ip);
      if (!out.has(key)) out.set(key, `the gateway of route "${routeText(r, network.links)}"`);
    }
  }
  for (const n of network.nexthops ?? []) {
    const ip = n.gateway === undefined ? undefined : parseIP(n.gateway);
    if (ip === undefined || (ip.family === 6 && ip.value >> 118n === LINK_LOCAL_V6)) continue;
    if (!out.has(formatIP(ip)))
      out.set(formatIP(ip), `the gateway of nexthop "${nexthopText(n, network.links)}"`);
  }
}

/** The gateways and one host per node subnet, each once, in a stable order. */
export function routeLookupTargets(
  network: NodeNetwork,
  ownership: Ownership,
  virtualInterface: string,
): RouteLookupTarget[] {
  const out = new Map<string, string>();
  gatewayTargets(network, out);
  const own = new Set(network.addresses.map((a) => a.address));
  for (const a of network.addresses) {
    const ip = parseIP(a.address);
    const link = linkName(network.links, a.index);
    if (ip === undefined || link === virtualInterface || isOwned(a, network.links, ownership)) continue;
    if (a.prefixLength >= familyBits(ip.family) - 1 || a.scope >= 253) continue; // host, p2p, link/host scope
    const subnet = cidrOf(ip, a.prefixLength);
    const { first, last } = cidrBounds(subnet);
    // A host of the subnet that is not one of the node's own addresses.
    for (let v = first + 1n; v < last && v <= first + 4n; v++) {
      const host = formatIP({ family: ip.family, value: v });
      if (own.has(host)) continue;
      if (!out.has(host)) out.set(host, `a host of ${formatCidr(subnet)} (dev ${link})`);
      break;
    }
  }
  return [...out].map(([destination, what]) => ({ destination, what }));
}
