// Dual-stack: RequireDualStack gets one address of each family in spec.ipFamilies order;
// PreferDualStack takes what the group has; RequireDualStack without an IPv6 pool is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, withCluster } from './harness.ts';

test('RequireDualStack gets an IPv6 and an IPv4 address, in ipFamilies order, and both families are counted', () =>
  withCluster(
    async (c) => {
      c.create(lb('web', { families: ['IPv6', 'IPv4'], policy: 'RequireDualStack' }));
      assert.deepEqual(await c.waitIPs('web', (ips) => ips.length === 2, 'two addresses'), [
        '2001:db8:1::1',
        '10.1.0.1',
      ]);
      await eventually('both families counted', () => {
        const s = c.serviceGroup('both')?.status;
        return s?.allocatedIPv4 === 1 && s?.allocatedIPv6 === 1;
      });
      const s = c.serviceGroup('both').status;
      assert.equal(s.availableIPv6, Number.MAX_SAFE_INTEGER, 'a /64 is capped in the integer field');
      assert.deepEqual(
        s.pools.map((p: { family: string; available: string }) => [p.family, p.available]),
        [
          ['IPv4', '253'],
          ['IPv6', '18446744073709551614'],
        ],
      );
    },
    {
      groups: [
        group('default', { v4: ['10.9.0.0/24'] }),
        group('both', { v4: ['10.1.0.0/24'], v6: ['2001:db8:1::/64'] }, 'remote', {
          namespaces: ['default'],
          namespaceDefault: true,
        }),
      ],
    },
  ));

test('PreferDualStack in a group without IPv6 gets IPv4 only; RequireDualStack there is refused', () =>
  withCluster(
    async (c) => {
      c.create(lb('prefer', { families: ['IPv4', 'IPv6'], policy: 'PreferDualStack' }));
      assert.deepEqual(await c.waitIPs('prefer', (ips) => ips.length > 0, 'an address'), ['10.1.0.1']);
      c.create(lb('require', { families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' }));
      await eventually('AllocationFailed', () => c.events('AllocationFailed').length > 0);
      assert.match(
        c.events('AllocationFailed')[0].note,
        /^wrong-family: ServiceGroup default has no IPv6 pool/,
      );
      assert.deepEqual(c.ips('require'), []);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));
