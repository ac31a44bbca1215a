// The dumps the core's rules read, from one netlink handle. A dump interrupted by a concurrent
// change (NLM_F_DUMP_INTR) is re-run; the monitor will mark the reconciler dirty again anyway.
import type { NexthopObject, NodeNetwork } from '@purelb-ts/core';
import { type Netlink, NetlinkError, type Route } from '@purelb-ts/netlink-native';

const RETRIES = 5;

/**
 * The main table of one family. A namespace with no route of a family has no main table yet, and the
 * kernel answers the dump with ENOENT ("FIB table does not exist"); with IPv6 switched off it may
 * refuse the family. Both mean: no routes of that family.
 */
async function mainRoutes(nl: Netlink, family: 4 | 6): Promise<Route[]> {
  try {
    return [...(await nl.routes.list({ family, retryInterrupted: RETRIES }))];
  } catch (err) {
    if (err instanceof NetlinkError && (err.code === 'ENOENT' || err.code === 'EAFNOSUPPORT')) return [];
    throw err;
  }
}

/**
 * Nexthop objects, which routes may name by id. A kernel built without them (before 5.3) refuses the
 * dump: then no route can name one either.
 */
async function nexthops(nl: Netlink): Promise<NexthopObject[]> {
  try {
    return [...(await nl.nexthops.list({ retryInterrupted: RETRIES }))];
  } catch (err) {
    if (err instanceof NetlinkError && ['EOPNOTSUPP', 'EINVAL', 'ENOENT', 'EAFNOSUPPORT'].includes(err.code))
      return [];
    throw err;
  }
}

export async function readNetwork(nl: Netlink): Promise<NodeNetwork> {
  const [links, addresses, v4, v6, objects] = await Promise.all([
    nl.links.list({ retryInterrupted: RETRIES }),
    nl.addresses.list({ retryInterrupted: RETRIES }),
    mainRoutes(nl, 4),
    mainRoutes(nl, 6),
    nexthops(nl),
  ]);
  return { links: [...links], addresses: [...addresses], routes: [...v4, ...v6], nexthops: objects };
}
