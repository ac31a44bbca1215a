// The subnets a node advertises in its lease (purelb.io/subnets): exactly where it could place a local
// address, in the canonical, sorted form the allocator matches as strings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advertisedSubnets } from '../../src/election/index.ts';
import type { NodeNetwork } from '../../src/model.ts';
import { address, ENP1S0, ENP2S0, link, route, seedNode, withSecondDefault } from '../fixtures/seed-node.ts';
import { agentLocal } from './helpers.ts';

/** The seed with an IPv6 default on enp1s0 and a global /64 there (written non-canonically). */
function dualStack(): NodeNetwork {
  const seed = seedNode();
  return {
    links: seed.links,
    addresses: [
      ...seed.addresses,
      address('enp1s0', { index: ENP1S0, address: '2001:db8:0:1::10', prefixLength: 64 }),
      address('enp1s0', { index: ENP1S0, address: '2001:db8:0:1::11', prefixLength: 64 }),
    ],
    routes: [...seed.routes, route({ family: 6, oif: ENP1S0, gateway: 'fe80::1', priority: 1024 })],
  };
}

const cases: {
  name: string;
  net: () => NodeNetwork;
  local: ReturnType<typeof agentLocal> | undefined;
  expect: string[];
}[] = [
  {
    name: 'seed before any config: the IPv4 default interface only (its IPv6 is a /128, no default)',
    net: seedNode,
    local: undefined,
    expect: ['172.30.250.0/24'],
  },
  {
    name: 'dual stack: both families, deduplicated, sorted as strings',
    net: dualStack,
    local: undefined,
    expect: ['172.30.250.0/24', '2001:db8:0:1::/64'],
  },
  {
    name: 'ambiguous IPv4 default: that family contributes none, IPv6 still does',
    net: () => withSecondDefault(dualStack()),
    local: undefined,
    expect: ['2001:db8:0:1::/64'],
  },
  {
    name: 'ambiguous default with interfaces[]: only those interfaces',
    net: () => withSecondDefault(seedNode()),
    local: agentLocal({ interfaces: ['cni0'] }),
    expect: ['10.129.0.0/24'],
  },
  {
    name: 'a regex over every name: loopback and the dummy excluded',
    net: () => withSecondDefault(seedNode()),
    local: agentLocal({ localInterface: '.*' }),
    expect: ['10.129.0.0/24', '172.17.0.0/16', '172.30.250.0/24', '192.168.122.0/24'],
  },
  {
    name: 'an interface the config names but the node lacks adds nothing',
    net: seedNode,
    local: agentLocal({ interfaces: ['bond0'] }),
    expect: ['172.30.250.0/24'],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(advertisedSubnets(c.net(), c.local), c.expect);
  });
}

test('an interface with no addresses advertises nothing, and the list never has duplicates', () => {
  const seed = seedNode();
  const net: NodeNetwork = { ...seed, links: [...seed.links, link({ index: ENP2S0, name: 'enp2s0' })] };
  const subnets = advertisedSubnets(net, agentLocal({ interfaces: ['enp2s0', 'enp1s0'] }));
  assert.deepEqual(subnets, ['172.30.250.0/24']);
});
