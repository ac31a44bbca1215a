// The default routes per family and the local interface they elect: the part of `ip route` PureLB reads.
import {
  type DesiredState,
  defaultRoutes,
  electDefaultInterface,
  type LocalInterfaceElection,
  type NodeNetwork,
  routeText,
} from '@purelb-ts/core';

export interface FamilyRoutes {
  /** Main-table default routes as `ip route` prints them. */
  defaults: string[];
  /** The local-interface election: elected (interface), ambiguous (candidates) or none. */
  election: 'elected' | 'ambiguous' | 'none';
  interface: string | null;
  candidates: string[];
  reason: string;
  /** false: no address of this family needed the election; it is shown as the default routes decide it. */
  used: boolean;
}

function describe(e: LocalInterfaceElection, network: NodeNetwork, used: boolean): FamilyRoutes {
  return {
    defaults: defaultRoutes(e.family, network).map((r) => routeText(r, network.links)),
    election: e.status,
    interface: e.status === 'elected' ? e.link : null,
    candidates: e.status === 'ambiguous' ? e.candidates : [],
    reason: e.reason,
    used,
  };
}

export function familyRoutes(
  desired: DesiredState,
  network: NodeNetwork,
): { ipv4: FamilyRoutes; ipv6: FamilyRoutes } {
  const of = (family: 4 | 6): FamilyRoutes => {
    const decided = desired.elections[family];
    return decided === undefined
      ? describe(electDefaultInterface(family, network), network, false)
      : describe(decided, network, true);
  };
  return { ipv4: of(4), ipv6: of(6) };
}
