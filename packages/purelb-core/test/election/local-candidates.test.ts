// Which interfaces a local address may go on (upstream's resolution order), which of their addresses
// give usable subnets, and which subnet an address falls in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findLocalSubnet, localCandidates } from '../../src/election/index.ts';
import { type NodeNetwork, PURELB_ADDRESS_PROTOCOL } from '../../src/model.ts';
import { formatCidr } from '../../src/net/cidr.ts';
import {
  address,
  ENP1S0,
  ENP2S0,
  link,
  route,
  seedNode,
  untagged,
  withSecondDefault,
} from '../fixtures/seed-node.ts';
import { agentLocal } from './helpers.ts';

const ETH10 = 60;
const ETH2 = 61;

/** The seed plus enp2s0 (192.168.122.10/24), eth10 (10.10.0.5/16) and eth2 (10.2.0.5/24). */
function multiNic(): NodeNetwork {
  const seed = seedNode();
  return {
    links: [
      ...seed.links,
      link({ index: ENP2S0, name: 'enp2s0' }),
      link({ index: ETH10, name: 'eth10' }),
      link({ index: ETH2, name: 'eth2' }),
    ],
    addresses: [
      ...seed.addresses,
      address('enp2s0', { index: ENP2S0, address: '192.168.122.10', prefixLength: 24 }),
      address('eth10', { index: ETH10, address: '10.10.0.5', prefixLength: 16 }),
      address('eth2', { index: ETH2, address: '10.2.0.5', prefixLength: 24 }),
    ],
    routes: seed.routes,
  };
}

const names = (r: ReturnType<typeof localCandidates>): string[] => r.candidates.map((c) => c.name);

const orderCases: {
  name: string;
  net: () => NodeNetwork;
  local: ReturnType<typeof agentLocal> | undefined;
  expect: string[];
}[] = [
  { name: 'no config: the default-route interface', net: seedNode, local: undefined, expect: ['enp1s0'] },
  { name: 'localInterface default', net: seedNode, local: agentLocal({}), expect: ['enp1s0'] },
  {
    name: 'default then interfaces[] in listed order',
    net: multiNic,
    local: agentLocal({ interfaces: ['eth2', 'enp2s0'] }),
    expect: ['enp1s0', 'eth2', 'enp2s0'],
  },
  {
    name: 'ambiguous default: interfaces[] only',
    net: () => withSecondDefault(multiNic()),
    local: agentLocal({ interfaces: ['eth2'] }),
    expect: ['eth2'],
  },
  {
    name: 'ambiguous default, no interfaces[]: nothing',
    net: () => withSecondDefault(seedNode()),
    local: agentLocal({}),
    expect: [],
  },
  {
    name: 'regex: unanchored, sorted by name, then interfaces[]',
    net: multiNic,
    local: agentLocal({ localInterface: 'th', interfaces: ['enp1s0'] }),
    expect: ['eth10', 'eth2', 'enp1s0'],
  },
  {
    name: 'regex never picks the dummy interface, loopback, nor names twice',
    net: multiNic,
    local: agentLocal({ localInterface: '.', interfaces: ['eth2', 'kube-lb0', 'lo'] }),
    expect: ['cni0', 'docker0', 'enp1s0', 'enp2s0', 'eth10', 'eth2'],
  },
  {
    name: 'a custom dummy name is excluded, and kube-lb0 then is an ordinary interface',
    net: multiNic,
    local: agentLocal({ localInterface: '^(eth2|kube-lb0)$', dummyInterface: 'eth2' }),
    expect: ['kube-lb0'],
  },
  {
    name: 'interfaces[] names missing on the node are left out',
    net: seedNode,
    local: agentLocal({ interfaces: ['bond0', 'cni0'] }),
    expect: ['enp1s0', 'cni0'],
  },
  {
    name: 'a regex matching nothing: nothing',
    net: seedNode,
    local: agentLocal({ localInterface: '^wlan' }),
    expect: [],
  },
];

for (const c of orderCases) {
  test(`candidate order: ${c.name}`, () => {
    assert.deepEqual(names(localCandidates(4, c.net(), c.local)), c.expect);
  });
}

test('the election is reported even when a regex chose the interfaces', () => {
  const r = localCandidates(4, withSecondDefault(multiNic()), agentLocal({ localInterface: 'eth' }));
  assert.equal(r.election.status, 'ambiguous');
  assert.deepEqual(names(r), ['eth10', 'eth2']);
});

test('a regex compiled with the g flag matches every name, not every other one', () => {
  const local = agentLocal({});
  local.localInterface = { pattern: 'eth', regex: /eth/g };
  assert.deepEqual(names(localCandidates(4, multiNic(), local)), ['eth10', 'eth2']);
});

test('seed: enp1s0 subnets are its own /24 (PureLB-tagged secondaries give none)', () => {
  const [enp1s0] = localCandidates(4, seedNode(), undefined).candidates;
  assert.deepEqual(
    enp1s0?.subnets.map((s) => [s.address, formatCidr(s.cidr), s.prefixLength]),
    [['172.30.250.104', '172.30.250.0/24', 24]],
  );
});

test('seed as an older PureLB left it: enp1s0 subnets are its three /24 addresses (untagged secondaries count), in dump order', () => {
  const [enp1s0] = localCandidates(4, untagged(seedNode()), undefined).candidates;
  assert.deepEqual(
    enp1s0?.subnets.map((s) => [s.address, formatCidr(s.cidr), s.prefixLength]),
    [
      ['172.30.250.104', '172.30.250.0/24', 24],
      ['172.30.250.53', '172.30.250.0/24', 24],
      ['172.30.250.54', '172.30.250.0/24', 24],
    ],
  );
});

test('addresses PureLB placed (IFA_PROTO tag, or label on an old kernel) give no subnet', () => {
  const seed = seedNode();
  const net: NodeNetwork = {
    ...seed,
    addresses: [
      ...seed.addresses.filter((a) => a.index !== ENP1S0 || a.family === 6),
      address('enp1s0', {
        index: ENP1S0,
        address: '10.1.0.5',
        prefixLength: 24,
        protocol: PURELB_ADDRESS_PROTOCOL,
      }),
      address('enp1s0', { index: ENP1S0, address: '10.2.0.5', prefixLength: 24, label: 'enp1s0:plb' }),
      address('enp1s0', {
        index: ENP1S0,
        address: '10.3.0.5',
        prefixLength: 24,
        label: 'enp1s0:plb',
        protocol: 4,
      }),
      address('enp1s0', { index: ENP1S0, address: '10.4.0.5', prefixLength: 24, label: 'enp1s0:other' }),
      address('enp1s0', { index: ENP1S0, address: '10.5.0.5', prefixLength: 32 }),
    ],
  };
  const [enp1s0] = localCandidates(4, net, undefined).candidates;
  // 10.3: another owner's IFA_PROTO beats a look-alike label; 10.5/32: a host address holds no other.
  assert.deepEqual(
    enp1s0?.subnets.map((s) => formatCidr(s.cidr)),
    ['10.3.0.0/24', '10.4.0.0/24'],
  );
});

/** enp1s0 with an IPv6 default route and the given IPv6 addresses. */
function v6Node(addrs: { address: string; prefixLength: number; flags?: number }[]): NodeNetwork {
  const seed = seedNode();
  return {
    links: seed.links,
    addresses: [
      ...seed.addresses.filter((a) => a.family === 4),
      ...addrs.map((a) => address('enp1s0', { index: ENP1S0, ...a })),
    ],
    routes: [...seed.routes, route({ family: 6, oif: ENP1S0, gateway: 'fe80::1', priority: 1024 })],
  };
}

const v6Cases: { name: string; flags: number; address?: string; prefixLength?: number; usable: boolean }[] = [
  { name: 'a global /64', flags: 0x80, usable: true },
  { name: 'tentative (0x40)', flags: 0x40, usable: false },
  { name: 'dadfailed (0x08)', flags: 0x08 | 0x40, usable: false },
  { name: 'deprecated (0x20)', flags: 0x20, usable: false },
  { name: 'optimistic (0x04) is usable', flags: 0x04, usable: true },
  { name: 'nodad (0x02) is usable', flags: 0x02, usable: true },
  { name: 'link-local fe80::/10', flags: 0x80, address: 'febf::5', usable: false },
  { name: 'just outside link-local (fec0::)', flags: 0x80, address: 'fec0::5', usable: true },
  { name: "a /128 (as the seed's DHCPv6 address)", flags: 0, prefixLength: 128, usable: false },
];

for (const c of v6Cases) {
  test(`IPv6 subnet source: ${c.name} → ${c.usable ? 'usable' : 'skipped'}`, () => {
    const addr = c.address ?? '2001:db8:1::10';
    const net = v6Node([{ address: addr, prefixLength: c.prefixLength ?? 64, flags: c.flags }]);
    const [enp1s0] = localCandidates(6, net, undefined).candidates;
    assert.equal(enp1s0?.name, 'enp1s0');
    assert.equal(enp1s0.subnets.length, c.usable ? 1 : 0);
  });
}

test('IPv6: an address inside a usable /64 is local with prefix 64; the seed link-local gives nothing', () => {
  const net = v6Node([
    { address: 'fe80::5054:ff:fe76:5b6', prefixLength: 64, flags: 0x80 },
    { address: '2001:db8:1::10', prefixLength: 64, flags: 0x80 },
  ]);
  const { candidates } = localCandidates(6, net, undefined);
  const m = findLocalSubnet('2001:db8:1::ffff', candidates);
  assert.equal(m?.candidate.name, 'enp1s0');
  assert.equal(m?.prefixLength, 64);
  assert.equal(m?.subnet.address, '2001:db8:1::10');
  assert.equal(findLocalSubnet('fe80::99', candidates), undefined);
  assert.equal(findLocalSubnet('2001:db8:2::1', candidates), undefined);
});

test('seed: 172.30.250.53 is local to enp1s0 at /24; kube-lb0 subnets never make an address local', () => {
  const { candidates } = localCandidates(4, seedNode(), undefined);
  const m = findLocalSubnet('172.30.250.53', candidates);
  assert.equal(m?.candidate.name, 'enp1s0');
  assert.equal(m?.prefixLength, 24);
  assert.equal(findLocalSubnet('172.31.2.200', candidates), undefined);
  assert.equal(findLocalSubnet('2001:470:8bf5:1:1::2', candidates), undefined);
});

test('findLocalSubnet: the first candidate holding the address wins, even with a more specific later one', () => {
  const candidates = localCandidates(4, multiNic(), agentLocal({ localInterface: 'eth' })).candidates;
  // eth10 is 10.10.0.0/16; eth2 10.2.0.0/24. Add a more specific subnet of 10.10 to eth2 by hand.
  const eth2 = candidates[1]!;
  const more = {
    ...eth2,
    subnets: [
      ...eth2.subnets,
      {
        ...eth2.subnets[0]!,
        prefixLength: 24,
        cidr: { family: 4 as const, network: 0x0a0a0000n, prefixLength: 24 },
      },
    ],
  };
  const m = findLocalSubnet('10.10.0.9', [candidates[0]!, more]);
  assert.equal(m?.candidate.name, 'eth10');
  assert.equal(m?.prefixLength, 16);
});

test('findLocalSubnet: within one interface the longest prefix wins, whatever the address order', () => {
  const seed = seedNode();
  for (const order of [
    [16, 24],
    [24, 16],
  ]) {
    const net: NodeNetwork = {
      ...seed,
      addresses: [
        ...seed.addresses.filter((a) => a.index !== ENP1S0),
        ...order.map((p, i) =>
          address('enp1s0', { index: ENP1S0, address: `172.30.250.${10 + i}`, prefixLength: p }),
        ),
      ],
    };
    const m = findLocalSubnet('172.30.250.77', localCandidates(4, net, undefined).candidates);
    assert.equal(m?.prefixLength, 24, `order ${order}`);
  }
});

test('findLocalSubnet names bad input', () => {
  assert.throws(() => findLocalSubnet('172.30.250', []), /"172\.30\.250" is not an IP address/);
});
