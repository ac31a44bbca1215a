// The default routes the local-interface election reads: main table, destination length 0, unicast.
import type { Family, Route } from '@purelb-ts/netlink-native';
import type { NodeNetwork } from '../model.ts';

const RT_TABLE_MAIN = 254;
const RTN_UNICAST = 1;

const metricOf = (r: Route): number => r.priority ?? 0;

/** The family's default routes at the lowest metric, in dump order (the routes that tie, when several). */
export function lowestDefaultRoutes(family: Family, network: NodeNetwork): Route[] {
  const defaults = network.routes.filter(
    (r) => r.family === family && r.table === RT_TABLE_MAIN && r.dstLength === 0 && r.type === RTN_UNICAST,
  );
  if (defaults.length === 0) return [];
  const lowest = Math.min(...defaults.map(metricOf));
  return defaults.filter((r) => metricOf(r) === lowest);
}

export const routeMetric = metricOf;
