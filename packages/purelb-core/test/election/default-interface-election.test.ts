// The local interface of a family is the one the kernel sends off-link traffic through: the main-table
// default route of the lowest metric, then (IPv6) the highest router preference, followed through a
// nexthop object when the route names one. Any remaining doubt (a tie across interfaces, a multipath
// default or a nexthop group over several) is reported, never guessed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRoutes, electDefaultInterface } from '../../src/election/index.ts';
import type { NexthopObject, NodeNetwork, Route } from '../../src/model.ts';
import { routeText } from '../../src/net/iproute-text.ts';
import {
  ENP1S0,
  ENP2S0,
  link,
  nexthopObject,
  route,
  seedNode,
  withSecondDefault,
} from '../fixtures/seed-node.ts';

const ETH3 = 50;

/** The seed node with its default routes replaced by `defaults`, plus links enp2s0 and eth3. */
function withDefaults(defaults: Route[], nexthops: NexthopObject[] = []): NodeNetwork {
  const seed = seedNode();
  return {
    links: [...seed.links, link({ index: ENP2S0, name: 'enp2s0' }), link({ index: ETH3, name: 'eth3' })],
    addresses: seed.addresses,
    routes: [...seed.routes.filter((r) => r.dstLength !== 0), ...defaults],
    nexthops,
  };
}

const nh = (id: number, fields: Partial<NexthopObject> = {}): NexthopObject =>
  nexthopObject({ id, ...fields });
const HIGH = 1;
const LOW = 3;

const hop = (oif: number, gateway: string) => ({ gateway, oif, weight: 1, flags: 0 });

test('the seed node elects enp1s0, naming its default route as iproute2 prints it', () => {
  const e = electDefaultInterface(4, seedNode());
  assert.equal(e.status, 'elected');
  assert.ok(e.status === 'elected');
  assert.equal(e.link, 'enp1s0');
  assert.equal(e.index, ENP1S0);
  assert.match(
    e.reason,
    /\(default via 172\.30\.250\.1 dev enp1s0 proto dhcp src 172\.30\.250\.104 metric 100\)/,
  );
});

test('the seed with a second equal default is ambiguous, names both, and sends addresses to the dummy', () => {
  const e = electDefaultInterface(4, withSecondDefault(seedNode()));
  assert.equal(e.status, 'ambiguous');
  assert.ok(e.status === 'ambiguous');
  assert.deepEqual(e.candidates, ['enp1s0', 'enp2s0']);
  assert.match(e.reason, /PureLB is unable to identify the local interface/);
  assert.match(
    e.reason,
    /default via 172\.30\.250\.1 dev enp1s0 proto dhcp src 172\.30\.250\.104 metric 100; default via 192\.168\.122\.1 dev enp2s0 proto dhcp metric 100/,
  );
  assert.match(e.reason, /dummy \(virtual\) interface/);
});

test('the seed has no IPv6 default route: none', () => {
  const e = electDefaultInterface(6, seedNode());
  assert.deepEqual(e, { status: 'none', family: 6, reason: 'no IPv6 default route in the main table' });
});

type Expect =
  | { status: 'elected'; link: string }
  | { status: 'ambiguous'; candidates: string[] }
  | { status: 'none' };

const cases: { name: string; defaults: Route[]; nexthops?: NexthopObject[]; expect: Expect }[] = [
  {
    name: 'lowest metric wins over a higher one',
    defaults: [
      route({ family: 4, oif: ENP2S0, gateway: '192.168.122.1', priority: 50 }),
      route({ family: 4, oif: ENP1S0, gateway: '172.30.250.1', priority: 100 }),
    ],
    expect: { status: 'elected', link: 'enp2s0' },
  },
  {
    name: 'an absent metric is 0 and beats metric 100',
    defaults: [
      route({ family: 4, oif: ENP1S0, gateway: '172.30.250.1', priority: 100 }),
      route({ family: 4, oif: ENP2S0, gateway: '192.168.122.1', priority: undefined }),
    ],
    expect: { status: 'elected', link: 'enp2s0' },
  },
  {
    name: 'a tie at a higher metric does not matter when one route is lower',
    defaults: [
      route({ family: 4, oif: ENP1S0, gateway: '172.30.250.1', priority: 10 }),
      route({ family: 4, oif: ENP2S0, gateway: '192.168.122.1', priority: 200 }),
      route({ family: 4, oif: ETH3, gateway: '10.0.0.1', priority: 200 }),
    ],
    expect: { status: 'elected', link: 'enp1s0' },
  },
  {
    name: 'three-way tie names all three',
    defaults: [
      route({ family: 4, oif: ETH3, gateway: '10.0.0.1', priority: 5 }),
      route({ family: 4, oif: ENP1S0, gateway: '172.30.250.1', priority: 5 }),
      route({ family: 4, oif: ENP2S0, gateway: '192.168.122.1', priority: 5 }),
    ],
    expect: { status: 'ambiguous', candidates: ['eth3', 'enp1s0', 'enp2s0'] },
  },
  {
    name: 'two equal defaults through the same interface still identify it',
    defaults: [
      route({ family: 4, oif: ENP1S0, gateway: '172.30.250.1', priority: 100 }),
      route({ family: 4, oif: ENP1S0, gateway: '172.30.250.2', priority: 100 }),
    ],
    expect: { status: 'elected', link: 'enp1s0' },
  },
  {
    name: 'multipath default over two interfaces is ambiguous',
    defaults: [
      route({
        family: 4,
        oif: undefined,
        priority: 100,
        nexthops: [hop(ENP1S0, '172.30.250.1'), hop(ENP2S0, '192.168.122.1')],
      }),
    ],
    expect: { status: 'ambiguous', candidates: ['enp1s0', 'enp2s0'] },
  },
  {
    name: 'multipath default whose nexthops share one interface elects it',
    defaults: [
      route({
        family: 4,
        oif: undefined,
        priority: 100,
        nexthops: [hop(ENP1S0, '172.30.250.1'), hop(ENP1S0, '172.30.250.2')],
      }),
    ],
    expect: { status: 'elected', link: 'enp1s0' },
  },
  {
    name: 'a multipath default beaten by a lower single default does not matter',
    defaults: [
      route({
        family: 4,
        oif: undefined,
        priority: 100,
        nexthops: [hop(ENP1S0, '172.30.250.1'), hop(ENP2S0, '192.168.122.1')],
      }),
      route({ family: 4, oif: ETH3, gateway: '10.0.0.1', priority: 1 }),
    ],
    expect: { status: 'elected', link: 'eth3' },
  },
  {
    name: 'defaults in other tables are ignored',
    defaults: [
      route({ family: 4, oif: ENP2S0, gateway: '192.168.122.1', priority: 0, table: 100 }),
      route({ family: 4, oif: ENP1S0, gateway: '172.30.250.1', priority: 100 }),
    ],
    expect: { status: 'elected', link: 'enp1s0' },
  },
  {
    name: 'non-unicast defaults (blackhole, unreachable) are ignored',
    defaults: [
      route({ family: 4, oif: undefined, priority: 0, type: 6 }),
      route({ family: 4, oif: undefined, priority: 0, type: 7 }),
      route({ family: 4, oif: ENP1S0, gateway: '172.30.250.1', priority: 100 }),
    ],
    expect: { status: 'elected', link: 'enp1s0' },
  },
  {
    name: 'only non-default routes: none',
    defaults: [],
    expect: { status: 'none' },
  },
  {
    name: 'a default through an ifindex missing from the link dump names no interface: none',
    defaults: [route({ family: 4, oif: 99, gateway: '10.9.9.1', priority: 1 })],
    expect: { status: 'none' },
  },
  {
    name: 'a default through a nexthop object (compat mode 0: only nhid in the route) elects its device',
    defaults: [route({ family: 4, oif: undefined, nhId: 10, priority: 100 })],
    nexthops: [nh(10, { oif: ENP2S0, gateway: '192.168.122.1' })],
    expect: { status: 'elected', link: 'enp2s0' },
  },
  {
    name: 'a nexthop group whose members share one device elects it',
    defaults: [route({ family: 4, oif: undefined, nhId: 20 })],
    nexthops: [
      nh(10, { oif: ENP1S0, gateway: '172.30.250.1' }),
      nh(11, { oif: ENP1S0, gateway: '172.30.250.2' }),
      nh(20, {
        group: [
          { id: 10, weight: 1 },
          { id: 11, weight: 1 },
        ],
      }),
    ],
    expect: { status: 'elected', link: 'enp1s0' },
  },
  {
    name: 'a nexthop group over two devices is ambiguous',
    defaults: [route({ family: 4, oif: undefined, nhId: 20 })],
    nexthops: [
      nh(10, { oif: ENP1S0, gateway: '172.30.250.1' }),
      nh(11, { oif: ENP2S0, gateway: '192.168.122.1' }),
      nh(20, {
        group: [
          { id: 10, weight: 1 },
          { id: 11, weight: 1 },
        ],
      }),
    ],
    expect: { status: 'ambiguous', candidates: ['enp1s0', 'enp2s0'] },
  },
  {
    name: 'a blackhole nexthop names no interface: none',
    defaults: [route({ family: 4, oif: undefined, nhId: 30 })],
    nexthops: [nh(30, { blackhole: true })],
    expect: { status: 'none' },
  },
  {
    name: 'a route naming a nexthop object the dump does not hold names no interface: none',
    defaults: [route({ family: 4, oif: undefined, nhId: 31 })],
    expect: { status: 'none' },
  },
];

for (const c of cases) {
  test(`IPv4: ${c.name}`, () => {
    const e = electDefaultInterface(4, withDefaults(c.defaults, c.nexthops));
    assert.equal(e.status, c.expect.status, e.reason);
    if (c.expect.status === 'elected' && e.status === 'elected') assert.equal(e.link, c.expect.link);
    if (c.expect.status === 'ambiguous' && e.status === 'ambiguous') {
      assert.deepEqual(e.candidates, c.expect.candidates);
      assert.match(e.reason, /unable to identify the local interface/);
    }
    assert.equal(e.family, 4);
  });
}

test('IPv6 default routes are elected per family, IPv4 defaults do not count', () => {
  const seed = seedNode();
  const v6 = route({ family: 6, oif: ENP1S0, gateway: 'fe80::1', priority: 1024 });
  const net = { ...seed, routes: [...seed.routes, v6] };
  const e = electDefaultInterface(6, net);
  assert.ok(e.status === 'elected');
  assert.equal(e.link, 'enp1s0');
  assert.match(e.reason, /default via fe80::1 dev enp1s0 metric 1024 pref medium/);
  assert.deepEqual(defaultRoutes(6, net), [v6]);
  assert.equal(electDefaultInterface(4, net).status, 'elected');
});

const RA = 9;
const ra = (oif: number, gateway: string, pref: number, priority = 1024): Route =>
  route({ family: 6, oif, gateway, pref, priority, protocol: RA });

const v6cases: { name: string; defaults: Route[]; expect: Expect }[] = [
  {
    name: 'router advertisements with preference high and low at one metric: the high one, as the kernel',
    defaults: [ra(ENP2S0, 'fe80::2', LOW), ra(ENP1S0, 'fe80::1', HIGH)],
    expect: { status: 'elected', link: 'enp1s0' },
  },
  {
    name: 'medium beats low',
    defaults: [ra(ENP1S0, 'fe80::1', LOW), ra(ENP2S0, 'fe80::2', 0)],
    expect: { status: 'elected', link: 'enp2s0' },
  },
  {
    name: 'the metric comes before the preference',
    defaults: [ra(ENP1S0, 'fe80::1', HIGH, 2048), ra(ENP2S0, 'fe80::2', LOW, 1024)],
    expect: { status: 'elected', link: 'enp2s0' },
  },
  {
    name: 'the same preference and metric through two interfaces is a true tie: ambiguous',
    defaults: [ra(ENP1S0, 'fe80::1', HIGH), ra(ENP2S0, 'fe80::2', HIGH)],
    expect: { status: 'ambiguous', candidates: ['enp1s0', 'enp2s0'] },
  },
];

for (const c of v6cases) {
  test(`IPv6: ${c.name}`, () => {
    const e = electDefaultInterface(6, withDefaults(c.defaults));
    assert.equal(e.status, c.expect.status, e.reason);
    if (c.expect.status === 'elected' && e.status === 'elected') assert.equal(e.link, c.expect.link);
    if (c.expect.status === 'ambiguous' && e.status === 'ambiguous') {
      assert.deepEqual(e.candidates, c.expect.candidates);
      assert.match(e.reason, /share the lowest metric 1024 and router preference high/);
    }
  });
}

test('routeText prints multipath and gatewayless routes as iproute2 does', () => {
  const links = withDefaults([]).links;
  const multi = route({
    family: 4,
    oif: undefined,
    priority: 100,
    nexthops: [hop(ENP1S0, '172.30.250.1'), hop(ENP2S0, '192.168.122.1')],
  });
  assert.equal(
    routeText(multi, links),
    'default metric 100 nexthop via 172.30.250.1 dev enp1s0 weight 1 nexthop via 192.168.122.1 dev enp2s0 weight 1',
  );
  assert.equal(
    routeText(route({ family: 4, oif: ENP1S0, dst: '172.30.250.0', dstLength: 24 }), links),
    '172.30.250.0/24 dev enp1s0',
  );
  assert.equal(
    routeText(route({ family: 4, oif: 77, via: 'fe80::1' }), links),
    'default via inet6 fe80::1 dev if77',
  );
});
