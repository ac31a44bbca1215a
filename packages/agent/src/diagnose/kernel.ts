// What the kernel has: the same dumps the agent reads, from this network namespace or a named one; the
// kernel's own answer (`ip route get`) for each gateway and subnet of the node, to see whether any is
// reached through the virtual interface; and, while the socket is open, a probe of the segment for the
// local addresses the node should hold but does not (another host may be answering for them).
import { type NodeNetwork, type Ownership, type RouteLookup, routeLookupTargets } from '@purelb-ts/core';
import { Netlink, NetlinkError } from '@purelb-ts/netlink-native';
import type { Claims } from '../network/probe-claims.ts';
import { readNetwork } from '../network/read-network.ts';
import { CannotLook } from './options.ts';

export interface Kernel {
  network: NodeNetwork;
  /** `ip route get` for every gateway and node subnet (undefined route: the kernel has none). */
  lookups(ownership: Ownership, virtualInterface: string): Promise<RouteLookup[]>;
  /** Who answers for these addresses on their segment, by IP; a failed probe is `unprobed` with why. */
  probe(claims: readonly Claims[]): Promise<{ answered: Map<string, string>; unprobed: string[] }>;
  close(): void;
}

async function lookup(nl: Netlink, destination: string, what: string): Promise<RouteLookup> {
  try {
    return { destination, what, route: await nl.routes.get(destination) };
  } catch (err) {
    // No route to it (ENETUNREACH, EHOSTUNREACH...) is an answer, not a failure to look.
    if (err instanceof NetlinkError) return { destination, what, route: undefined };
    throw err;
  }
}

async function probeAll(nl: Netlink, claims: readonly Claims[]) {
  const answered = new Map<string, string>();
  const unprobed: string[] = [];
  for (const c of claims) {
    try {
      for (const r of await nl.probe(c.link, c.ips)) {
        if (r.conflict !== undefined)
          answered.set(r.address, `${r.conflict.how} from ${r.conflict.mac} on ${c.link}`);
      }
    } catch (err) {
      unprobed.push(`${c.ips.join(', ')} on ${c.link}: ${(err as Error).message}`);
    }
  }
  return { answered, unprobed };
}

export async function readKernel(netns: string | undefined): Promise<Kernel> {
  let nl: Netlink;
  try {
    nl = await Netlink.open(netns === undefined ? {} : { netns });
  } catch (err) {
    const where = netns === undefined ? 'this network namespace' : `network namespace ${netns}`;
    throw new CannotLook(`cannot open a netlink socket in ${where}: ${(err as Error).message}`);
  }
  let network: NodeNetwork;
  try {
    network = await readNetwork(nl);
  } catch (err) {
    nl.close();
    throw new CannotLook(`cannot read links, addresses and routes: ${(err as Error).message}`);
  }
  return {
    network,
    lookups: (ownership, virtualInterface) =>
      Promise.all(
        routeLookupTargets(network, ownership, virtualInterface).map((t) =>
          lookup(nl, t.destination, t.what),
        ),
      ),
    probe: (claims) => probeAll(nl, claims),
    close: () => nl.close(),
  };
}
