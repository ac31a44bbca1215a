// Addresses, placements and routes written as iproute2 prints them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressText, placementText, routeText } from '../../src/diagnosis/iproute-text.ts';
import { IFA_F } from '../../src/net/address-flags.ts';
import { seedNode, withSecondDefault } from '../fixtures/seed-node.ts';
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
      ['default via 172.30.250.1 dev enp1s0 metric 100', 'default via 192.168.122.1 dev enp2s0 metric 100'],
    );
  });
  it('a connected route without metric', () => {
    const net = seedNode();
    const r = net.routes.find((x) => x.dst === '172.17.0.0');
    assert.equal(r && routeText(r, net.links), '172.17.0.0/16 dev docker0');
  });
});
