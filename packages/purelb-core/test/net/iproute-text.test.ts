// Addresses, placements and routes written as iproute2 prints them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IFA_F } from '../../src/net/address-flags.ts';
import { addressText, nexthopText, placementText, routeText } from '../../src/net/iproute-text.ts';
import { ENP1S0, nexthopObject, route, seedNode, withSecondDefault } from '../fixtures/seed-node.ts';
import { addr, local, virtual } from '../plan/build.ts';

describe('addressText', () => {
  const cases: [string, ReturnType<typeof addr>, string | undefined, string][] = [
    [
      'a permanent IPv4 secondary with its label',
      addr(2, '172.30.250.53/24', {
        broadcast: '172.30.250.255',
        flags: IFA_F.permanent | IFA_F.secondary,
        label: 'enp1s0',
      }),
      'enp1s0',
      'inet 172.30.250.53/24 brd 172.30.250.255 scope global secondary enp1s0 valid_lft forever preferred_lft forever',
    ],
    [
      'a dynamic IPv6 address (not permanent)',
      addr(2, '2001:470:8bf5:1:1::2/128', { flags: 0, validLifetime: 3367, preferredLifetime: 2367 }),
      'enp1s0',
      'inet6 2001:470:8bf5:1:1::2/128 scope global dynamic enp1s0 valid_lft 3367sec preferred_lft 2367sec',
    ],
    [
      'IPv6 flags in iproute2 words and order',
      addr(2, '2001:db8::1/64', {
        flags:
          IFA_F.secondary |
          IFA_F.nodad |
          IFA_F.homeaddress |
          IFA_F.deprecated |
          IFA_F.managetempaddr |
          IFA_F.noprefixroute,
        validLifetime: 100,
        preferredLifetime: 0,
        scope: 253,
      }),
      'eth0',
      'inet6 2001:db8::1/64 scope link temporary nodad home deprecated dynamic mngtmpaddr noprefixroute eth0 valid_lft 100sec preferred_lft 0sec',
    ],
    [
      'a link the dump does not name',
      addr(9, '10.0.0.1/8'),
      undefined,
      'inet 10.0.0.1/8 scope global if9 valid_lft forever preferred_lft forever',
    ],
  ];
  for (const [name, a, link, text] of cases) it(name, () => assert.equal(addressText(a, link), text));
});

describe('placementText', () => {
  it('a local IPv6 placement: deprecated is the kernel state, not asked for; dynamic because finite', () =>
    assert.equal(
      placementText(local('2001:db8::53/64', 'eth0', { flags: ['nodad', 'noprefixroute'] })),
      'inet6 2001:db8::53/64 scope global nodad dynamic noprefixroute eth0 valid_lft 300sec preferred_lft 0sec',
    ));
  it('a virtual IPv4 placement with broadcast', () =>
    assert.equal(
      placementText(virtual('172.31.2.128/24', { broadcast: '172.31.2.255' })),
      'inet 172.31.2.128/24 brd 172.31.2.255 scope global kube-lb0 valid_lft forever preferred_lft forever',
    ));
});

describe('routeText', () => {
  it('the seed default routes', () => {
    const net = withSecondDefault(seedNode());
    const defaults = net.routes.filter((r) => r.dstLength === 0 && r.family === 4);
    assert.deepEqual(
      defaults.map((r) => routeText(r, net.links)),
      [
        'default via 172.30.250.1 dev enp1s0 proto dhcp src 172.30.250.104 metric 100',
        'default via 192.168.122.1 dev enp2s0 proto dhcp metric 100',
      ],
    );
  });
  it('a connected route: proto kernel scope link src', () => {
    const net = seedNode();
    const r = net.routes.find((x) => x.dst === '172.17.0.0');
    assert.equal(
      r && routeText(r, net.links),
      '172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1',
    );
  });
  // Each as iproute2 6.1 printed it for the same route in a test namespace (`ip route show`).
  const links = seedNode().links;
  const cases: [string, Parameters<typeof route>[0], string][] = [
    [
      'onlink',
      { family: 4, oif: ENP1S0, dst: '10.1.0.0', dstLength: 16, gateway: '172.30.250.3', flags: 4 },
      '10.1.0.0/16 via 172.30.250.3 dev enp1s0 onlink',
    ],
    [
      'an IPv4 route via an IPv6 gateway (RTA_VIA)',
      { family: 4, oif: ENP1S0, dst: '10.2.0.0', dstLength: 16, via: '2001:db8:1::1' },
      '10.2.0.0/16 via inet6 2001:db8:1::1 dev enp1s0',
    ],
    [
      'a nexthop object, compat mode on',
      { family: 4, oif: ENP1S0, dst: '10.3.0.0', dstLength: 16, nhId: 10, gateway: '172.30.250.1' },
      '10.3.0.0/16 nhid 10 via 172.30.250.1 dev enp1s0',
    ],
    [
      'a nexthop object, compat mode off (nhid only)',
      { family: 4, oif: undefined, dst: '10.3.0.0', dstLength: 16, nhId: 10 },
      '10.3.0.0/16 nhid 10',
    ],
    [
      'an IPv6 default with router preference',
      { family: 6, oif: ENP1S0, gateway: '2001:db8:1::1', priority: 1024, pref: 1 },
      'default via 2001:db8:1::1 dev enp1s0 metric 1024 pref high',
    ],
    [
      'an IPv6 prefix route of the kernel',
      { family: 6, oif: ENP1S0, dst: '2001:db8:1::', dstLength: 64, protocol: 2, priority: 256 },
      '2001:db8:1::/64 dev enp1s0 proto kernel metric 256 pref medium',
    ],
    [
      'a router advertisement default with its hop limit',
      {
        family: 6,
        oif: ENP1S0,
        gateway: 'fe80::1',
        priority: 1024,
        protocol: 9,
        pref: 1,
        metrics: { hoplimit: 64 },
      },
      'default via fe80::1 dev enp1s0 proto ra metric 1024 hoplimit 64 pref high',
    ],
    [
      'a locked mtu, after the flags (as `ip route add 10.7.0.0/16 dev e1 mtu lock 1400` on a link that is down)',
      {
        family: 4,
        oif: ENP1S0,
        dst: '10.7.0.0',
        dstLength: 16,
        scope: 253,
        flags: 16,
        metrics: { mtu: 1400, lock: 1 << 2 },
      },
      '10.7.0.0/16 dev enp1s0 scope link linkdown mtu lock 1400',
    ],
    [
      'a blackhole',
      { family: 4, oif: undefined, dst: '10.5.0.0', dstLength: 16, type: 6 },
      'blackhole 10.5.0.0/16',
    ],
    [
      'multipath with weights, on one line',
      {
        family: 4,
        oif: undefined,
        dst: '10.4.0.0',
        dstLength: 16,
        nexthops: [
          { gateway: '172.30.250.5', oif: ENP1S0, weight: 1, flags: 0 },
          { gateway: '172.30.250.6', oif: ENP1S0, weight: 2, flags: 0 },
        ],
      },
      '10.4.0.0/16 nexthop via 172.30.250.5 dev enp1s0 weight 1 nexthop via 172.30.250.6 dev enp1s0 weight 2',
    ],
  ];
  for (const [name, fields, text] of cases) {
    it(name, () => assert.equal(routeText(route(fields), links), text));
  }
});

describe('nexthopText', () => {
  const nh = nexthopObject;
  const links = seedNode().links;
  it('a gateway', () =>
    assert.equal(
      nexthopText(nh({ id: 10, oif: ENP1S0, gateway: '172.30.250.1' }), links),
      'id 10 via 172.30.250.1 dev enp1s0',
    ));
  it('a group with a weight', () =>
    assert.equal(
      nexthopText(
        nh({
          id: 20,
          group: [
            { id: 10, weight: 1 },
            { id: 11, weight: 3 },
          ],
        }),
        links,
      ),
      'id 20 group 10/11,3',
    ));
  it('a blackhole', () =>
    assert.equal(nexthopText(nh({ id: 30, blackhole: true }), links), 'id 30 blackhole'));
});
