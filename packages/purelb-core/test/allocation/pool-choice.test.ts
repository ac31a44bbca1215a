// How the pool is chosen: in order (first-free), or with balancePools the range with the fewest
// addresses in use; multiPool (group or purelb.io/multi-pool "true") takes one address per range,
// a local group's ranges only where a live node lease has the range's subnet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import { group, outcome, service } from './builders.ts';

test('balancePools: each allocation goes to the least-used range, ties to the first', () => {
  const alloc = new Allocator(
    [group('default', { v4pools: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/30'], balancePools: true })],
    { defaultAnnouncer: true },
  );
  const got = ['a', 'b', 'c', 'd', 'e'].map((n) => outcome(alloc.allocate(service(n))));
  assert.deepEqual(got, [['10.0.1.1'], ['10.0.2.1'], ['10.0.3.1'], ['10.0.1.2'], ['10.0.2.2']]);
  alloc.release('default/b');
  assert.deepEqual(
    outcome(alloc.allocate(service('f'))),
    ['10.0.2.1'],
    'the range a release emptied is least used',
  );
});

test('balancePools skips a full range', () => {
  const alloc = new Allocator(
    [group('default', { v4pools: ['10.0.3.0-10.0.3.0', '10.0.1.0/24'], balancePools: true })],
    { defaultAnnouncer: true },
  );
  assert.deepEqual(
    ['a', 'b', 'c'].map((n) => outcome(alloc.allocate(service(n)))),
    [['10.0.3.0'], ['10.0.1.1'], ['10.0.1.2']],
  );
});

test('without balancePools the first range fills before the next', () => {
  const alloc = new Allocator([group('default', { v4pools: ['10.0.1.0/31', '10.0.2.0/24'] })], {
    defaultAnnouncer: true,
  });
  assert.deepEqual(
    ['a', 'b', 'c'].map((n) => outcome(alloc.allocate(service(n)))),
    [['10.0.1.0'], ['10.0.1.1'], ['10.0.2.1']],
  );
});

const multi = (type: 'local' | 'remote', multiPool = true) =>
  group('default', {
    type,
    multiPool,
    v4pools: [
      { pool: '10.0.1.10-10.0.1.20', subnet: '10.0.1.0/24' },
      { pool: '10.0.2.10-10.0.2.20', subnet: '10.0.2.0/24' },
    ],
    v6pools: [{ pool: '2001:db8:1::10-2001:db8:1::20', subnet: '2001:db8:1::/64' }],
  });

const multiCases: {
  name: string;
  type: 'local' | 'remote';
  groupMulti: boolean;
  annotation?: string;
  live?: string[];
  dual?: boolean;
  want: string[] | string;
}[] = [
  {
    name: 'remote group: one address per range',
    type: 'remote',
    groupMulti: true,
    want: ['10.0.1.10', '10.0.2.10'],
  },
  {
    name: 'the annotation turns it on',
    type: 'remote',
    groupMulti: false,
    annotation: 'true',
    want: ['10.0.1.10', '10.0.2.10'],
  },
  {
    name: 'the annotation turns it off',
    type: 'remote',
    groupMulti: true,
    annotation: 'false',
    want: ['10.0.1.10'],
  },
  {
    name: 'local group: only ranges with a live subnet',
    type: 'local',
    groupMulti: true,
    live: ['10.0.2.0/24', '192.168.0.0/24'],
    want: ['10.0.2.10'],
  },
  {
    name: 'local group, no live lease has any subnet',
    type: 'local',
    groupMulti: true,
    live: [],
    want: 'exhausted',
  },
  {
    name: 'local group without lease data: every range',
    type: 'local',
    groupMulti: true,
    want: ['10.0.1.10', '10.0.2.10'],
  },
  {
    name: 'remote groups ignore lease subnets',
    type: 'remote',
    groupMulti: true,
    live: [],
    want: ['10.0.1.10', '10.0.2.10'],
  },
  {
    name: 'dual-stack: per family, per range',
    type: 'remote',
    groupMulti: true,
    dual: true,
    want: ['10.0.1.10', '10.0.2.10', '2001:db8:1::10'],
  },
  {
    name: 'a bad annotation value',
    type: 'remote',
    groupMulti: false,
    annotation: 'yes',
    want: 'invalid-annotation',
  },
];

for (const c of multiCases) {
  test(`multiPool: ${c.name}`, () => {
    const alloc = new Allocator([multi(c.type, c.groupMulti)], { defaultAnnouncer: true });
    const svc = service('s', {
      ...(c.annotation !== undefined ? { annotations: { 'purelb.io/multi-pool': c.annotation } } : {}),
      ...(c.dual ? { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' } : {}),
    });
    assert.deepEqual(outcome(alloc.allocate(svc, c.live ? { liveSubnets: new Set(c.live) } : {})), c.want);
  });
}

test('multiPool: a full range is skipped, the others still give one each', () => {
  const alloc = new Allocator(
    [
      group('default', {
        multiPool: true,
        v4pools: [
          { pool: '10.0.1.10-10.0.1.10', subnet: '10.0.1.0/24' },
          { pool: '10.0.2.10-10.0.2.20', subnet: '10.0.2.0/24' },
        ],
      }),
    ],
    { defaultAnnouncer: true },
  );
  assert.deepEqual(outcome(alloc.allocate(service('a'))), ['10.0.1.10', '10.0.2.10']);
  assert.deepEqual(outcome(alloc.allocate(service('b'))), ['10.0.2.11']);
});

test('multiPool: re-allocation keeps the addresses; a range whose subnet went dark is released', () => {
  const alloc = new Allocator([multi('local')], { defaultAnnouncer: true });
  alloc.allocate(service('other'));
  const first = alloc.allocate(service('s'), { liveSubnets: new Set(['10.0.1.0/24', '10.0.2.0/24']) });
  assert.deepEqual(outcome(first), ['10.0.1.11', '10.0.2.11']);
  const again = alloc.allocate(service('s'), { liveSubnets: new Set(['10.0.2.0/24']) });
  assert.ok(again.ok);
  assert.deepEqual(again.ips, ['10.0.2.11']);
  assert.deepEqual(again.released, ['10.0.1.11']);
});

test('multiPool cannot be combined with sharing or requested addresses', () => {
  const alloc = new Allocator([multi('remote')], { defaultAnnouncer: true });
  const shared = alloc.allocate(service('a', { annotations: { 'purelb.io/allow-shared-ip': 'k' } }));
  assert.ok(!shared.ok);
  assert.equal(shared.reason, 'incompatible-options');
  assert.match(shared.message, /cannot be combined with purelb\.io\/allow-shared-ip/);
  const requested = alloc.allocate(service('b', { annotations: { 'purelb.io/addresses': '10.0.1.12' } }));
  assert.equal(outcome(requested), 'incompatible-options');
});
