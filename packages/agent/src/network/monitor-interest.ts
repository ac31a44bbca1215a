// Which notifications the kernel may drop before they reach the agent's monitor (the netlink
// library's MonitorFilter, a socket filter: dropped messages cost no wake-up and no decode).
//
// Invariant: nothing dropped can change a decision. The rules read only the main routing table, so
// routes of other tables go. A host-length address (/32, /128) is never a subnet (usableSubnets) and
// never reaches a network (nodeFacts), so it matters only where the agent places addresses or where
// it could be a Service IP: on the virtual interface, or inside a pool's subnet (an address outside
// every pool is no Service IP here; desiredState skips it as 'no-group'). Every other host-length
// address goes: a kube-proxy in IPVS mode adds and deletes one on kube-ipvs0 per ClusterIP. Shorter
// prefixes, links and nexthops always pass.
//
// Until the first decision says where the virtual interface is and what the pools are, every address
// passes. The virtual interface's index is followed from link notifications as they are handled,
// before the reconcile they trigger reads the network, so an address added to a virtual interface
// created since the last decision is either in that read or in a notification that passes.
//
// A host-length route passes the filter (the kernel adds one to the main table for each IPv6 /128 it
// is given) but decides no election: only default routes do. One not through the virtual interface
// is therefore not urgent: the watch coalesces it with foreign addresses instead of reconciling at once.
import type { Link, MonitorFilter, Route } from '@purelb-ts/netlink-native';

export interface MonitorInterest {
  /** The configured virtual interface's name (undefined: no LBNodeAgent selects this node). */
  virtualInterface: string | undefined;
  /** The links the decision read, to find the virtual interface's index. */
  links: readonly Pick<Link, 'index' | 'name'>[];
  /** Every pool's subnet in force (core's poolSubnets). */
  poolSubnets: readonly string[];
}

const MAIN_TABLE_ONLY: MonitorFilter = { routeTables: ['main'] };

export class InterestFilter {
  #name: string | undefined;
  #index: number | undefined;
  #subnets: readonly string[] | undefined;

  /** A decision's interest; true when the filter changes. */
  follow(interest: MonitorInterest): boolean {
    const before = this.key();
    this.#name = interest.virtualInterface;
    this.#index = interest.links.find((l) => l.name === interest.virtualInterface)?.index;
    this.#subnets = [...interest.poolSubnets];
    return this.key() !== before;
  }

  /** A link notification; true when the filter changes (the virtual interface appeared, went or was renamed). */
  link(action: 'new' | 'del', link: Pick<Link, 'index' | 'name'>): boolean {
    const before = this.#index;
    if (action === 'new' && this.#name !== undefined && link.name === this.#name) this.#index = link.index;
    else if (link.index === this.#index) this.#index = undefined;
    return this.#index !== before;
  }

  /** False for a host-length route not through the virtual interface (see above); true otherwise. */
  urgentRoute(route: Pick<Route, 'family' | 'dstLength' | 'oif'>): boolean {
    const hostLength = route.family === 4 ? 32 : 128;
    return route.dstLength !== hostLength || route.oif === undefined || route.oif === this.#index;
  }

  /** The filter for the monitor now. */
  filter(): MonitorFilter {
    if (this.#subnets === undefined) return MAIN_TABLE_ONLY;
    return {
      ...MAIN_TABLE_ONLY,
      hostAddressLinks: this.#index === undefined ? [] : [this.#index],
      hostAddressPrefixes: this.#subnets,
    };
  }

  key(): string {
    return JSON.stringify(this.filter());
  }
}
