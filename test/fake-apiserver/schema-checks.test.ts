// What the fake refuses, as a real API server would: built-in objects that fail the Kubernetes OpenAPI
// schema (422 naming the field), MicroTime without exactly six fractional digits (400), custom
// resources that fail their CRD schema (422) or carry unknown fields (pruned), and bad names. Nothing
// refused is stored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withFakeApiServer } from '../support/kube.ts';
import { call, SERVICES, svc } from './http-helpers.ts';
import { findResource } from './resources.ts';
import { crdSchemaSource } from './validate.ts';

const LEASES = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
const lease = (renewTime: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'purelb-node-a' },
  spec: { holderIdentity: 'node-a', leaseDurationSeconds: 10, acquireTime: renewTime, renewTime },
});

test('a Lease renewTime with three fractional digits is 400, with six it is stored', async () => {
  await withFakeApiServer(async (s) => {
    const millis = await call(s, 'POST', LEASES, lease('2026-11-26T02:57:00.123Z'));
    assert.equal(millis.status, 400);
    assert.equal(millis.body.reason, 'BadRequest');
    assert.match(millis.body.message, /spec\.acquireTime/);
    assert.match(millis.body.message, /six fractional digits/);
    assert.equal((await call(s, 'GET', `${LEASES}/purelb-node-a`)).status, 404, 'nothing stored');
    const micros = await call(s, 'POST', LEASES, lease('2026-11-26T02:57:00.123000Z'));
    assert.equal(micros.status, 201);
    assert.equal(micros.body.spec.renewTime, '2026-11-26T02:57:00.123000Z');
    const renew = await call(
      s,
      'PATCH',
      `${LEASES}/purelb-node-a`,
      { spec: { renewTime: '2026-11-26T02:57:05Z' } },
      'application/merge-patch+json',
    );
    assert.equal(renew.status, 400, 'no fraction at all is refused too');
    assert.match(renew.body.message, /spec\.renewTime/);
  });
});

test('a Service that breaks the OpenAPI schema is 422 Invalid naming the field, and is not stored', async () => {
  await withFakeApiServer(async (s) => {
    const bad = svc('a');
    (bad.spec.ports[0] as Record<string, unknown>).port = 'eighty';
    const r = await call(s, 'POST', SERVICES, bad);
    assert.equal(r.status, 422);
    assert.equal(r.body.reason, 'Invalid');
    assert.match(r.body.message, /^Service "a" is invalid: spec\.ports\[0\]\.port: .*"eighty"/);
    assert.equal(r.body.details.causes[0].field, 'spec.ports[0].port');
    assert.equal((await call(s, 'GET', `${SERVICES}/a`)).status, 404);
    const badName = await call(s, 'POST', SERVICES, svc('Not_A_Name'));
    assert.equal(badName.status, 422);
    assert.match(badName.body.message, /metadata\.name/);
  });
});

test('an events.k8s.io Event needs a six-digit eventTime; a core Event is schema-checked', async () => {
  await withFakeApiServer(async (s) => {
    const ev = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { generateName: 'web.' },
      eventTime: '2026-11-26T02:57:00.1Z',
      reportingController: 'purelb.io/lbnodeagent',
      reportingInstance: 'node-a',
      action: 'Announce',
      reason: 'AnnouncingLocal',
      regarding: { kind: 'Service', namespace: 'default', name: 'web' },
      type: 'Normal',
    };
    assert.equal((await call(s, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', ev)).status, 400);
    ev.eventTime = '2026-11-26T02:57:00.100000Z';
    assert.equal((await call(s, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', ev)).status, 201);
    const core = await call(s, 'POST', '/api/v1/namespaces/default/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: 'web.' },
      message: 'm',
    });
    assert.equal(core.status, 422, 'involvedObject is required');
    assert.match(core.body.message, /involvedObject/);
  });
});

test('ServiceGroups are checked against their CRD schema; unknown fields are pruned', async () => {
  const r = findResource('purelb.io', 'v2', 'servicegroups')!;
  // Which schema is in force depends on whether deploy/crds exists; both must refuse this.
  assert.ok(['deploy/crds', 'fallback'].includes(crdSchemaSource(r)));
  await withFakeApiServer(async (s) => {
    const SG = '/apis/purelb.io/v2/namespaces/default/servicegroups';
    const bad = await call(s, 'POST', SG, {
      apiVersion: 'purelb.io/v2',
      kind: 'ServiceGroup',
      metadata: { name: 'g' },
      spec: { local: 'not-an-object' },
    });
    assert.equal(bad.status, 422);
    assert.match(bad.body.message, /^ServiceGroup\.purelb\.io "g" is invalid: spec\.local: /);
    const noSpec = await call(s, 'POST', SG, {
      apiVersion: 'purelb.io/v2',
      kind: 'ServiceGroup',
      metadata: { name: 'g' },
    });
    assert.equal(noSpec.status, 422);
    assert.match(noSpec.body.message, /spec: Required value/);
    const ok = await call(s, 'POST', SG, {
      apiVersion: 'purelb.io/v2',
      kind: 'ServiceGroup',
      metadata: { name: 'g' },
      bogus: 1,
      spec: {
        local: { v4pool: { pool: '192.168.1.240/29', subnet: '192.168.1.0/24', aggregation: 'default' } },
      },
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.bogus, undefined, 'an unknown root field is pruned');
    assert.equal(ok.body.spec.local.v4pool.pool, '192.168.1.240/29');
  });
});
