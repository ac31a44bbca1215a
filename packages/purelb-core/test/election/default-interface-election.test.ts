// The local interface of a family is the one holding the lowest-metric main-table default route; any
// doubt (a tie across interfaces, a multipath default over several) is reported, never guessed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRoutes, electDefaultInterface, formatRoute } from '../../src/election/index.ts';
import type { NodeNetwork, Route } from '../../src/model.ts';
import { ENP1S0, ENP2S0, link, route, seedNode, withSecondDefault } from '../fixtures/seed-node.ts';

const ETH3 = 50;

/** The seed node with its IPv4 default routes replaced by `defaults`, plus links enp2s0 and eth3. */
function withDefaults(defaults: Route[]): NodeNetwork {
  const seed = seedNode();
  return {
    links: [...seed.links, link({ index: ENP2S0, name: 'enp2s0' }), link({ index: ETH3, name: 'eth3' })],
    addresses: seed.addresses,
    routes: [...seed.routes.filter((r) => !(r.family === 4 && r.dstLength === 0)), ...defaults],
  };
}

const hop = (oif: number, gateway: string) => ({ gateway, oif, weight: 1, flags: 0 });

test('the seed node elects enp1s0, naming its default route as iproute2 prints it', () => {
  const e = electDefaultInterface(4, seedNode());
  assert.equal(e.status, 'elected');
  assert.ok(e.status === 'elected');
  assert.equal(e.link, 'enp1s0');
  assert.equal(e.index, ENP1S0);
  assert.match(e.reason, /\(default via 172\.30\.250\.1 dev enp1s0 metric 100\)/);
});

test('the seed with a second equal default is ambiguous, names both, and sends addresses to the dummy', () => {
  const e = electDefaultInterface(4, withSecondDefault(seedNode()));
  assert.equal(e.status, 'ambiguous');
  assert.ok(e.status === 'ambiguous');
  assert.deepEqual(e.candidates, ['enp1s0', 'enp2s0']);
  assert.match(e.reason, /PureLB is unable to identify the local interface/);
  assert.match(
    e.reason,
    /default via 172\.30\.250\.1 dev enp1s0 metric 100; default via 192\.168\.122\.1 dev enp2s0 metric 100/,
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

const cases: { name: string; defaults: Route[]; expect: Expect }[] = [
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
];

for (const c of cases) {
  test(`IPv4: ${c.name}`, () => {
    const e = electDefaultInterface(4, withDefaults(c.defaults));
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
  assert.match(e.reason, /default via fe80::1 dev enp1s0 metric 1024/);
  assert.deepEqual(defaultRoutes(6, net), [v6]);
  assert.equal(electDefaultInterface(4, net).status, 'elected');
});

test('formatRoute prints multipath and gatewayless routes as iproute2 does', () => {
  const links = withDefaults([]).links;
  const multi = route({
    family: 4,
    oif: undefined,
    priority: 100,
    nexthops: [hop(ENP1S0, '172.30.250.1'), hop(ENP2S0, '192.168.122.1')],
  });
  assert.equal(
    formatRoute(multi, links),
    'default metric 100 nexthop via 172.30.250.1 dev enp1s0 weight 1 nexthop via 192.168.122.1 dev enp2s0 weight 1',
  );
  assert.equal(
    formatRoute(route({ family: 4, oif: ENP1S0, dst: '172.30.250.0', dstLength: 24 }), links),
    '172.30.250.0/24 dev enp1s0',
  );
  assert.equal(
    formatRoute(route({ family: 4, oif: 77, via: 'fe80::1' }), links),
    'default via inet6 fe80::1 dev if77',
  );
});
