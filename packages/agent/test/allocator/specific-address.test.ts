// purelb.io/addresses: the Service gets exactly the address it asks for; an address outside every
// pool is refused with an AllocationFailed event naming the address and the group's pools; changing
// the request moves the Service and frees the old address for others.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, withCluster } from './harness.ts';

const groups = [group('default', { v4: ['10.1.0.0/24'] })];
const asking = (ip: string) => ({ annotations: { 'purelb.io/addresses': ip } });

test('a Service asking for an address in the pool gets exactly it', () =>
  withCluster(
    async (c) => {
      c.create(lb('web', asking('10.1.0.77')));
      assert.deepEqual(await c.waitIPs('web', (ips) => ips.length > 0, 'an address'), ['10.1.0.77']);
    },
    { groups },
  ));

test('an address outside every pool is refused with an event naming it and the pools; nothing is written', () =>
  withCluster(
    async (c) => {
      c.create(lb('web', asking('192.168.9.9')));
      await eventually('AllocationFailed', () => c.events('AllocationFailed').length > 0);
      const [e] = c.events('AllocationFailed');
      assert.equal(e.type, 'Warning');
      assert.equal(e.regarding.name, 'web');
      assert.match(
        e.note,
        /^not-in-pool: address 192\.168\.9\.9 is not in a pool of ServiceGroup default \(10\.1\.0\.0\/24\)/,
      );
      assert.deepEqual(c.ips('web'), []);
      assert.equal(c.service('web').metadata.annotations['purelb.io/allocated-by'], undefined);
      const m = await c.metrics[0]!.registry.metrics();
      assert.match(
        m,
        /purelb_address_pool_allocation_rejected_total\{pool="default",reason="not-in-pool"\} [1-9]/,
      );
      // A log line an operator can grep: service, pool, reason.
      assert.ok(
        c.lines.some(
          (l) =>
            l.event === 'AllocationFailed' &&
            l.service === 'default/web' &&
            l.pool === 'default' &&
            l.reason === 'not-in-pool',
        ),
      );
    },
    { groups },
  ));

test('changing the requested address moves the Service and frees the old address', () =>
  withCluster(
    async (c) => {
      c.create(lb('web', asking('10.1.0.5')));
      await c.waitIPs('web', (ips) => ips[0] === '10.1.0.5', 'the requested address');
      const status = await c.patch('/api/v1/namespaces/default/services/web', {
        metadata: { annotations: { 'purelb.io/addresses': '10.1.0.6' } },
      });
      assert.equal(status, 200);
      await c.waitIPs('web', (ips) => ips.length === 1 && ips[0] === '10.1.0.6', 'the new address only');
      await eventually('AddressReleased', () => c.events('AddressReleased').length === 1);
      assert.match(c.events('AddressReleased')[0].note, /Released 10\.1\.0\.5/);
      // The old address is free again: another Service may ask for it.
      c.create(lb('api', asking('10.1.0.5')));
      assert.deepEqual(await c.waitIPs('api', (ips) => ips.length > 0, 'the freed address'), ['10.1.0.5']);
    },
    { groups },
  ));
