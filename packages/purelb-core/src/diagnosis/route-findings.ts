// Findings about the local-interface election: ambiguous default routes (the seed's case) and none.

import { lowestDefaultRoutes, routeMetric } from '../election/default-route.ts';
import type { DesiredState, NodeNetwork } from '../model.ts';
import { familyName, ipCommand, routeText } from '../net/iproute-text.ts';
import type { Family, Route } from '../net/objects.ts';
import type { Finding } from './finding.ts';

const LOCAL_OVERRIDE = "or name the local interface in the LBNodeAgent's spec.local.localInterface";

/** The command that removes a route, and the one that would bring it back one metric higher. */
function reMetricCommands(family: Family, r: Route, text: string): string {
  const ip = ipCommand(family);
  const higher = text.replace(/ metric \d+$/, '').concat(` metric ${routeMetric(r) + 1}`);
  return `"${ip} route del ${text}", or re-add it as "${ip} route add ${higher}"`;
}

function ambiguous(
  family: Family,
  desired: DesiredState,
  network: NodeNetwork,
  candidates: string[],
  reason: string,
): Finding {
  const routes = lowestDefaultRoutes(family, network);
  const texts = routes.map((r) => routeText(r, network.links));
  const multipath = routes.length === 1 && routes[0]?.nexthops !== undefined;
  const what =
    routes.length > 1
      ? `${routes.length} default routes at metric ${routeMetric(routes[0]!)} (${texts.join('; ')})`
      : multipath
        ? `the default route is multipath across dev ${candidates.join(', dev ')} (${texts[0]})`
        : `default routes via dev ${candidates.join(', dev ')} (${oneReason(reason)})`;
  let fix: string;
  if (routes.length > 1) {
    const extra = routes.slice(1).map((r, i) => reMetricCommands(family, r, texts[i + 1]!));
    fix = `keep one default route at the lowest metric: remove or re-metric ${texts.slice(1).join('; ')} — e.g. ${extra.join('; ')}; ${LOCAL_OVERRIDE}`;
  } else if (multipath) {
    fix = `replace the multipath default with single-path default routes at different metrics, ${LOCAL_OVERRIDE}`;
  } else {
    fix = `keep one default route at the lowest metric, ${LOCAL_OVERRIDE}`;
  }
  return {
    code: 'ambiguous-default-route',
    severity: 'error',
    message: `PureLB is unable to identify the local interface for ${familyName(family)}: ${what}; local addresses go to dev ${desired.dummyInterface} instead`,
    link: candidates.join(','),
    expected: 'one default route at the lowest metric',
    actual: texts.length > 0 ? texts.join('; ') : candidates.map((c) => `dev ${c}`).join('; '),
    fix,
  };
}

const oneReason = (reason: string): string => reason.replace(/\s*\n\s*/g, ' ');

/** One finding per family whose election, recorded in the desired state, was ambiguous or found nothing. */
export function routeFindings(desired: DesiredState, network: NodeNetwork): Finding[] {
  const out: Finding[] = [];
  for (const family of [4, 6] as const) {
    const election = desired.elections[family];
    if (election === undefined) continue;
    if (election.status === 'ambiguous') {
      out.push(ambiguous(family, desired, network, election.candidates, election.reason));
    } else if (election.status === 'none') {
      out.push({
        code: 'no-default-route',
        severity: 'warning',
        message: `no ${familyName(family)} default route in the main table: PureLB cannot identify the local interface, so local addresses go to dev ${desired.dummyInterface}`,
        expected: 'default via <gateway> dev <interface>',
        actual: 'no default route',
        fix: `add a default route ("${ipCommand(family)} route add default via <gateway> dev <interface>"), ${LOCAL_OVERRIDE} or spec.local.interfaces`,
      });
    }
  }
  return out;
}
