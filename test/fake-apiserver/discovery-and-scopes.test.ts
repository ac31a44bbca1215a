// Discovery documents list exactly the served resources (with their /status subresources), and
// cluster-scoped resources (Nodes, Namespaces) live outside namespaces while namespaced ones need an
// existing namespace; EndpointSlices are served and checked; the injected clock stamps creationTimestamp.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withFakeApiServer } from '../support/kube.ts';
import { call } from './http-helpers.ts';

test('discovery: /api, /api/v1, /apis and each group version list the served resources', async () => {
  await withFakeApiServer(async (s) => {
    const api = await call(s, 'GET', '/api');
    assert.deepEqual(api.body.versions, ['v1']);
    const v1 = await call(s, 'GET', '/api/v1');
    const names = v1.body.resources.map((r: { name: string }) => r.name).sort();
    assert.deepEqual(names, [
      'events',
      'namespaces',
      'namespaces/status',
      'nodes',
      'nodes/status',
      'services',
      'services/status',
    ]);
    const svc = v1.body.resources.find((r: { name: string }) => r.name === 'services');
    assert.deepEqual([svc.kind, svc.namespaced, svc.shortNames], ['Service', true, ['svc']]);
    const groups = await call(s, 'GET', '/apis');
    assert.deepEqual(groups.body.groups.map((g: { name: string }) => g.name).sort(), [
      'coordination.k8s.io',
      'discovery.k8s.io',
      'events.k8s.io',
      'purelb.io',
    ]);
    const purelb = await call(s, 'GET', '/apis/purelb.io/v2');
    assert.deepEqual(purelb.body.resources.map((r: { name: string }) => r.name).sort(), [
      'lbnodeagents',
      'lbnodeagents/status',
      'servicegroups',
      'servicegroups/status',
    ]);
    assert.equal((await call(s, 'GET', '/apis/apps/v1')).status, 404);
    assert.equal((await call(s, 'GET', '/apis/apps/v1/deployments')).status, 404);
  });
});

test('Nodes and Namespaces are cluster-scoped; the default namespaces exist from the start', async () => {
  await withFakeApiServer(
    async (s) => {
      const nss = await call(s, 'GET', '/api/v1/namespaces');
      assert.deepEqual(
        nss.body.items.map((n: { metadata: { name: string } }) => n.metadata.name),
        ['default', 'purelb-system'],
      );
      assert.equal(nss.body.items[0].status.phase, 'Active');
      const node = await call(s, 'POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'node-a', namespace: 'ignored', labels: { 'kubernetes.io/hostname': 'node-a' } },
      });
      assert.equal(node.status, 201);
      assert.equal(node.body.metadata.namespace, undefined);
      assert.equal(node.body.metadata.creationTimestamp, '2026-01-02T03:04:05Z');
      const st = await call(
        s,
        'PATCH',
        '/api/v1/nodes/node-a/status',
        {
          status: { addresses: [{ type: 'InternalIP', address: '192.168.1.10' }] },
        },
        'application/merge-patch+json',
      );
      assert.equal(st.status, 200);
      assert.deepEqual(st.body.status.addresses, [{ type: 'InternalIP', address: '192.168.1.10' }]);
      const byLabel = await call(
        s,
        'GET',
        `/api/v1/nodes?labelSelector=${encodeURIComponent('kubernetes.io/hostname in (node-a,node-b)')}`,
      );
      assert.equal(byLabel.body.items.length, 1);

      const slice = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.1.0.5'], nodeName: 'node-a', conditions: { ready: true } }],
      };
      const created = await call(
        s,
        'POST',
        '/apis/discovery.k8s.io/v1/namespaces/purelb-system/endpointslices',
        slice,
      );
      assert.equal(created.status, 201);
      const noType = { ...slice, metadata: { name: 'web-def' }, addressType: undefined };
      const bad = await call(
        s,
        'POST',
        '/apis/discovery.k8s.io/v1/namespaces/purelb-system/endpointslices',
        noType,
      );
      assert.equal(bad.status, 422);
      assert.match(bad.body.message, /addressType/);
      const cluster = await call(s, 'GET', '/apis/discovery.k8s.io/v1/endpointslices');
      assert.equal(cluster.body.items.length, 1, 'a cluster-wide list of a namespaced resource');
    },
    { namespaces: ['default', 'purelb-system'], clock: () => new Date('2026-01-02T03:04:05.678Z') },
  );
});
