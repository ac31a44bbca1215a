// An address tagged as PureLB's (IFA_PROTO 0x6c), as the agent adds them: written through netlink,
// since the iproute2 here cannot write an address protocol.
import { PURELB_ADDRESS_PROTOCOL } from '@purelb-ts/core';
import { Netlink } from '@purelb-ts/netlink-native';

export async function addTagged(ns: string, cidr: string, link: string): Promise<void> {
  const [address = '', length = ''] = cidr.split('/');
  const nl = await Netlink.open({ netns: ns });
  try {
    await nl.addresses.add({
      link,
      address,
      prefixLength: Number(length),
      protocol: PURELB_ADDRESS_PROTOCOL,
    });
  } finally {
    nl.close();
  }
}
