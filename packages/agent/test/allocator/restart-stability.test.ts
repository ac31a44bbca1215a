// A restart changes no address: a new allocator rebuilds its state from the Services it branded
// (single, shared, dual-stack, requested) and keeps every one of them, while a Service created while
// no allocator ran gets a free address, never one already in use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, withCluster } from './harness.ts';

test('after a restart every address stays and a new Service gets a free one', () =>
  withCluster(
    async (c) => {
      const shared = { 'purelb.io/allow-shared-ip': 'k' };
      // Created in an order that leaves holes, so "lowest free" after a naive restart would differ.
      c.create(lb('a'));
      c.create(lb('b', { annotations: { 'purelb.io/addresses': '10.1.0.9' } }));
      c.create(lb('c', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' }));
      c.create(lb('d', { annotations: shared, ports: [80] }));
      c.create(lb('e', { annotations: shared, ports: [443] }));
      for (const n of ['a', 'b', 'c', 'd', 'e']) await c.waitIPs(n, (ips) => ips.length > 0, 'an address');
      c.remove('a');
      await eventually('a released', () =>
        c.lines.some((l) => l.msg === 'service deleted: addresses released'),
      );
      const before = c.allIPs();

      await c.controllers[0]!.stop();
      c.create(lb('late'));
      const second = await c.startAllocator();
      await eventually('the new allocator leads', () => second.leading);
      const late = await c.waitIPs('late', (ips) => ips.length === 1, 'an address');
      await second.whenIdle();

      for (const [svc, ips] of before)
        assert.deepEqual(c.allIPs().get(svc), ips, `${svc} kept its addresses`);
      const used = [...before.values()].flat();
      assert.ok(!used.includes(late[0]!), `late got ${late[0]}, which is in use`);
      assert.equal(late[0], '10.1.0.1', 'the lowest free address (a gave it back before the restart)');
      assert.ok(
        c.lines.some((l) => l.msg === 'allocation state rebuilt from the API server' && l.restored === 4),
      );
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'], v6: ['2001:db8:1::/64'] })] },
  ));
