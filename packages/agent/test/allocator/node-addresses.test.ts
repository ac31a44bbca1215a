// The Nodes' own addresses (status.addresses) are never handed out: the allocator skips them, refuses
// them when asked for, moves a Service off one it held, and warns on the ServiceGroup naming them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import type { FakeApiServer } from '../../../../test/support/kube.ts';
import { eventually, group, lb, withCluster } from './harness.ts';

async function addNode(server: FakeApiServer, name: string, ip: string): Promise<void> {
  server.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
  const status = {
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
    ],
  };
  const r = await call(
    server,
    'PATCH',
    `/api/v1/nodes/${name}/status`,
    { status },
    'application/merge-patch+json',
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

test("the lowest free address skips the Nodes' addresses; the ServiceGroup is told which", () =>
  withCluster(
    async (c) => {
      await addNode(c.server, 'node-a', '10.1.0.1');
      await addNode(c.server, 'node-b', '10.1.0.2');
      const both = /node node-a's InternalIP 10\.1\.0\.1, node node-b's InternalIP 10\.1\.0\.2/;
      await eventually('NodeAddressesExcluded on default naming both nodes', () =>
        c.events('NodeAddressesExcluded').some((ev) => both.test(ev.note)),
      );
      const e = c.events('NodeAddressesExcluded').find((ev) => both.test(ev.note));
      assert.deepEqual([e.type, e.regarding.kind, e.regarding.name], ['Warning', 'ServiceGroup', 'default']);
      c.create(lb('a'));
      assert.deepEqual(await c.waitIPs('a', (ips) => ips.length === 1, 'an address'), ['10.1.0.3']);
      c.create(lb('b'));
      assert.deepEqual(await c.waitIPs('b', (ips) => ips.length === 1, 'an address'), ['10.1.0.4']);

      c.create(lb('wants-node', { annotations: { 'purelb.io/addresses': '10.1.0.2' } }));
      await eventually('AllocationFailed on wants-node', () =>
        c.events('AllocationFailed').some((ev) => ev.regarding.name === 'wants-node'),
      );
      assert.match(
        c.events('AllocationFailed').find((ev) => ev.regarding.name === 'wants-node').note,
        /^node-address: address 10\.1\.0\.2 is node node-b's InternalIP 10\.1\.0\.2/,
      );
      assert.deepEqual(c.ips('wants-node'), []);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test("a Service holding an address that becomes a Node's is moved off it, saying why", () =>
  withCluster(
    async (c) => {
      c.create(lb('early'));
      assert.deepEqual(await c.waitIPs('early', (ips) => ips.length === 1, 'an address'), ['10.1.0.1']);
      await addNode(c.server, 'node-b', '10.1.0.1');
      assert.deepEqual(await c.waitIPs('early', (ips) => ips[0] !== '10.1.0.1', 'another address'), [
        '10.1.0.2',
      ]);
      await eventually('AddressReleased naming node-b', () =>
        c.events('AddressReleased').some((ev) => /10\.1\.0\.1 is node node-b's InternalIP/.test(ev.note)),
      );
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test("a full pool: a Service holding a Node's address has it cleared with a NodeAddress warning", () =>
  withCluster(
    async (c) => {
      c.create(lb('x'));
      c.create(lb('y'));
      await c.waitIPs('x', (ips) => ips.length === 1, 'an address');
      await c.waitIPs('y', (ips) => ips.length === 1, 'an address');
      const holder = c.ips('x')[0] === '10.1.0.1' ? 'x' : 'y';
      await addNode(c.server, 'node-b', '10.1.0.1');
      await c.waitIPs(holder, (ips) => ips.length === 0, 'no address');
      await eventually('NodeAddress on the holder', () =>
        c.events('NodeAddress').some((ev) => ev.regarding.name === holder),
      );
      assert.match(c.events('NodeAddress')[0].note, /10\.1\.0\.1 is node node-b's InternalIP 10\.1\.0\.1/);
      assert.equal(c.service(holder).metadata.annotations?.['purelb.io/allocated-by'], undefined);
    },
    { groups: [group('default', { v4: ['10.1.0.1-10.1.0.2'] })] },
  ));
