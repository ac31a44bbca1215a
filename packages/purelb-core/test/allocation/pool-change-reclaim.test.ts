// A valid pool change takes back what it left outside the group (reclaim), a re-allocation says which
// addresses it moved off because of one (outsidePools), and an invalid group is never a pool change:
// what it gave out is neither reclaimed nor moved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import { group, outcome, service } from './builders.ts';

const wide = () => group('default', { v4pools: ['10.0.1.1-10.0.1.4'], v6pools: ['2001:db8::1-2001:db8::4'] });
const other = () => group('other', { v4pools: ['10.0.9.1-10.0.9.4'] });
const inOther = (name: string) => service(name, { annotations: { 'purelb.io/service-group': 'other' } });

test('reclaim: a shrunk group takes back what is outside it; the brand goes with the last address', () => {
  const alloc = new Allocator([wide()], { defaultAnnouncer: true });
  for (const n of ['a', 'b', 'c']) alloc.allocate(service(n));
  assert.equal(alloc.reclaim('default/c'), undefined, 'nothing outside: nothing taken');
  alloc.setGroups([group('default', { v4pools: ['10.0.1.1-10.0.1.2'] })]);
  assert.equal(alloc.reclaim('default/a'), undefined);
  assert.deepEqual(alloc.reclaim('default/c'), {
    group: 'default',
    change: 'shrunk',
    released: ['10.0.1.3'],
    freed: ['10.0.1.3'],
    kept: [],
    annotations: {
      'purelb.io/allocated-by': null,
      'purelb.io/allocated-from': null,
      'purelb.io/pool-type': null,
      'purelb.io/skip-ipv6-dad': null,
    },
  });
  assert.deepEqual(alloc.addressesOf('default/c'), []);
  assert.deepEqual(alloc.holdersOf('10.0.1.3'), []);
});

test('reclaim: a deleted group is named as deleted', () => {
  const alloc = new Allocator([wide(), other()], { defaultAnnouncer: true });
  assert.deepEqual(outcome(alloc.allocate(inOther('x'))), ['10.0.9.1']);
  alloc.setGroups([wide()]);
  const r = alloc.reclaim('default/x');
  assert.equal(r?.change, 'deleted');
  assert.equal(r?.group, 'other');
  assert.deepEqual(r?.released, ['10.0.9.1']);
});

test('reclaim: a dual-stack Service keeps the family still in a pool, and its brand', () => {
  const alloc = new Allocator([wide()], { defaultAnnouncer: true });
  const ds = service('ds', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' });
  assert.deepEqual(outcome(alloc.allocate(ds)), ['10.0.1.1', '2001:db8::1']);
  alloc.setGroups([
    group('default', { v4pools: ['10.0.1.1-10.0.1.4'], v6pools: ['2001:db8::8-2001:db8::9'] }),
  ]);
  const r = alloc.reclaim('default/ds');
  assert.deepEqual([r?.released, r?.kept, r?.annotations], [['2001:db8::1'], ['10.0.1.1'], {}]);
  assert.deepEqual(alloc.addressesOf('default/ds'), ['10.0.1.1']);
});

test('allocate after a shrink moves the Service and names the address the pool change took', () => {
  const alloc = new Allocator([wide()], { defaultAnnouncer: true });
  for (const n of ['a', 'b', 'c']) alloc.allocate(service(n));
  alloc.setGroups([group('default', { v4pools: ['10.0.1.2-10.0.1.4'] })]);
  const r = alloc.allocate(service('a'));
  assert.ok(r.ok);
  assert.deepEqual([r.ips, r.released, r.outsidePools], [['10.0.1.4'], ['10.0.1.1'], ['10.0.1.1']]);
});

test('an invalid group is no pool change: nothing reclaimed, nothing moved to a fallback group', () => {
  const team = group('team', { v4pools: ['10.0.9.1-10.0.9.4'], namespaces: ['t'], namespaceDefault: true });
  const alloc = new Allocator([wide(), team], { defaultAnnouncer: true });
  assert.deepEqual(outcome(alloc.allocate(service('a', { ns: 't' }))), ['10.0.9.1']);
  alloc.setGroups([wide()], ['team']);
  assert.equal(alloc.reclaim('t/a'), undefined);
  const r = alloc.allocate(service('a', { ns: 't' }));
  assert.equal(outcome(r), 'group-invalid');
  assert.match(
    r.ok ? '' : r.message,
    /ServiceGroup team, which this Service's addresses come from, is invalid/,
  );
  assert.deepEqual(alloc.addressesOf('t/a'), ['10.0.9.1']);
  // Naming another group is the user's choice, not the invalid group's doing: the Service moves.
  const moved = alloc.allocate(
    service('a', { ns: 't', annotations: { 'purelb.io/service-group': 'default' } }),
  );
  assert.deepEqual(outcome(moved), ['10.0.1.1']);
});

test('an address restored without allocated-from is left alone while any group is invalid', () => {
  const alloc = new Allocator([wide()], { defaultAnnouncer: true });
  const svc = service('old', { annotations: { 'purelb.io/allocated-by': 'PureLB' } });
  alloc.rebuild([{ ...svc, status: { loadBalancer: { ingress: [{ ip: '10.0.9.3' }] } } }]);
  alloc.setGroups([wide()], ['team']);
  assert.equal(alloc.reclaim('default/old'), undefined);
  alloc.setGroups([wide()]);
  assert.deepEqual(alloc.reclaim('default/old')?.released, ['10.0.9.3']);
});
