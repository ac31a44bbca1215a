// What a success tells the controller to write: ingress {ip, ipMode: VIP}, allocated-by (the
// brand), allocated-from (the group), pool-type, skip-ipv6-dad (local IPv6 with skipIPv6DAD) or its
// removal, and whether anything differs from what the Service already shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import { group, service, written } from './builders.ts';

const cases: {
  name: string;
  type: 'local' | 'remote';
  skip: boolean;
  v6: boolean;
  want: Record<string, string | null>;
}[] = [
  {
    name: 'a remote IPv4 address',
    type: 'remote',
    skip: false,
    v6: false,
    want: {
      'purelb.io/allocated-by': 'PureLB',
      'purelb.io/allocated-from': 'g',
      'purelb.io/pool-type': 'remote',
      'purelb.io/skip-ipv6-dad': null,
    },
  },
  {
    name: 'a local IPv6 address with skipIPv6DAD',
    type: 'local',
    skip: true,
    v6: true,
    want: {
      'purelb.io/allocated-by': 'PureLB',
      'purelb.io/allocated-from': 'g',
      'purelb.io/pool-type': 'local',
      'purelb.io/skip-ipv6-dad': 'true',
    },
  },
  {
    name: 'a local IPv4 address with skipIPv6DAD: nothing to skip',
    type: 'local',
    skip: true,
    v6: false,
    want: {
      'purelb.io/allocated-by': 'PureLB',
      'purelb.io/allocated-from': 'g',
      'purelb.io/pool-type': 'local',
      'purelb.io/skip-ipv6-dad': null,
    },
  },
  {
    name: 'a local IPv6 address without skipIPv6DAD',
    type: 'local',
    skip: false,
    v6: true,
    want: {
      'purelb.io/allocated-by': 'PureLB',
      'purelb.io/allocated-from': 'g',
      'purelb.io/pool-type': 'local',
      'purelb.io/skip-ipv6-dad': null,
    },
  },
];

for (const c of cases) {
  test(`result annotations: ${c.name}`, () => {
    const alloc = new Allocator(
      [
        group('g', {
          type: c.type,
          v4pools: ['10.0.1.0/24'],
          v6pools: ['2001:db8::/64'],
          ...(c.type === 'local' ? { skipIPv6DAD: c.skip } : {}),
        }),
      ],
      { defaultAnnouncer: true },
    );
    const r = alloc.allocate(
      service('s', { annotations: { 'purelb.io/service-group': 'g' }, families: [c.v6 ? 'IPv6' : 'IPv4'] }),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.annotations, c.want);
    assert.equal(r.poolType, c.type);
    assert.deepEqual(r.groups, ['g']);
    assert.deepEqual(r.ingress, [{ ip: c.v6 ? '2001:db8::1' : '10.0.1.1', ipMode: 'VIP' }]);
  });
}

test('changed is false only when ingress and every annotation already match', () => {
  const alloc = new Allocator([group('default', { v4pools: ['10.0.1.0/24'] })], { defaultAnnouncer: true });
  const svc = service('s');
  const first = alloc.allocate(svc);
  assert.ok(first.ok && first.changed);
  const done = written(svc, first);
  const same = alloc.allocate(done);
  assert.ok(same.ok);
  assert.equal(same.changed, false);
  const brandLost = alloc.allocate({
    ...done,
    metadata: {
      ...done.metadata,
      annotations: { ...done.metadata.annotations, 'purelb.io/allocated-by': 'x' },
    },
  });
  assert.ok(brandLost.ok && brandLost.changed);
  const staleDad = alloc.allocate({
    ...done,
    metadata: {
      ...done.metadata,
      annotations: { ...done.metadata.annotations, 'purelb.io/skip-ipv6-dad': 'true' },
    },
  });
  assert.ok(staleDad.ok && staleDad.changed, 'a skip-ipv6-dad that should be removed is a change');
  const proxyMode = alloc.allocate({
    ...done,
    status: { loadBalancer: { ingress: [{ ip: '10.0.1.0', ipMode: 'Proxy' }] } },
  });
  assert.ok(proxyMode.ok && proxyMode.changed);
});
