// Which Services are ours: LoadBalancers of class purelb.io/purelbv2; without a class only when the
// allocator is the default announcer; never another class or a ClusterIP Service.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { group, lb, withCluster } from './harness.ts';

const groups = [group('default', { v4: ['10.1.0.0/24'] })];

for (const defaultAnnouncer of [false, true]) {
  test(`class filtering with defaultAnnouncer=${defaultAnnouncer}`, () =>
    withCluster(
      async (c) => {
        c.create(lb('other-class', { class: 'example.com/other' }));
        c.create(lb('no-class', { class: null }));
        c.create(lb('cluster-ip', { type: 'ClusterIP', class: null }));
        c.create(lb('ours'));
        await c.waitIPs('ours', (ips) => ips.length === 1, 'an address');
        // The class-less one is decided in the same pass (queue order): when ours has its address, so has it, if served.
        if (defaultAnnouncer) await c.waitIPs('no-class', (ips) => ips.length === 1, 'an address');
        await c.controllers[0]!.whenIdle();
        assert.deepEqual(c.ips('other-class'), []);
        assert.deepEqual(c.ips('cluster-ip'), []);
        assert.equal(c.ips('no-class').length, defaultAnnouncer ? 1 : 0);
        assert.equal(c.service('other-class').metadata.annotations?.['purelb.io/allocated-by'], undefined);
        assert.equal(c.events('AllocationFailed').length, 0, 'Services not ours get no events');
      },
      { groups, defaultAnnouncer },
    ));
}
