// Which interface is "local" for an address family: the one holding the default route. Upstream
// takes the first of several equal defaults in dump order and fails on a multipath default (obs);
// here any real doubt is reported as ambiguous, so the caller falls back to the dummy interface and
// says why (the troubleshooting page's two-default-routes case).
import type { LocalInterfaceElection, NodeNetwork, Route } from '../model.ts';
import type { Family } from '../net/ip.ts';
import { formatRoute, linkName } from './route-text.ts';

const RT_TABLE_MAIN = 254;
const RTN_UNICAST = 1;

const familyName = (family: Family): string => (family === 4 ? 'IPv4' : 'IPv6');

/** Main-table unicast default routes of one family. */
export const defaultRoutes = (family: Family, network: NodeNetwork): Route[] =>
  network.routes.filter(
    (r) => r.family === family && r.table === RT_TABLE_MAIN && r.dstLength === 0 && r.type === RTN_UNICAST,
  );

/** The kernel's metric: an absent RTA_PRIORITY is 0. */
const metricOf = (route: Route): number => route.priority ?? 0;

/** The ifindexes a route leaves through: its oif, or every nexthop's for a multipath route. */
function outInterfaces(route: Route): number[] {
  if (route.oif !== undefined) return [route.oif];
  return [...new Set((route.nexthops ?? []).map((h) => h.oif))];
}

export function electDefaultInterface(family: Family, network: NodeNetwork): LocalInterfaceElection {
  const fam = familyName(family);
  const defaults = defaultRoutes(family, network);
  if (defaults.length === 0) {
    return { status: 'none', family, reason: `no ${fam} default route in the main table` };
  }
  const lowest = Math.min(...defaults.map(metricOf));
  const best = defaults.filter((r) => metricOf(r) === lowest);
  const routeText = best.map((r) => formatRoute(r, network.links)).join('; ');
  const indexes = [...new Set(best.flatMap(outInterfaces))];
  const names = indexes.map((i) => linkName(network.links, i));

  if (indexes.length === 1) {
    const index = indexes[0]!;
    const link = network.links.find((l) => l.index === index);
    if (link === undefined) {
      return {
        status: 'none',
        family,
        reason: `the ${fam} default route (${routeText}) leaves through ifindex ${index}, which is not in the link dump`,
      };
    }
    // Several defaults (or nexthops) at the lowest metric all through one interface still name it.
    const what =
      best.length === 1 && best[0]!.oif !== undefined ? 'the lowest-metric' : 'every lowest-metric';
    return {
      status: 'elected',
      family,
      link: link.name,
      index,
      reason: `${link.name} holds ${what} ${fam} default route (${routeText})`,
    };
  }
  if (indexes.length === 0) {
    return { status: 'none', family, reason: `the ${fam} default route (${routeText}) names no interface` };
  }
  const why =
    best.length > 1
      ? `${best.length} ${fam} default routes share the lowest metric ${lowest}`
      : `the ${fam} default route is multipath over ${names.length} interfaces`;
  return {
    status: 'ambiguous',
    family,
    candidates: names,
    reason:
      `PureLB is unable to identify the local interface: ${why} (${routeText}), through ${names.join(', ')}; ` +
      'local addresses go to the dummy (virtual) interface instead',
  };
}
