// What the kernel has: the same three dumps the agent reads, from this network namespace or a named one.
import type { NodeNetwork } from '@purelb-ts/core';
import { Netlink } from '@purelb-ts/netlink-native';
import { readNetwork } from '../network/read-network.ts';
import { CannotLook } from './options.ts';

export async function readKernel(netns: string | undefined): Promise<NodeNetwork> {
  let nl: Netlink;
  try {
    nl = await Netlink.open(netns === undefined ? {} : { netns });
  } catch (err) {
    const where = netns === undefined ? 'this network namespace' : `network namespace ${netns}`;
    throw new CannotLook(`cannot open a netlink socket in ${where}: ${(err as Error).message}`);
  }
  try {
    return await readNetwork(nl);
  } catch (err) {
    throw new CannotLook(`cannot read links, addresses and routes: ${(err as Error).message}`);
  } finally {
    nl.close();
  }
}
