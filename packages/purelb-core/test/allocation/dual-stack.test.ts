// spec.ipFamilies and ipFamilyPolicy: families allocated in spec order; RequireDualStack needs both
// (a partial result rolls back), PreferDualStack takes the families the group has pools for,
// SingleStack the first. A family's valid address is kept across re-allocation; dropped families are released.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import type { IPFamilyName } from '../../src/kube.ts';
import { group, outcome, service } from './builders.ts';

type Policy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
const both = () => group('default', { v4pools: ['172.31.1.0/24'], v6pools: ['2001:db8::/120'] });
const v4only = () => group('default', { v4pools: ['172.31.1.0/24'] });
const v6full = () => group('default', { v4pools: ['172.31.1.0/24'], v6pools: ['2001:db8::5-2001:db8::5'] });

const cases: {
  name: string;
  g: () => ReturnType<typeof both>;
  families?: IPFamilyName[];
  policy?: Policy;
  want: string[] | string;
}[] = [
  { name: 'no families: IPv4', g: both, want: ['172.31.1.1'] },
  { name: 'SingleStack IPv6', g: both, families: ['IPv6'], want: ['2001:db8::1'] },
  {
    name: 'SingleStack takes only the first of two families',
    g: both,
    families: ['IPv6', 'IPv4'],
    policy: 'SingleStack',
    want: ['2001:db8::1'],
  },
  {
    name: 'RequireDualStack in spec order (v6 first)',
    g: both,
    families: ['IPv6', 'IPv4'],
    policy: 'RequireDualStack',
    want: ['2001:db8::1', '172.31.1.1'],
  },
  {
    name: 'RequireDualStack with one family listed adds the other',
    g: both,
    families: ['IPv4'],
    policy: 'RequireDualStack',
    want: ['172.31.1.1', '2001:db8::1'],
  },
  {
    name: 'RequireDualStack without an IPv6 pool',
    g: v4only,
    families: ['IPv4', 'IPv6'],
    policy: 'RequireDualStack',
    want: 'wrong-family',
  },
  {
    name: 'PreferDualStack takes both when both exist',
    g: both,
    families: ['IPv4', 'IPv6'],
    policy: 'PreferDualStack',
    want: ['172.31.1.1', '2001:db8::1'],
  },
  {
    name: 'PreferDualStack takes what exists',
    g: v4only,
    families: ['IPv4', 'IPv6'],
    policy: 'PreferDualStack',
    want: ['172.31.1.1'],
  },
  {
    name: 'PreferDualStack IPv6-first on a v4-only group',
    g: v4only,
    families: ['IPv6'],
    policy: 'PreferDualStack',
    want: ['172.31.1.1'],
  },
  { name: 'SingleStack IPv6 on a v4-only group', g: v4only, families: ['IPv6'], want: 'wrong-family' },
];

for (const c of cases) {
  test(`families: ${c.name}`, () => {
    const alloc = new Allocator([c.g()], { defaultAnnouncer: true });
    const r = alloc.allocate(
      service('s', {
        ...(c.families ? { families: c.families } : {}),
        ...(c.policy ? { policy: c.policy } : {}),
      }),
    );
    assert.deepEqual(outcome(r), c.want);
  });
}

test('RequireDualStack with one family exhausted rolls back the other', () => {
  const alloc = new Allocator([v6full()], { defaultAnnouncer: true });
  assert.ok(alloc.allocate(service('holder', { families: ['IPv6'] })).ok);
  const r = alloc.allocate(service('ds', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' }));
  assert.ok(!r.ok);
  assert.equal(r.reason, 'exhausted');
  assert.match(r.message, /no free IPv6 address/);
  assert.deepEqual(alloc.addressesOf('default/ds'), []);
  assert.deepEqual(outcome(alloc.allocate(service('v4'))), ['172.31.1.1'], 'the IPv4 address was not kept');
});

test('wrong-family names the group and the missing family', () => {
  const alloc = new Allocator([v4only()], { defaultAnnouncer: true });
  const r = alloc.allocate(service('s', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' }));
  assert.ok(!r.ok);
  assert.match(r.message, /ServiceGroup default has no IPv6 pool/);
});

const transitions: {
  name: string;
  from: [IPFamilyName[], Policy];
  to: [IPFamilyName[], Policy];
  want: string[];
  released: string[];
}[] = [
  {
    name: 'single v4 → dual keeps the v4 address',
    from: [['IPv4'], 'SingleStack'],
    to: [['IPv4', 'IPv6'], 'RequireDualStack'],
    want: ['172.31.1.2', '2001:db8::2'],
    released: [],
  },
  {
    name: 'dual → single v4 releases the v6 address',
    from: [['IPv4', 'IPv6'], 'RequireDualStack'],
    to: [['IPv4'], 'SingleStack'],
    want: ['172.31.1.2'],
    released: ['2001:db8::1'],
  },
  {
    name: 'dual → single v6 keeps the v6 address',
    from: [['IPv4', 'IPv6'], 'RequireDualStack'],
    to: [['IPv6'], 'SingleStack'],
    want: ['2001:db8::1'],
    released: ['172.31.1.2'],
  },
  {
    name: 'dual → dual in the other order keeps both',
    from: [['IPv4', 'IPv6'], 'RequireDualStack'],
    to: [['IPv6', 'IPv4'], 'PreferDualStack'],
    want: ['2001:db8::1', '172.31.1.2'],
    released: [],
  },
  {
    name: 'single v4 → single v6 swaps',
    from: [['IPv4'], 'SingleStack'],
    to: [['IPv6'], 'SingleStack'],
    want: ['2001:db8::2'],
    released: ['172.31.1.2'],
  },
];

for (const t of transitions) {
  test(`family transition: ${t.name}`, () => {
    const alloc = new Allocator([both()], { defaultAnnouncer: true });
    alloc.allocate(service('first'));
    assert.ok(alloc.allocate(service('s', { families: t.from[0], policy: t.from[1] })).ok);
    // Someone takes the next free addresses, so a kept address is visibly not re-allocated.
    alloc.allocate(service('later', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' }));
    const r = alloc.allocate(service('s', { families: t.to[0], policy: t.to[1] }));
    assert.ok(r.ok);
    assert.deepEqual(r.ips, t.want);
    assert.deepEqual(r.released, t.released);
  });
}

test('PreferDualStack leaves out a full family with a warning; a full single family is still an error', () => {
  const alloc = new Allocator([v6full()], { defaultAnnouncer: true });
  assert.ok(alloc.allocate(service('holder', { families: ['IPv6'] })).ok);
  const r = alloc.allocate(service('pref', { families: ['IPv6', 'IPv4'], policy: 'PreferDualStack' }));
  assert.ok(r.ok);
  assert.deepEqual(r.ips, ['172.31.1.1']);
  assert.match(
    r.warnings[0] ?? '',
    /PreferDualStack: no IPv6 address for now: ServiceGroup default has no free IPv6 address/,
  );
  // Once an IPv6 address frees up, re-allocation adds it and keeps the IPv4 one.
  alloc.release('default/holder');
  const later = alloc.allocate(service('pref', { families: ['IPv6', 'IPv4'], policy: 'PreferDualStack' }));
  assert.ok(later.ok);
  assert.deepEqual(later.ips, ['2001:db8::5', '172.31.1.1']);
  assert.deepEqual(later.warnings, []);

  const v4full = new Allocator([group('default', { v4pools: ['10.0.0.1-10.0.0.1'] })], {
    defaultAnnouncer: true,
  });
  v4full.allocate(service('a'));
  assert.equal(
    outcome(v4full.allocate(service('b', { families: ['IPv4', 'IPv6'], policy: 'PreferDualStack' }))),
    'exhausted',
  );
});
