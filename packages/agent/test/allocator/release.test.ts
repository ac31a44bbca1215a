// Giving addresses back: a deleted Service's address goes to the next Service; a Service changed to
// ClusterIP loses its ingress and the PureLB annotations, with an AddressReleased event.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, withCluster } from './harness.ts';

const groups = [group('default', { v4: ['10.1.0.0/24'] })];

test('a deleted Service frees its address for the next one', () =>
  withCluster(
    async (c) => {
      c.create(lb('a'));
      await c.waitIPs('a', (ips) => ips[0] === '10.1.0.1', 'the first address');
      c.remove('a');
      await eventually('release logged', () =>
        c.lines.some((l) => l.msg === 'service deleted: addresses released' && l.ip === '10.1.0.1'),
      );
      c.create(lb('b'));
      assert.deepEqual(await c.waitIPs('b', (ips) => ips.length === 1, 'an address'), ['10.1.0.1']);
    },
    { groups },
  ));

test('a Service changed to ClusterIP loses its ingress and the brand, and the address is free again', () =>
  withCluster(
    async (c) => {
      c.create(lb('web', { ports: [80] }));
      await c.waitIPs('web', (ips) => ips.length === 1, 'an address');
      const code = await c.patch('/api/v1/namespaces/default/services/web', {
        spec: {
          type: 'ClusterIP',
          loadBalancerClass: null,
          ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: null }],
        },
      });
      assert.equal(code, 200);
      await c.waitIPs('web', (ips) => ips.length === 0, 'no address');
      await eventually(
        'brand removed',
        () => c.service('web').metadata.annotations?.['purelb.io/allocated-by'] === undefined,
      );
      const a = c.service('web').metadata.annotations ?? {};
      assert.equal(a['purelb.io/allocated-from'], undefined);
      assert.equal(a['purelb.io/pool-type'], undefined);
      await eventually('AddressReleased', () => c.events('AddressReleased').length === 1);
      assert.match(
        c.events('AddressReleased')[0].note,
        /Released 10\.1\.0\.1: the Service is now of type ClusterIP/,
      );
      c.create(lb('next'));
      assert.deepEqual(await c.waitIPs('next', (ips) => ips.length === 1, 'an address'), ['10.1.0.1']);
    },
    { groups },
  ));
