// purelb.io/allow-shared-ip: Services with the same key and disjoint ports share one address; a
// Service with the key whose port clashes (80/TCP) is refused with an event naming the port and the
// holder, and the address stays with the first. The shared address is freed only with its last user.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, group, lb, withCluster } from './harness.ts';

const shared = { 'purelb.io/allow-shared-ip': 'front' };
const groups = [group('default', { v4: ['10.1.0.0/24'] })];

test('the same key and disjoint ports share one address; it is freed only with its last user', () =>
  withCluster(
    async (c) => {
      c.create(lb('http', { annotations: shared, ports: [80] }));
      const [ip] = await c.waitIPs('http', (ips) => ips.length === 1, 'an address');
      c.create(
        lb('dns', {
          annotations: shared,
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        }),
      );
      assert.deepEqual(await c.waitIPs('dns', (ips) => ips.length === 1, 'an address'), [ip]);
      c.remove('http');
      c.create(lb('other'));
      // Still held by dns: the next Service does not get it.
      assert.deepEqual(await c.waitIPs('other', (ips) => ips.length === 1, 'an address'), ['10.1.0.2']);
      c.remove('dns');
      c.create(lb('last'));
      assert.deepEqual(await c.waitIPs('last', (ips) => ips.length === 1, 'the address both gave back'), [
        ip,
      ]);
    },
    { groups },
  ));

test('the same key with a clashing port is refused, naming port 80/TCP and the holder', () =>
  withCluster(
    async (c) => {
      c.create(lb('web', { annotations: shared, ports: [80, 443] }));
      await c.waitIPs('web', (ips) => ips.length === 1, 'an address');
      c.create(
        lb('clash', { annotations: { ...shared, 'purelb.io/addresses': c.ips('web')[0]! }, ports: [80] }),
      );
      await eventually('AllocationFailed', () => c.events('AllocationFailed').length > 0);
      const [e] = c.events('AllocationFailed');
      assert.equal(e.regarding.name, 'clash');
      assert.match(e.note, /^sharing-conflict: port 80\/TCP is already used by default\/web on 10\.1\.0\.1/);
      assert.deepEqual(c.ips('clash'), []);
      assert.deepEqual(c.ips('web'), ['10.1.0.1']);
    },
    { groups },
  ));

test('without a requested address, a clashing port under the key is refused too (the key is bound to its address)', () =>
  withCluster(
    async (c) => {
      c.create(lb('web', { annotations: shared, ports: [80] }));
      await c.waitIPs('web', (ips) => ips.length === 1, 'an address');
      c.create(lb('clash', { annotations: shared, ports: [80] }));
      await eventually('AllocationFailed', () => c.events('AllocationFailed').length > 0);
      assert.match(c.events('AllocationFailed')[0].note, /port 80\/TCP is already used by default\/web/);
      assert.deepEqual(c.ips('clash'), []);
    },
    { groups },
  ));
