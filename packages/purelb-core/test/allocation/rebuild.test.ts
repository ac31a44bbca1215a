// Rebuilding from Services: only branded ones count; two non-sharing Services on one address keep
// it for the older (then namespace, then name); unparseable ingress is reported; addresses no
// configured pool holds stay held and are reported as orphans, also when groups change later.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import type { Service } from '../../src/kube.ts';
import { group, outcome, service } from './builders.ts';

const g = () => group('default', { v4pools: ['10.0.1.0/24'], v6pools: ['2001:db8::/64'] });

function branded(
  name: string,
  ips: string[],
  extra: { ns?: string; created?: string; key?: string; ports?: number[]; from?: string } = {},
): Service {
  const svc = service(name, {
    ns: extra.ns ?? 'default',
    ports: extra.ports ?? [80],
    ...(extra.created ? { created: extra.created } : {}),
    annotations: {
      'purelb.io/allocated-by': 'PureLB',
      'purelb.io/allocated-from': extra.from ?? 'default',
      ...(extra.key ? { 'purelb.io/allow-shared-ip': extra.key } : {}),
    },
  });
  return { ...svc, status: { loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' as const })) } } };
}

test('rebuild restores branded addresses and the next allocation avoids them', () => {
  const alloc = new Allocator([g()], { defaultAnnouncer: true });
  const report = alloc.rebuild([branded('a', ['10.0.1.1']), branded('b', ['10.0.1.2', '2001:db8::1'])]);
  assert.deepEqual(report, { restored: 2, conflicts: [], invalid: [], orphans: [] });
  assert.deepEqual(alloc.addressesOf('default/b'), ['10.0.1.2', '2001:db8::1']);
  assert.deepEqual(outcome(alloc.allocate(service('c'))), ['10.0.1.3']);
});

test('rebuild ignores Services without the brand', () => {
  const alloc = new Allocator([g()], { defaultAnnouncer: true });
  const unbranded: Service = { ...service('x'), status: { loadBalancer: { ingress: [{ ip: '10.0.1.1' }] } } };
  const otherBrand = branded('y', ['10.0.1.2']);
  (otherBrand.metadata.annotations as Record<string, string>)['purelb.io/allocated-by'] = 'MetalLB';
  assert.equal(alloc.rebuild([unbranded, otherBrand]).restored, 0);
  assert.deepEqual(outcome(alloc.allocate(service('z'))), ['10.0.1.1']);
});

const conflictCases: { name: string; services: Service[]; keeper: string; loser: string; after?: string }[] =
  [
    {
      name: 'the older Service keeps the address',
      services: [
        branded('new', ['10.0.1.5'], { created: '2026-02-01T00:00:00Z' }),
        branded('old', ['10.0.1.5'], { ns: 'z', created: '2026-01-01T00:00:00Z' }),
      ],
      keeper: 'z/old',
      loser: 'default/new',
    },
    {
      name: 'same age: namespace order decides',
      services: [
        branded('s', ['10.0.1.5'], { ns: 'b', created: '2026-01-01T00:00:00Z' }),
        branded('s', ['10.0.1.5'], { ns: 'a', created: '2026-01-01T00:00:00Z' }),
      ],
      keeper: 'a/s',
      loser: 'b/s',
    },
    {
      name: 'same age and namespace: name order decides',
      services: [branded('y', ['10.0.1.5']), branded('x', ['10.0.1.5'])],
      keeper: 'default/x',
      loser: 'default/y',
    },
    {
      name: 'equal keys but a common port: still a conflict',
      services: [
        branded('x', ['10.0.1.5'], { key: 'k', ports: [80] }),
        branded('y', ['10.0.1.5'], { key: 'k', ports: [80, 443] }),
      ],
      keeper: 'default/x',
      loser: 'default/y',
      // Its key is bound to the kept address, where port 80 is taken.
      after: 'sharing-conflict',
    },
  ];

for (const c of conflictCases) {
  test(`rebuild conflict: ${c.name}`, () => {
    const alloc = new Allocator([g()], { defaultAnnouncer: true });
    const report = alloc.rebuild(c.services);
    assert.equal(report.conflicts.length, 1);
    assert.deepEqual(
      { ...report.conflicts[0], reason: '' },
      { service: c.loser, ip: '10.0.1.5', keptBy: c.keeper, reason: '' },
    );
    assert.deepEqual(alloc.addressesOf(c.keeper), ['10.0.1.5']);
    assert.deepEqual(alloc.addressesOf(c.loser), []);
    // Re-allocated by the controller, the loser gets a fresh address (or its key's clash again).
    const loser = c.services.find((s) => `${s.metadata.namespace}/${s.metadata.name}` === c.loser) as Service;
    assert.deepEqual(outcome(alloc.allocate(loser)), c.after ?? ['10.0.1.1']);
  });
}

test('rebuild keeps sharers that agree', () => {
  const alloc = new Allocator([g()], { defaultAnnouncer: true });
  const report = alloc.rebuild([
    branded('x', ['10.0.1.5'], { key: 'k', ports: [80] }),
    branded('y', ['10.0.1.5'], { key: 'k', ports: [443] }),
  ]);
  assert.deepEqual(report.conflicts, []);
  assert.deepEqual(alloc.release('default/x').freed, []);
  assert.deepEqual(alloc.release('default/y').freed, ['10.0.1.5']);
});

test('rebuild reports an ingress that is not an address and skips hostnames', () => {
  const alloc = new Allocator([g()], { defaultAnnouncer: true });
  const svc = branded('x', ['10.0.1.5', 'bogus']);
  svc.status?.loadBalancer?.ingress?.push({ hostname: 'lb.example' });
  const report = alloc.rebuild([svc]);
  assert.deepEqual(report.invalid, [{ service: 'default/x', ip: 'bogus' }]);
  assert.deepEqual(alloc.addressesOf('default/x'), ['10.0.1.5']);
});

test('rebuild replaces earlier state', () => {
  const alloc = new Allocator([g()], { defaultAnnouncer: true });
  alloc.allocate(service('gone'));
  alloc.rebuild([branded('a', ['10.0.1.7'])]);
  assert.deepEqual(alloc.snapshot().services, [['default/a', 'default', ['10.0.1.7']]]);
});

test('an address outside every pool stays held as an orphan and is reported', () => {
  const alloc = new Allocator([g()], { defaultAnnouncer: true });
  const report = alloc.rebuild([branded('a', ['192.168.7.7'], { from: 'vanished' })]);
  assert.deepEqual(report.orphans, [{ service: 'default/a', ip: '192.168.7.7', group: 'vanished' }]);
  assert.deepEqual(alloc.addressesOf('default/a'), ['192.168.7.7']);
});

test('a vanished group keeps its assignments as orphans; they count again when it returns', () => {
  const other = group('other', { v4pools: ['10.0.9.0/30'] });
  const alloc = new Allocator([g(), other], { defaultAnnouncer: true });
  const held = alloc.allocate(service('a', { annotations: { 'purelb.io/service-group': 'other' } }));
  assert.deepEqual(outcome(held), ['10.0.9.1']);

  const gone = alloc.setGroups([g()]);
  assert.deepEqual(gone.orphans, [{ service: 'default/a', ip: '10.0.9.1', group: 'other' }]);
  assert.deepEqual(alloc.addressesOf('default/a'), ['10.0.9.1']);
  // Its group is gone: re-allocation fails without touching the address.
  const r = alloc.allocate(service('a', { annotations: { 'purelb.io/service-group': 'other' } }));
  assert.equal(outcome(r), 'no-group');
  assert.deepEqual(alloc.addressesOf('default/a'), ['10.0.9.1']);

  const back = alloc.setGroups([g(), other]);
  assert.deepEqual(back.orphans, []);
  assert.deepEqual(
    outcome(alloc.allocate(service('b', { annotations: { 'purelb.io/service-group': 'other' } }))),
    ['10.0.9.2'],
    'the returning pool still counts the orphan as used',
  );
});

test('a shrunken pool leaves the address outside as an orphan; another group covering it counts it used', () => {
  const alloc = new Allocator([group('default', { v4pools: ['10.0.1.0/24'] })], { defaultAnnouncer: true });
  alloc.rebuild([branded('a', ['10.0.1.200'])]);
  const shrunk = alloc.setGroups([
    group('default', { v4pools: ['10.0.1.0/25'] }),
    group('z', { v4pools: ['10.0.1.128/25'] }),
  ]);
  assert.deepEqual(shrunk.orphans, [{ service: 'default/a', ip: '10.0.1.200', group: 'default' }]);
  const u = alloc.usage().find((x) => x.group === 'z');
  assert.equal(u?.inUse, 1);
});

test('rebuild: a Service of another class carrying the brand never keeps an address one of ours shows', () => {
  const alloc = new Allocator([g()], { defaultAnnouncer: false });
  const foreign = branded('foreign', ['10.0.1.1', '10.0.1.9'], { created: '2020-01-01T00:00:00Z' });
  foreign.spec = { ...foreign.spec, loadBalancerClass: 'example.com/other' };
  const ours = branded('ours', ['10.0.1.1'], { created: '2026-01-01T00:00:00Z' });
  ours.spec = { ...ours.spec, loadBalancerClass: 'purelb.io/purelbv2' };
  const report = alloc.rebuild([foreign, ours]);
  assert.deepEqual(
    report.conflicts.map((c) => [c.service, c.ip, c.keptBy]),
    [['default/foreign', '10.0.1.1', 'default/ours']],
  );
  assert.deepEqual(alloc.holdersOf('10.0.1.1'), ['default/ours']);
});
