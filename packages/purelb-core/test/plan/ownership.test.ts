// isOwned: an address is PureLB's only with proof: our IFA_PROTO, or (kernels < 6.3 only) our IPv4 label.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Address } from '../../src/net/objects.ts';
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
  const OLD_KERNEL = { ...OURS, labelFallback: true };
  // [name, address, ours where the kernel keeps IFA_PROTO, ours on a kernel < 6.3 (label fallback)]
  const cases: [string, Address, boolean, boolean][] = [
    ['our IFA_PROTO on a local interface', ours(ETH0, '192.168.1.53/24'), true, true],
    ['our IFA_PROTO on IPv6', ours(ETH0, '2001:db8::53/64'), true, true],
    ['our IFA_PROTO on the dummy', ours(DUMMY, '172.31.1.5/32'), true, true],
    [
      'untagged secondary on a local interface',
      addr(ETH0, '192.168.1.53/24', { label: 'eth0' }),
      false,
      false,
    ],
    ['another owner IFA_PROTO (e.g. 0x10)', addr(ETH0, '192.168.1.53/24', { protocol: 0x10 }), false, false],
    [
      'IPv4 with our label and no IFA_PROTO',
      addr(ETH0, '192.168.1.53/24', { label: 'eth0:plb' }),
      false,
      true,
    ],
    [
      'IPv4 with our label and IFA_PROTO 0 (unspecified)',
      addr(ETH0, '192.168.1.53/24', { label: 'eth0:plb', protocol: 0 }),
      false,
      true,
    ],
    [
      'our label but another owner IFA_PROTO',
      addr(ETH0, '192.168.1.53/24', { label: 'eth0:plb', protocol: 0x10 }),
      false,
      false,
    ],
    ['a label of another tool', addr(ETH0, '192.168.1.53/24', { label: 'eth0:vip' }), false, false],
    [
      'too long a name has no label fallback',
      addr(9, '192.168.1.53/24', { label: 'abcdefghijkl' }),
      false,
      false,
    ],
    // Where an address sits proves nothing: one added by hand on the virtual interface is not ours.
    ['an untagged address on the dummy (added by hand)', addr(DUMMY, '172.31.9.9/32'), false, false],
    ['an untagged IPv6 global on the dummy', addr(DUMMY, '2001:db8:1::5/128'), false, false],
    [
      'the kernel IPv6 link-local on the dummy',
      addr(DUMMY, 'fe80::ecf0:22ff:fe7d:700d/64', { scope: 253 }),
      false,
      false,
    ],
    [
      'a kernel IFA_PROTO (3, link-local) on the dummy',
      addr(DUMMY, 'fe80::1/64', { protocol: 3 }),
      false,
      false,
    ],
    [
      'an address on a link the dump does not list',
      addr(77, '192.168.1.53/24', { label: 'eth0:plb' }),
      false,
      false,
    ],
  ];
  for (const [name, a, modern, old] of cases) {
    it(`${name} → ${modern ? 'ours' : 'not ours'}; on a kernel < 6.3 ${old ? 'ours' : 'not ours'}`, () => {
      assert.equal(isOwned(a, links, OURS), modern);
      assert.equal(isOwned(a, links, OLD_KERNEL), old);
    });
  }
});
