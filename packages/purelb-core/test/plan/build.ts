// Hand-built inputs for planning and diagnosis tests: links, addresses and placements with every key.

import type { DesiredState, NodeNetwork, Ownership, Placement } from '../../src/model.ts';
import { PURELB_ADDRESS_PROTOCOL } from '../../src/model.ts';
import type { Address, Link } from '../../src/net/objects.ts';
import { address as fixtureAddress, link as fixtureLink } from '../fixtures/seed-node.ts';

export const OURS: Ownership = { protocol: PURELB_ADDRESS_PROTOCOL };

/** A link with every key (an up Ethernet interface unless `fields` says otherwise). */
export const link = (index: number, name: string, fields: Partial<Link> = {}): Link =>
  fixtureLink({ index, name, ...fields });

/** An address with every key; "ip/len" text, unlabelled unless `fields` gives a label. */
export function addr(index: number, cidr: string, fields: Partial<Address> = {}): Address {
  const [ip = '', len = ''] = cidr.split('/');
  return fixtureAddress('', { index, address: ip, prefixLength: Number(len), label: undefined, ...fields });
}

/** An address as PureLB would have added it on a kernel >= 6.3 (tagged with our IFA_PROTO). */
export const ours = (index: number, cidr: string, fields: Partial<Address> = {}): Address =>
  addr(index, cidr, { protocol: PURELB_ADDRESS_PROTOCOL, ...fields });

/** A virtual placement on kube-lb0: permanent, prefix route allowed. */
export function virtual(cidr: string, fields: Partial<Placement> = {}): Placement {
  const [ip = '', len = ''] = cidr.split('/');
  const family = ip.includes(':') ? 6 : 4;
  return {
    ip,
    family,
    kind: 'virtual',
    link: 'kube-lb0',
    prefixLength: Number(len),
    broadcast: undefined,
    flags: [],
    validLifetime: Number.POSITIVE_INFINITY,
    preferredLifetime: Number.POSITIVE_INFINITY,
    services: ['default/web'],
    reason: 'test',
    ...fields,
  };
}

/** A local placement: 300 s lifetimes and noprefixroute, as upstream's defaults. */
export function local(cidr: string, linkName: string, fields: Partial<Placement> = {}): Placement {
  const base = virtual(cidr);
  const v6 = base.family === 6;
  return {
    ...base,
    kind: 'local',
    link: linkName,
    flags: ['noprefixroute'],
    validLifetime: 300,
    preferredLifetime: v6 ? 0 : 300,
    ...fields,
  };
}

export function desired(placements: Placement[], fields: Partial<DesiredState> = {}): DesiredState {
  return {
    node: 'purelb2-1',
    placements,
    skips: [],
    elections: {},
    dummyInterface: 'kube-lb0',
    agent: 'purelb/default',
    ...fields,
  };
}

export const ETH0 = 2;
export const ETH1 = 3;
export const DUMMY = 44;

/** eth0 (2, 192.168.1.10/24), eth1 (3, 10.0.0.10/24) and kube-lb0 (44, up, empty). */
export function network(addresses: Address[] = [], fields: Partial<NodeNetwork> = {}): NodeNetwork {
  return {
    links: [
      link(1, 'lo', { type: 772 }),
      link(ETH0, 'eth0'),
      link(ETH1, 'eth1'),
      link(DUMMY, 'kube-lb0', { kind: 'dummy', operState: 'unknown' }),
    ],
    addresses: [
      addr(ETH0, '192.168.1.10/24', { broadcast: '192.168.1.255', label: 'eth0' }),
      addr(ETH1, '10.0.0.10/24', { broadcast: '10.0.0.255', label: 'eth1' }),
      ...addresses,
    ],
    routes: [],
    ...fields,
  };
}
