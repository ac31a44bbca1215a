// The three dumps the core's rules read, from one netlink handle. A dump interrupted by a concurrent
// change (NLM_F_DUMP_INTR) is re-run; the monitor will mark the reconciler dirty again anyway.
import type { NodeNetwork } from '@purelb-ts/core';
import type { Netlink } from '@purelb-ts/netlink-native';

const RETRIES = 5;

export async function readNetwork(nl: Netlink): Promise<NodeNetwork> {
  const [links, addresses, routes] = await Promise.all([
    nl.links.list({ retryInterrupted: RETRIES }),
    nl.addresses.list({ retryInterrupted: RETRIES }),
    nl.routes.list({ retryInterrupted: RETRIES }),
  ]);
  return { links: [...links], addresses: [...addresses], routes: [...routes] };
}
