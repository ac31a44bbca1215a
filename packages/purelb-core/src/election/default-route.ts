// Which interface is "local" for an address family: the one the kernel sends off-link traffic through,
// i.e. the interface of the default route the kernel itself would use. The kernel ranks main-table
// default routes by metric, then (IPv6) by router preference (RFC 4191, as learned from router
// advertisements); what is left after that is the kernel's own coin toss, which PureLB refuses to
// guess: several routes through different interfaces, a multipath route, or a nexthop group spread
// over several interfaces is reported as ambiguous, so the caller falls back to the dummy interface and
// says why (the troubleshooting page's two-default-routes case). Upstream takes the first in dump order.
import type { LocalInterfaceElection, NodeNetwork, Route } from '../model.ts';
import type { Family } from '../net/ip.ts';
import { familyName, linkName, routeText } from '../net/iproute-text.ts';
import { prefRank, prefWord, RT_TABLE_MAIN, RTN } from '../net/route-words.ts';
import { nexthopInterfaces } from './nexthops.ts';

/** Main-table unicast default routes of one family, in dump order. */
export const defaultRoutes = (family: Family, network: NodeNetwork): Route[] =>
  network.routes.filter(
    (r) => r.family === family && r.table === RT_TABLE_MAIN && r.dstLength === 0 && r.type === RTN.unicast,
  );

/** The kernel's metric: an absent RTA_PRIORITY is 0. */
export const routeMetric = (route: Route): number => route.priority ?? 0;

/**
 * The default routes the kernel chooses among, in dump order: the lowest metric, then for IPv6 the
 * highest router preference. Several left means the kernel's choice is not PureLB's to predict.
 */
export function lowestDefaultRoutes(family: Family, network: NodeNetwork): Route[] {
  const defaults = defaultRoutes(family, network);
  if (defaults.length === 0) return [];
  const lowest = Math.min(...defaults.map(routeMetric));
  const atLowest = defaults.filter((r) => routeMetric(r) === lowest);
  if (family === 4) return atLowest;
  const best = Math.max(...atLowest.map((r) => prefRank(r.pref)));
  return atLowest.filter((r) => prefRank(r.pref) === best);
}

/**
 * The ifindexes a route leaves through: its oif; every nexthop's for a multipath route; the nexthop
 * object's (or every member's of a group) for a route that names one by id.
 */
export function routeInterfaces(route: Route, network: NodeNetwork): number[] {
  if (route.oif !== undefined) return [route.oif];
  if (route.nexthops !== undefined) return [...new Set(route.nexthops.map((h) => h.oif))];
  if (route.nhId !== undefined) return nexthopInterfaces(route.nhId, network.nexthops ?? []);
  return [];
}

/** Why these deciding routes are ambiguous, in words. */
function ambiguity(family: Family, best: Route[], interfaces: number): string {
  const fam = familyName(family);
  const first = best[0]!;
  if (best.length > 1) {
    const pref = family === 6 ? ` and router preference ${prefWord(first.pref ?? 0)}` : '';
    return `${best.length} ${fam} default routes share the lowest metric ${routeMetric(first)}${pref}`;
  }
  const group = first.oif === undefined && first.nexthops === undefined && first.nhId !== undefined;
  const how = group ? `its nexthop group ${first.nhId} spreads` : 'it is multipath';
  return `the ${fam} default route is not one path: ${how} over ${interfaces} interfaces`;
}

export function electDefaultInterface(family: Family, network: NodeNetwork): LocalInterfaceElection {
  const fam = familyName(family);
  const best = lowestDefaultRoutes(family, network);
  if (best.length === 0) {
    return { status: 'none', family, reason: `no ${fam} default route in the main table` };
  }
  const text = best.map((r) => routeText(r, network.links)).join('; ');
  const indexes = [...new Set(best.flatMap((r) => routeInterfaces(r, network)))];
  const names = indexes.map((i) => linkName(network.links, i));

  if (indexes.length === 1) {
    const index = indexes[0]!;
    const link = network.links.find((l) => l.index === index);
    if (link === undefined) {
      return {
        status: 'none',
        family,
        reason: `the ${fam} default route (${text}) leaves through ifindex ${index}, which is not in the link dump`,
      };
    }
    // Several defaults (or nexthops) at the lowest rank all through one interface still name it.
    const what = best.length === 1 && best[0]!.oif !== undefined ? 'the' : 'every';
    return {
      status: 'elected',
      family,
      link: link.name,
      index,
      reason: `${link.name} holds ${what} ${fam} default route the kernel uses (${text})`,
    };
  }
  if (indexes.length === 0) {
    return { status: 'none', family, reason: `the ${fam} default route (${text}) names no interface` };
  }
  const why = ambiguity(family, best, names.length);
  return {
    status: 'ambiguous',
    family,
    candidates: names,
    reason:
      `PureLB is unable to identify the local interface: ${why} (${text}), through ${names.join(', ')}; ` +
      'local addresses go to the dummy (virtual) interface instead',
  };
}
