// A full pool: the next Service is refused with AllocationFailed naming the group, its pools and
// "exhausted", posted once however often it is retried; when another Service is deleted, the waiting
// one gets the freed address without anyone touching it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, withCluster } from './harness.ts';

test('an exhausted pool refuses with an event once; a deleted Service frees an address the waiting one gets', () =>
  withCluster(
    async (c) => {
      c.create(lb('a'));
      c.create(lb('b'));
      await c.waitIPs('b', (ips) => ips.length === 1, 'an address');
      c.create(lb('c'));
      await eventually('AllocationFailed for c', () => c.events('AllocationFailed').length > 0);
      const [e] = c.events('AllocationFailed');
      assert.equal(e.regarding.name, 'c');
      assert.match(
        e.note,
        /^exhausted: ServiceGroup small has no free IPv4 address \(pools 10\.2\.0\.0-10\.2\.0\.1 are full\)/,
      );
      assert.deepEqual(c.ips('c'), []);
      // A change to c makes the allocator try again (the refusal counter moves); still full: no second event.
      const refusals = async () =>
        (
          await c.metrics[0]!.registry.getSingleMetric('purelb_address_pool_allocation_rejected_total')!.get()
        ).values.find((v) => v.labels.reason === 'exhausted')?.value ?? 0;
      const before = await refusals();
      await c.patch('/api/v1/namespaces/default/services/c', { metadata: { labels: { retry: 'yes' } } });
      const deadline = Date.now() + 10_000;
      while ((await refusals()) === before) {
        assert.ok(Date.now() < deadline, 'the allocator never tried c again');
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(c.events('AllocationFailed').length, 1, 'one event while the condition lasts');
      await eventually(
        'group status: 2 of 2 used',
        () => c.serviceGroup('small')?.status?.availableIPv4 === 0,
      );

      const freed = c.ips('a');
      c.remove('a');
      const got = await c.waitIPs('c', (ips) => ips.length === 1, 'the freed address');
      assert.deepEqual(got, freed);
    },
    {
      groups: [
        group('small', { v4: ['10.2.0.0-10.2.0.1'] }, 'remote', {
          namespaces: ['default'],
          namespaceDefault: true,
        }),
      ],
    },
  ));
