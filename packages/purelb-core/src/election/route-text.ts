// Routes as iproute2 prints them, so election reasons and diagnoses name routes the way an operator
// sees them in `ip route show`.
import type { Link, Route } from '../model.ts';

/** The interface name for an ifindex, or "if<N>" when the link dump does not hold it. */
export const linkName = (links: readonly Link[], index: number): string =>
  links.find((l) => l.index === index)?.name ?? `if${index}`;

const gatewayText = (route: { gateway: string | undefined }, via: string | undefined): string => {
  if (route.gateway !== undefined) return ` via ${route.gateway}`;
  if (via !== undefined) return ` via ${via.includes(':') ? 'inet6' : 'inet'} ${via}`;
  return '';
};

/**
 * One route in `ip route show` words: "default via 172.30.250.1 dev enp1s0 metric 100", or for a
 * multipath route "default metric 100 nexthop via 10.0.0.1 dev eth0 weight 1 nexthop via ...".
 */
export function formatRoute(route: Route, links: readonly Link[]): string {
  const dst = route.dstLength === 0 ? 'default' : `${route.dst}/${route.dstLength}`;
  const metric = route.priority === undefined ? '' : ` metric ${route.priority}`;
  if (route.oif === undefined && route.nexthops !== undefined) {
    const hops = route.nexthops
      .map((h) => `nexthop${gatewayText(h, undefined)} dev ${linkName(links, h.oif)} weight ${h.weight}`)
      .join(' ');
    return `${dst}${metric} ${hops}`;
  }
  const dev = route.oif === undefined ? '' : ` dev ${linkName(links, route.oif)}`;
  return `${dst}${gatewayText(route, route.via)}${dev}${metric}`;
}
