// purelb.io/addresses (one address or a v4,v6 pair) and the deprecated spec.loadBalancerIP: each
// must lie in a pool of the Service's group and not be a network, broadcast or subnet-router anycast
// address; a bad value is an error naming it; nothing is taken on error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import type { IPFamilyName } from '../../src/kube.ts';
import { group, outcome, service } from './builders.ts';

const groups = () => [
  group('default', { v4pools: ['172.31.1.0/24'], v6pools: ['2001:db8:1::/120'] }),
  group('other', { v4pools: ['172.31.9.0/24'] }),
];

const cases: {
  name: string;
  addresses?: string;
  lbIP?: string;
  families?: IPFamilyName[];
  policy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  want: string[] | string;
  message?: RegExp;
}[] = [
  { name: 'one IPv4 address', addresses: '172.31.1.77', want: ['172.31.1.77'] },
  { name: 'spaces around the address are ignored', addresses: ' 172.31.1.78 ', want: ['172.31.1.78'] },
  {
    name: 'a v4,v6 pair for a dual-stack Service',
    addresses: '172.31.1.5,2001:db8:1::5',
    families: ['IPv4', 'IPv6'],
    policy: 'RequireDualStack',
    want: ['172.31.1.5', '2001:db8:1::5'],
  },
  {
    name: 'the pair follows spec.ipFamilies order, not the annotation order',
    addresses: '2001:db8:1::5,172.31.1.5',
    families: ['IPv4', 'IPv6'],
    policy: 'RequireDualStack',
    want: ['172.31.1.5', '2001:db8:1::5'],
  },
  {
    name: 'an IPv6 address in non-canonical text comes back canonical',
    addresses: '2001:DB8:1:0::0:7',
    families: ['IPv6'],
    want: ['2001:db8:1::7'],
  },
  {
    name: 'an address outside every pool of the group',
    addresses: '172.31.9.1',
    want: 'not-in-pool',
    message: /address 172\.31\.9\.1 is not in a pool of ServiceGroup default \(172\.31\.1\.0\/24\)/,
  },
  {
    name: 'the network address of the pool',
    addresses: '172.31.1.0',
    want: 'reserved-address',
    message:
      /address 172\.31\.1\.0 is the network address of pool and subnet 172\.31\.1\.0\/24 \(ServiceGroup default\): network, broadcast and subnet-router anycast addresses are not handed out/,
  },
  {
    name: 'the broadcast address, asked for with spec.loadBalancerIP',
    lbIP: '172.31.1.255',
    want: 'reserved-address',
    message: /address 172\.31\.1\.255 is the broadcast address of pool and subnet 172\.31\.1\.0\/24/,
  },
  {
    name: 'the subnet-router anycast address of an IPv6 pool',
    addresses: '2001:db8:1::',
    families: ['IPv6'],
    want: 'reserved-address',
    message:
      /address 2001:db8:1:: is the subnet-router anycast address of pool and subnet 2001:db8:1::\/120 \(RFC 4291\)/,
  },
  {
    name: 'the last address of an IPv6 pool is handed out: IPv6 has no broadcast',
    addresses: '2001:db8:1::ff',
    families: ['IPv6'],
    want: ['2001:db8:1::ff'],
  },
  {
    name: 'not an address',
    addresses: '172.31.1.300',
    want: 'invalid-annotation',
    message: /purelb\.io\/addresses "172\.31\.1\.300": "172\.31\.1\.300" is not an IP address/,
  },
  {
    name: 'three addresses',
    addresses: '172.31.1.1,172.31.1.2,2001:db8:1::1',
    want: 'invalid-annotation',
    message: /at most two/,
  },
  {
    name: 'two of one family',
    addresses: '172.31.1.1,172.31.1.2',
    want: 'invalid-annotation',
    message: /two IPv4 addresses/,
  },
  {
    name: 'an IPv6 address for a single-stack IPv4 Service',
    addresses: '2001:db8:1::5',
    families: ['IPv4'],
    want: 'wrong-family',
    message: /2001:db8:1::5 is IPv6, but the Service asks for IPv4 \(SingleStack\)/,
  },
  {
    name: 'without spec.ipFamilies the address says the family',
    addresses: '2001:db8:1::9',
    want: ['2001:db8:1::9'],
  },
  { name: 'spec.loadBalancerIP is accepted', lbIP: '172.31.1.40', want: ['172.31.1.40'] },
  {
    name: 'the annotation wins over spec.loadBalancerIP',
    addresses: '172.31.1.41',
    lbIP: '172.31.1.40',
    want: ['172.31.1.41'],
  },
  {
    name: 'a bad spec.loadBalancerIP',
    lbIP: 'nope',
    want: 'invalid-annotation',
    message: /spec\.loadBalancerIP "nope"/,
  },
];

for (const c of cases) {
  test(`requested address: ${c.name}`, () => {
    const alloc = new Allocator(groups(), { defaultAnnouncer: true });
    const svc = service('s', {
      ...(c.addresses !== undefined ? { annotations: { 'purelb.io/addresses': c.addresses } } : {}),
      ...(c.lbIP !== undefined ? { loadBalancerIP: c.lbIP } : {}),
      ...(c.families !== undefined ? { families: c.families } : {}),
      ...(c.policy !== undefined ? { policy: c.policy } : {}),
    });
    const r = alloc.allocate(svc);
    assert.deepEqual(outcome(r), c.want);
    if (!r.ok && c.message !== undefined) assert.match(r.message, c.message);
    if (!r.ok) assert.deepEqual(alloc.snapshot(), { services: [], addresses: [] }, 'nothing taken on error');
  });
}

test('spec.loadBalancerIP carries a deprecation warning; the annotation does not', () => {
  const alloc = new Allocator(groups(), { defaultAnnouncer: true });
  const a = alloc.allocate(service('a', { loadBalancerIP: '172.31.1.40' }));
  assert.ok(a.ok);
  assert.equal(a.warnings.length, 1);
  assert.match(
    a.warnings[0] ?? '',
    /spec\.loadBalancerIP is deprecated: use the purelb\.io\/addresses annotation/,
  );
  const b = alloc.allocate(service('b', { annotations: { 'purelb.io/addresses': '172.31.1.41' } }));
  assert.ok(b.ok);
  assert.deepEqual(b.warnings, []);
});

test('a requested address another Service holds is refused, naming the holder', () => {
  const alloc = new Allocator(groups(), { defaultAnnouncer: true });
  assert.ok(alloc.allocate(service('a', { ns: 'web' })).ok);
  const r = alloc.allocate(service('b', { annotations: { 'purelb.io/addresses': '172.31.1.1' } }));
  assert.ok(!r.ok);
  assert.equal(r.reason, 'address-in-use');
  assert.match(r.message, /address 172\.31\.1\.1 is already used by web\/a/);
});

test('changing the requested address moves the Service and releases the old one', () => {
  const alloc = new Allocator(groups(), { defaultAnnouncer: true });
  alloc.allocate(service('s', { annotations: { 'purelb.io/addresses': '172.31.1.10' } }));
  const r = alloc.allocate(service('s', { annotations: { 'purelb.io/addresses': '172.31.1.11' } }));
  assert.ok(r.ok);
  assert.deepEqual(r.ips, ['172.31.1.11']);
  assert.deepEqual(r.released, ['172.31.1.10']);
  assert.deepEqual(
    outcome(alloc.allocate(service('t', { annotations: { 'purelb.io/addresses': '172.31.1.10' } }))),
    ['172.31.1.10'],
  );
});

test('a refused new address leaves the Service its old one', () => {
  const alloc = new Allocator(groups(), { defaultAnnouncer: true });
  alloc.allocate(service('s', { annotations: { 'purelb.io/addresses': '172.31.1.10' } }));
  const r = alloc.allocate(service('s', { annotations: { 'purelb.io/addresses': '10.9.9.9' } }));
  assert.equal(outcome(r), 'not-in-pool');
  assert.deepEqual(alloc.addressesOf('default/s'), ['172.31.1.10']);
});
