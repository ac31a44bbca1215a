// isOwned: an address is PureLB's only with proof (our IFA_PROTO, our dummy, or the IPv4 label fallback).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Address } from '@purelb-ts/netlink-native';
import { isOwned, ownedLabel, tagFor } from '../../src/plan/ownership.ts';
import { addr, DUMMY, ETH0, link, network, OURS, ours } from './build.ts';

describe('ownedLabel', () => {
  const cases: [string, string | undefined][] = [
    ['eth0', 'eth0:plb'],
    ['enp1s0', 'enp1s0:plb'],
    ['abcdefghijk', 'abcdefghijk:plb'], // 11 + 4 = 15: fits
    ['abcdefghijkl', undefined], // 12 + 4 = 16: longer than IFNAMSIZ-1
    ['enp0s31f6np0x', undefined],
  ];
  for (const [name, label] of cases) {
    it(`${name} → ${label ?? 'no label'}`, () => assert.equal(ownedLabel(name), label));
  }
});

describe('tagFor', () => {
  it('IPv4 gets the protocol and the label', () =>
    assert.deepEqual(tagFor('eth0', 4, OURS), { protocol: OURS.protocol, label: 'eth0:plb' }));
  it('IPv6 gets the protocol only (the kernel has no IPv6 labels)', () =>
    assert.deepEqual(tagFor('eth0', 6, OURS), { protocol: OURS.protocol, label: undefined }));
});

describe('isOwned', () => {
  const links = network().links.concat(link(9, 'abcdefghijkl'));
  const cases: [string, Address, boolean][] = [
    ['our IFA_PROTO on a local interface', ours(ETH0, '192.168.1.53/24'), true],
    ['our IFA_PROTO on IPv6', ours(ETH0, '2001:db8::53/64'), true],
    ['untagged secondary on a local interface', addr(ETH0, '192.168.1.53/24', { label: 'eth0' }), false],
    ['another owner IFA_PROTO (e.g. 0x10)', addr(ETH0, '192.168.1.53/24', { protocol: 0x10 }), false],
    [
      'IPv4 with our label and no IFA_PROTO (kernel < 6.3)',
      addr(ETH0, '192.168.1.53/24', { label: 'eth0:plb' }),
      true,
    ],
    [
      'IPv4 with our label and IFA_PROTO 0 (unspecified)',
      addr(ETH0, '192.168.1.53/24', { label: 'eth0:plb', protocol: 0 }),
      true,
    ],
    [
      'our label but another owner IFA_PROTO',
      addr(ETH0, '192.168.1.53/24', { label: 'eth0:plb', protocol: 0x10 }),
      false,
    ],
    ['a label of another tool', addr(ETH0, '192.168.1.53/24', { label: 'eth0:vip' }), false],
    ['too long a name has no label fallback', addr(9, '192.168.1.53/24', { label: 'abcdefghijkl' }), false],
    ['anything on the dummy', addr(DUMMY, '172.31.1.5/32'), true],
    ['IPv6 global on the dummy', addr(DUMMY, '2001:db8:1::5/128'), true],
    [
      'the kernel IPv6 link-local on the dummy',
      addr(DUMMY, 'fe80::ecf0:22ff:fe7d:700d/64', { scope: 253 }),
      false,
    ],
    ['a kernel IFA_PROTO (3, link-local) on the dummy', addr(DUMMY, 'fe80::1/64', { protocol: 3 }), false],
    [
      'an address on a link the dump does not list',
      addr(77, '192.168.1.53/24', { label: 'eth0:plb' }),
      false,
    ],
  ];
  for (const [name, a, want] of cases) {
    it(`${name} → ${want ? 'ours' : 'not ours'}`, () => assert.equal(isOwned(a, links, OURS), want));
  }

  it('the dummy is the one the ownership names', () => {
    const other = { ...OURS, dummyInterface: 'lb-dummy' };
    assert.equal(isOwned(addr(DUMMY, '172.31.1.5/32'), links, other), false);
  });
});
