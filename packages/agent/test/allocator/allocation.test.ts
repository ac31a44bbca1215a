// A LoadBalancer Service created without status gets the lowest free address of its ServiceGroup:
// status.loadBalancer.ingress (written through /status), the purelb.io/allocated-* and pool-type
// annotations, an AddressAssigned event, and the ServiceGroup's status counting it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, withCluster } from './harness.ts';

test('a new Service gets the lowest free address, the brand, an event, and the group counts it', () =>
  withCluster(
    async (c) => {
      c.create(lb('web'));
      assert.deepEqual(await c.waitIPs('web', (ips) => ips.length === 1, 'one address'), ['10.1.0.1']);
      const svc = c.service('web');
      assert.deepEqual(svc.status.loadBalancer.ingress, [{ ip: '10.1.0.1', ipMode: 'VIP' }]);
      assert.equal(svc.metadata.annotations['purelb.io/allocated-by'], 'PureLB');
      assert.equal(svc.metadata.annotations['purelb.io/allocated-from'], 'default');
      assert.equal(svc.metadata.annotations['purelb.io/pool-type'], 'remote');
      assert.ok(
        c.server.requests.some((r) => r.startsWith('PATCH /api/v1/namespaces/default/services/web/status')),
        'ingress written through the status subresource',
      );

      c.create(lb('api'));
      assert.deepEqual(await c.waitIPs('api', (ips) => ips.length === 1, 'one address'), ['10.1.0.2']);

      await eventually('AddressAssigned for both', () => c.events('AddressAssigned').length === 2);
      const assigned = c.events('AddressAssigned').find((e) => e.regarding.name === 'web');
      assert.equal(assigned.type, 'Normal');
      assert.equal(assigned.reportingController, 'purelb.io/allocator');
      assert.match(assigned.note, /Assigned 10\.1\.0\.1 from ServiceGroup default \(remote\)/);
      assert.match(assigned.eventTime, /\.\d{6}Z$/);

      await eventually(
        'ServiceGroup status counts two',
        () => c.serviceGroup('default')?.status?.allocatedIPv4 === 2,
      );
      const status = c.serviceGroup('default').status;
      assert.equal(status.availableIPv4, 252);
      assert.equal(status.announce, 'Remote');
      assert.deepEqual(status.addresses, ['10.1.0.0/24']);
      assert.deepEqual(status.pools, [
        { pool: '10.1.0.0/24', family: 'IPv4', size: '254', inUse: 2, available: '252' },
      ]);
      assert.equal(status.allocatedIPv6, undefined, 'no IPv6 pool: no IPv6 counts');

      const metrics = await c.metrics[0]!.registry.metrics();
      assert.match(metrics, /purelb_address_pool_addresses_in_use\{pool="default",family="IPv4"\} 2/);
      assert.match(metrics, /purelb_address_pool_size\{pool="default",family="IPv4"\} 254/);
      assert.match(metrics, /purelb_allocator_is_leader 1/);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));
