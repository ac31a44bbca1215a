// Network, broadcast and subnet-router anycast addresses are never handed out: asked for, one is
// refused with an AllocationFailed event saying what it is; the ServiceGroup status and the pool
// metrics count only what can be handed out; a Service that already holds one (upstream PureLB gave
// it) keeps it after a restart, with a warning, and the next Service gets a host address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, withCluster } from './harness.ts';

const groups = [group('default', { v4: ['10.1.0.0/24'] })];

test('asking for the broadcast address is refused saying why; sizes leave out both ends', () =>
  withCluster(
    async (c) => {
      c.create(lb('web', { annotations: { 'purelb.io/addresses': '10.1.0.255' } }));
      await eventually('AllocationFailed', () => c.events('AllocationFailed').length > 0);
      const [e] = c.events('AllocationFailed');
      assert.equal(e.regarding.name, 'web');
      assert.match(
        e.note,
        /^reserved-address: address 10\.1\.0\.255 is the broadcast address of pool 10\.1\.0\.0\/24 \(ServiceGroup default\): network, broadcast and subnet-router anycast addresses are not handed out$/,
      );
      assert.deepEqual(c.ips('web'), []);
      assert.equal(c.service('web').metadata.annotations['purelb.io/allocated-by'], undefined);

      c.create(lb('auto'));
      assert.deepEqual(await c.waitIPs('auto', (ips) => ips.length === 1, 'an address'), ['10.1.0.1']);
      await eventually('the group counts one', () => c.serviceGroup('default')?.status?.allocatedIPv4 === 1);
      const status = c.serviceGroup('default').status;
      assert.equal(status.availableIPv4, 253);
      assert.deepEqual(status.pools, [
        { pool: '10.1.0.0/24', family: 'IPv4', size: '254', inUse: 1, available: '253' },
      ]);
      const m = await c.metrics[0]!.registry.metrics();
      assert.match(m, /purelb_address_pool_size\{pool="default",family="IPv4"\} 254\n/);
      assert.match(
        m,
        /purelb_address_pool_allocation_rejected_total\{pool="default",reason="reserved-address"\} [1-9]/,
      );
    },
    { groups },
  ));

test('after a restart a Service holding the network address keeps it with a warning; the next gets .1', () =>
  withCluster(
    async (c) => {
      await c.controllers[0]!.stop();
      // What upstream PureLB left behind: its brand and the pool's network address.
      c.create(
        lb('old', {
          annotations: {
            'purelb.io/allocated-by': 'PureLB',
            'purelb.io/allocated-from': 'default',
            'purelb.io/pool-type': 'remote',
          },
        }),
      );
      const code = await c.patch('/api/v1/namespaces/default/services/old/status', {
        status: { loadBalancer: { ingress: [{ ip: '10.1.0.0', ipMode: 'VIP' }] } },
      });
      assert.equal(code, 200);

      const second = await c.startAllocator();
      await eventually('the new allocator leads', () => second.leading);
      c.create(lb('new'));
      assert.deepEqual(await c.waitIPs('new', (ips) => ips.length === 1, 'an address'), ['10.1.0.1']);
      await second.whenIdle();
      assert.deepEqual(c.ips('old'), ['10.1.0.0']);
      await eventually('ConfigurationWarning on old', () =>
        c.events('ConfigurationWarning').some((e) => e.regarding.name === 'old'),
      );
      const warning = c.events('ConfigurationWarning').find((e) => e.regarding.name === 'old');
      assert.match(
        warning.note,
        /^10\.1\.0\.0 is the network address of pool 10\.1\.0\.0\/24, which is not handed out: this Service keeps it/,
      );
      assert.ok(
        c.lines.some(
          (l) =>
            l.msg === 'address kept although it is one that is not handed out' &&
            l.service === 'default/old' &&
            l.ip === '10.1.0.0',
        ),
      );
    },
    { groups },
  ));
