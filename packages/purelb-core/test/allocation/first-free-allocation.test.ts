// Automatic allocation hands out the lowest free address of the group's pools, in pool order; a
// CIDR pool starts after its network address and ends before its broadcast address (unlike
// upstream; reserved-addresses.test.ts has the whole rule); a freed address is reused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import { group, outcome, service } from './builders.ts';

const cases: {
  name: string;
  pools: string[];
  before: number;
  released?: number[];
  want: string[] | string;
}[] = [
  {
    name: 'a CIDR pool starts after its network address',
    pools: ['172.31.1.0/30'],
    before: 0,
    want: ['172.31.1.1'],
  },
  {
    name: 'the last address before the broadcast address',
    pools: ['172.31.1.0/30'],
    before: 1,
    want: ['172.31.1.2'],
  },
  {
    name: 'a /30 is full after two: its broadcast address is not handed out',
    pools: ['172.31.1.0/30'],
    before: 2,
    want: 'exhausted',
  },
  {
    name: 'a range starts at its first address',
    pools: ['172.31.1.5-172.31.1.6'],
    before: 1,
    want: ['172.31.1.6'],
  },
  {
    name: 'the next pool follows a full one',
    pools: ['172.31.1.5-172.31.1.6', '172.31.2.0/24'],
    before: 2,
    want: ['172.31.2.1'],
  },
  {
    name: 'a freed address is the next one handed out',
    pools: ['172.31.1.0/24'],
    before: 5,
    released: [2],
    want: ['172.31.1.3'],
  },
  {
    name: 'the lowest of several freed addresses comes first',
    pools: ['172.31.1.0/24'],
    before: 6,
    released: [4, 1],
    want: ['172.31.1.2'],
  },
  { name: 'a single-address range', pools: ['10.0.0.9-10.0.0.9'], before: 0, want: ['10.0.0.9'] },
];

for (const c of cases) {
  test(`first free: ${c.name}`, () => {
    const alloc = new Allocator([group('default', { v4pools: c.pools })], { defaultAnnouncer: true });
    for (let i = 0; i < c.before; i++) assert.ok(alloc.allocate(service(`s${i}`)).ok);
    for (const i of c.released ?? []) alloc.release(`default/s${i}`);
    assert.deepEqual(outcome(alloc.allocate(service('next'))), c.want);
  });
}

test('exhaustion names the group, the family and the pools', () => {
  const alloc = new Allocator([group('default', { v4pools: ['172.31.1.0/31'] })], { defaultAnnouncer: true });
  alloc.allocate(service('a'));
  alloc.allocate(service('b'));
  const r = alloc.allocate(service('c'));
  assert.ok(!r.ok);
  assert.equal(r.reason, 'exhausted');
  assert.match(
    r.message,
    /ServiceGroup default has no free IPv4 address \(pools 172\.31\.1\.0\/31 are full\)/,
  );
});

test('an IPv6 pool allocates from after its subnet-router anycast address, in canonical text', () => {
  const alloc = new Allocator([group('default', { v6pools: ['2001:db8::/64'] })], { defaultAnnouncer: true });
  assert.deepEqual(outcome(alloc.allocate(service('a', { families: ['IPv6'] }))), ['2001:db8::1']);
  assert.deepEqual(outcome(alloc.allocate(service('b', { families: ['IPv6'] }))), ['2001:db8::2']);
});

test('re-allocating a Service keeps its address and reports nothing changed once written', () => {
  const alloc = new Allocator([group('default', { v4pools: ['172.31.1.0/24'] })], { defaultAnnouncer: true });
  alloc.allocate(service('a'));
  const first = alloc.allocate(service('b'));
  assert.ok(first.ok && first.changed);
  const again = alloc.allocate({
    ...service('b', { annotations: first.annotations as Record<string, string> }),
    status: { loadBalancer: { ingress: first.ingress } },
  });
  assert.ok(again.ok);
  assert.deepEqual(again.ips, ['172.31.1.2']);
  assert.equal(again.changed, false);
  assert.deepEqual(again.released, []);
});

test('release frees the address for the next Service and says so', () => {
  const alloc = new Allocator([group('default', { v4pools: ['172.31.1.0/24'] })], { defaultAnnouncer: true });
  alloc.allocate(service('a'));
  const r = alloc.release('default/a');
  assert.deepEqual(r.released, ['172.31.1.1']);
  assert.deepEqual(r.freed, ['172.31.1.1']);
  assert.deepEqual(r.annotations, {
    'purelb.io/allocated-by': null,
    'purelb.io/allocated-from': null,
    'purelb.io/pool-type': null,
    'purelb.io/skip-ipv6-dad': null,
  });
  assert.deepEqual(alloc.addressesOf('default/a'), []);
  assert.deepEqual(alloc.release('default/unknown'), { released: [], freed: [], annotations: r.annotations });
});
