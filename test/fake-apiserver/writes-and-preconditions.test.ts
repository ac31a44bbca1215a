// Write semantics over plain HTTP: 409 Conflict on a stale resourceVersion (PUT, PATCH and DELETE
// preconditions), 409 AlreadyExists, generateName, /status changing status only and the main endpoint
// ignoring status, generation bumped on spec changes only, no-op writes keeping their resourceVersion,
// merge / JSON / strategic merge patches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withFakeApiServer } from '../support/kube.ts';
import { call, SERVICES, svc } from './http-helpers.ts';

const SG = '/apis/purelb.io/v2/namespaces/default/servicegroups';
const sg = (name: string) => ({
  apiVersion: 'purelb.io/v2',
  kind: 'ServiceGroup',
  metadata: { name },
  spec: {
    local: {
      v4pool: { pool: '192.168.1.240-192.168.1.250', subnet: '192.168.1.0/24', aggregation: 'default' },
    },
  },
});

test('PUT with a stale resourceVersion is 409 Conflict and changes nothing; with the current one it succeeds', async () => {
  await withFakeApiServer(async (s) => {
    const created = (await call(s, 'POST', SERVICES, svc('a'))).body;
    const first = structuredClone(created);
    first.metadata.labels = { v: '1' };
    const ok = await call(s, 'PUT', `${SERVICES}/a`, first);
    assert.equal(ok.status, 200);
    const stale = structuredClone(created);
    stale.metadata.labels = { v: 'stale' };
    const r = await call(s, 'PUT', `${SERVICES}/a`, stale);
    assert.equal(r.status, 409);
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.reason, 'Conflict');
    assert.match(
      r.body.message,
      /Operation cannot be fulfilled on services "a": the object has been modified/,
    );
    const now = (await call(s, 'GET', `${SERVICES}/a`)).body;
    assert.deepEqual(now.metadata.labels, { v: '1' });
    assert.equal(now.metadata.resourceVersion, ok.body.metadata.resourceVersion);
    // A merge patch naming a stale resourceVersion is a precondition too.
    const p = await call(
      s,
      'PATCH',
      `${SERVICES}/a`,
      { metadata: { resourceVersion: created.metadata.resourceVersion, labels: { v: '2' } } },
      'application/merge-patch+json',
    );
    assert.equal(p.status, 409);
    const d = await call(s, 'DELETE', `${SERVICES}/a`, {
      preconditions: { resourceVersion: created.metadata.resourceVersion },
    });
    assert.equal(d.status, 409);
    assert.equal((await call(s, 'GET', `${SERVICES}/a`)).status, 200);
  });
});

test('creating an existing name is 409 AlreadyExists; generateName picks a fresh one; unknown names are 404', async () => {
  await withFakeApiServer(async (s) => {
    await call(s, 'POST', SERVICES, svc('a'));
    const again = await call(s, 'POST', SERVICES, svc('a'));
    assert.equal(again.status, 409);
    assert.equal(again.body.reason, 'AlreadyExists');
    const body = svc('x');
    delete (body.metadata as { name?: string }).name;
    Object.assign(body.metadata, { generateName: 'web-' });
    const g1 = await call(s, 'POST', SERVICES, body);
    const g2 = await call(s, 'POST', SERVICES, body);
    assert.match(g1.body.metadata.name, /^web-[a-z0-9]{5}$/);
    assert.notEqual(g1.body.metadata.name, g2.body.metadata.name);
    const missing = await call(s, 'GET', `${SERVICES}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, 'NotFound');
    const elsewhere = svc('a');
    elsewhere.metadata.namespace = 'nowhere';
    const noNs = await call(s, 'POST', '/api/v1/namespaces/nowhere/services', elsewhere);
    assert.equal(noNs.status, 404);
    assert.match(noNs.body.message, /namespaces "nowhere" not found/);
    const mismatch = await call(s, 'POST', '/api/v1/namespaces/kube-system/services', svc('a'));
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body.message, /does not match the namespace/);
  });
});

test('new objects get uid, creationTimestamp, generation 1 and, for a Service, the server defaults', async () => {
  await withFakeApiServer(async (s) => {
    const c = (await call(s, 'POST', SERVICES, svc('a'))).body;
    assert.match(c.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(c.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(c.metadata.generation, 1);
    assert.equal(c.spec.clusterIP, '10.96.0.2');
    assert.deepEqual(c.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30000 }]);
    assert.deepEqual(c.status, { loadBalancer: {} });
  });
});

test('a LoadBalancer Service with allocateLoadBalancerNodePorts false gets no node port', async () => {
  await withFakeApiServer(async (s) => {
    const body = {
      ...svc('a'),
      spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] },
    };
    const c = (await call(s, 'POST', SERVICES, body)).body;
    assert.deepEqual(c.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    const d = (await call(s, 'POST', SERVICES, svc('b'))).body;
    assert.equal(d.spec.ports[0].nodePort, 30000, 'the opted-out Service held no node port');
  });
});

test('the status subresource changes only status; the main endpoint ignores status', async () => {
  await withFakeApiServer(async (s) => {
    const c = (await call(s, 'POST', SERVICES, svc('a'))).body;
    const viaStatus = structuredClone(c);
    viaStatus.status = { loadBalancer: { ingress: [{ ip: '192.168.1.240' }] } };
    viaStatus.spec.type = 'ClusterIP';
    viaStatus.metadata.labels = { sneaky: 'yes' };
    const r1 = await call(s, 'PUT', `${SERVICES}/a/status`, viaStatus);
    assert.equal(r1.status, 200);
    assert.deepEqual(r1.body.status, viaStatus.status);
    assert.equal(r1.body.spec.type, 'LoadBalancer');
    assert.equal(r1.body.metadata.labels, undefined);
    assert.equal(r1.body.metadata.generation, 1, 'a status write does not bump generation');

    const viaMain = structuredClone(r1.body);
    viaMain.status = { loadBalancer: {} };
    viaMain.spec.loadBalancerClass = 'purelb.io/purelb';
    const r2 = await call(s, 'PUT', `${SERVICES}/a`, viaMain);
    assert.deepEqual(r2.body.status, viaStatus.status);
    assert.equal(r2.body.spec.loadBalancerClass, 'purelb.io/purelb');
    assert.equal(r2.body.metadata.generation, 2);

    const patched = await call(
      s,
      'PATCH',
      `${SG.replace('servicegroups', 'servicegroups')}/g/status`,
      { status: { allocatedIPv4: 1 } },
      'application/merge-patch+json',
    );
    assert.equal(patched.status, 404, 'no such ServiceGroup yet');
    await call(s, 'POST', SG, sg('g'));
    const sgStatus = await call(
      s,
      'PATCH',
      `${SG}/g/status`,
      { status: { allocatedIPv4: 1 }, spec: { local: null } },
      'application/merge-patch+json',
    );
    assert.equal(sgStatus.status, 200);
    assert.deepEqual(sgStatus.body.status, { allocatedIPv4: 1 });
    assert.ok(sgStatus.body.spec.local, 'spec untouched by a status patch');
    assert.equal(
      (await call(s, 'PATCH', `${SERVICES}/a/scale`, {}, 'application/merge-patch+json')).status,
      404,
    );
  });
});

test('a write that changes nothing keeps the resourceVersion and sends no event', async () => {
  await withFakeApiServer(async (s) => {
    const c = (await call(s, 'POST', SERVICES, svc('a'))).body;
    const same = await call(s, 'PUT', `${SERVICES}/a`, c);
    assert.equal(same.body.metadata.resourceVersion, c.metadata.resourceVersion);
    assert.equal(s.store.currentRv(), Number(c.metadata.resourceVersion));
  });
});

test('merge patch, JSON patch and strategic merge patch', async () => {
  await withFakeApiServer(async (s) => {
    await call(s, 'POST', SERVICES, svc('a', { labels: { a: '1', b: '2' } }));
    const m = await call(
      s,
      'PATCH',
      `${SERVICES}/a`,
      { metadata: { labels: { a: null, c: '3' } } },
      'application/merge-patch+json',
    );
    assert.deepEqual(m.body.metadata.labels, { b: '2', c: '3' });

    const j = await call(
      s,
      'PATCH',
      `${SERVICES}/a`,
      [
        { op: 'test', path: '/metadata/labels/b', value: '2' },
        { op: 'add', path: '/metadata/annotations', value: { 'purelb.io/service-group': 'default' } },
        { op: 'remove', path: '/metadata/labels/c' },
      ],
      'application/json-patch+json',
    );
    assert.equal(j.status, 200);
    assert.deepEqual(j.body.metadata.labels, { b: '2' });
    assert.deepEqual(j.body.metadata.annotations, { 'purelb.io/service-group': 'default' });
    const failedTest = await call(
      s,
      'PATCH',
      `${SERVICES}/a`,
      [{ op: 'test', path: '/metadata/labels/b', value: 'nope' }],
      'application/json-patch+json',
    );
    assert.equal(failedTest.status, 422);

    // Strategic merge: ports merge on their key `port` instead of replacing the list.
    const sm = await call(
      s,
      'PATCH',
      `${SERVICES}/a`,
      { spec: { ports: [{ port: 443 }, { port: 80, name: 'http' }] } },
      'application/strategic-merge-patch+json',
    );
    assert.equal(sm.status, 200);
    assert.deepEqual(
      sm.body.spec.ports.map((p: { port: number; name?: string }) => [p.port, p.name]),
      [
        [80, 'http'],
        [443, undefined],
      ],
    );
    const del = await call(
      s,
      'PATCH',
      `${SERVICES}/a`,
      { spec: { ports: [{ port: 443, $patch: 'delete' }] } },
      'application/strategic-merge-patch+json',
    );
    assert.deepEqual(
      del.body.spec.ports.map((p: { port: number }) => p.port),
      [80],
    );

    await call(s, 'POST', SG, sg('g'));
    const crSmp = await call(s, 'PATCH', `${SG}/g`, { spec: {} }, 'application/strategic-merge-patch+json');
    assert.equal(crSmp.status, 415, 'custom resources take no strategic merge patch, as on a real server');
  });
});
