// A malformed ServiceGroup is ignored with a ParseFailed event on it naming the bad field; other
// groups keep working; a Service naming the bad group is refused with the group's problem; fixing
// the group makes that Service get an address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, NS, withCluster } from './harness.ts';

test('a malformed ServiceGroup is reported by field; the other groups keep allocating; fixing it resumes', () =>
  withCluster(
    async (c) => {
      const bad = group('bad', {}, 'remote');
      // Accepted by the CRD schema; refused by the parser: the pool is outside its subnet.
      (bad.spec as Record<string, unknown>).remote = {
        v4pools: [{ pool: '10.7.0.0/24', subnet: '192.168.0.0/16', aggregation: 'default' }],
      };
      c.create(bad);
      c.create(lb('good'));
      c.create(lb('wants-bad', { annotations: { 'purelb.io/service-group': 'bad' } }));
      assert.deepEqual(await c.waitIPs('good', (ips) => ips.length === 1, 'an address'), ['10.1.0.1']);

      await eventually('ParseFailed on the group', () => c.events('ParseFailed').length > 0);
      const [e] = c.events('ParseFailed');
      assert.equal(e.type, 'Warning');
      assert.deepEqual(
        [e.regarding.kind, e.regarding.namespace, e.regarding.name],
        ['ServiceGroup', NS, 'bad'],
      );
      assert.match(e.note, /spec\.remote\.v4pools\[0\]/);
      assert.ok(
        c.lines.some(
          (l) =>
            l.msg === 'ServiceGroup is invalid and ignored' &&
            String(l.field).startsWith('spec.remote.v4pools[0]'),
        ),
      );

      await eventually('AllocationFailed for wants-bad', () => c.events('AllocationFailed').length > 0);
      assert.match(
        c.events('AllocationFailed')[0].note,
        /^no-group: ServiceGroup bad is invalid and ignored: spec\.remote\.v4pools\[0\]/,
      );
      assert.deepEqual(c.ips('wants-bad'), []);

      const code = await c.patch(`/apis/purelb.io/v2/namespaces/${NS}/servicegroups/bad`, {
        spec: {
          remote: { v4pools: [{ pool: '10.7.0.0/24', subnet: '10.7.0.0/16', aggregation: 'default' }] },
        },
      });
      assert.equal(code, 200);
      assert.deepEqual(await c.waitIPs('wants-bad', (ips) => ips.length === 1, 'an address'), ['10.7.0.1']);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test('a group whose pool overlaps an earlier group is refused, naming the pool and the other group', () =>
  withCluster(
    async (c) => {
      c.create(group('zz-overlap', { v4: ['10.1.0.128/25'] }));
      await eventually('ParseFailed', () => c.events('ParseFailed').length > 0);
      const [e] = c.events('ParseFailed');
      assert.equal(e.regarding.name, 'zz-overlap');
      assert.match(e.note, /pool 10\.1\.0\.128\/25 .*overlaps ServiceGroup purelb\/default/);
      c.create(lb('web'));
      assert.deepEqual(await c.waitIPs('web', (ips) => ips.length === 1, 'an address'), ['10.1.0.1']);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));
