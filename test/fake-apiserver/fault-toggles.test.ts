// The fault toggles tests use to reproduce slow or failing API servers: 429/500 for the next N matching
// requests, a stall before any header, delayed Lease writes, and bad toggle arguments named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiException, CoreV1Api, makeInformer, type V1Service } from '@kubernetes/client-node';
import { kubeConfigFor, withFakeApiServer } from '../support/kube.ts';
import { call, openWatch, SERVICES, svc } from './http-helpers.ts';

test('failNext answers the next N matching requests with 429 (Retry-After) or 500, then serves again', async () => {
  await withFakeApiServer(async (s) => {
    s.faults.failNext(429, 2, { verb: 'list', resource: 'services' });
    assert.equal((await call(s, 'GET', '/api/v1/nodes')).status, 200, 'other resources are untouched');
    assert.equal((await call(s, 'POST', SERVICES, svc('a'))).status, 201, 'other verbs are untouched');
    const first = await call(s, 'GET', SERVICES);
    assert.equal(first.status, 429);
    assert.equal(first.headers['retry-after'], '1');
    assert.equal(first.body.reason, 'TooManyRequests');
    const core = kubeConfigFor(s).makeApiClient(CoreV1Api);
    await assert.rejects(
      core.listNamespacedService({ namespace: 'default' }),
      (e: unknown) => e instanceof ApiException && e.code === 429,
    );
    assert.equal((await core.listNamespacedService({ namespace: 'default' })).items.length, 1);

    s.faults.failNext(500, 1, { verb: 'create' });
    const failed = await call(s, 'POST', SERVICES, svc('b'));
    assert.equal(failed.status, 500);
    assert.equal((await call(s, 'GET', `${SERVICES}/b`)).status, 404, 'a failed write stores nothing');
    assert.equal((await call(s, 'POST', SERVICES, svc('b'))).status, 201);
  });
});

test('a failing LIST makes the client-node informer emit error from start()', async () => {
  await withFakeApiServer(async (s) => {
    const kc = kubeConfigFor(s);
    const core = kc.makeApiClient(CoreV1Api);
    const inf = makeInformer<V1Service>(kc, '/api/v1/namespaces/default/services', () =>
      core.listNamespacedService({ namespace: 'default' }),
    );
    const errors: unknown[] = [];
    inf.on('error', (e) => errors.push(e));
    s.faults.failNext(500, 1, { verb: 'list' });
    await inf.start();
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof ApiException && errors[0].code === 500);
    assert.equal(s.openWatchCount(), 0, 'no watch after a failed list');
  });
});

test('stall holds a request before any header is written, then serves it', async () => {
  await withFakeApiServer(async (s) => {
    s.faults.stall(300, 1, { verb: 'watch' });
    const started = performance.now();
    const w = await openWatch(s, `${SERVICES}?watch=true`);
    assert.ok(performance.now() - started >= 290, 'headers only after the stall');
    assert.equal(w.status, 200);
    w.close();
    assert.throws(() => s.faults.stall(-1), /stall: ms must be >= 0, got -1/);
    assert.throws(() => s.faults.failNext(500, 0), /failNext: count must be a positive integer, got 0/);
  });
});

test('leaseWriteDelayMs delays Lease writes; two renewals from one resourceVersion give one 200 and one 409', async () => {
  await withFakeApiServer(async (s) => {
    s.faults.leaseWriteDelayMs = 250;
    const leases = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
    const started = performance.now();
    const r = await call(s, 'POST', leases, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l' },
      spec: { holderIdentity: 'a', renewTime: '2026-11-26T02:57:00.000000Z' },
    });
    assert.equal(r.status, 201);
    assert.ok(performance.now() - started >= 240, 'the write waited');
    // While a delayed renewal is in flight, a competing one with the same resourceVersion wins or
    // loses on arrival order at the store, exactly as on a real server: one 200, one 409.
    const body = (holder: string) => ({ ...r.body, spec: { ...r.body.spec, holderIdentity: holder } });
    const results = await Promise.all([
      call(s, 'PUT', `${leases}/l`, body('b')),
      call(s, 'PUT', `${leases}/l`, body('c')),
    ]);
    assert.deepEqual(results.map((x) => x.status).sort(), [200, 409]);
  });
});

test('goDown resets every connection and request until comeUp; the store survives', async () => {
  await withFakeApiServer(async (s) => {
    assert.equal((await call(s, 'POST', SERVICES, svc('kept'))).status, 201);
    const watch = await openWatch(s, `${SERVICES}?watch=1`);
    s.goDown();
    await watch.ended;
    await assert.rejects(call(s, 'GET', SERVICES), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET');
    const core = kubeConfigFor(s).makeApiClient(CoreV1Api);
    await assert.rejects(core.listNamespacedService({ namespace: 'default' }));
    s.comeUp();
    const back = await call(s, 'GET', SERVICES);
    assert.equal(back.status, 200);
    assert.deepEqual(
      back.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['kept'],
    );
  });
});

test('watchDelayMs holds back the live events of one resource on every watch, in order; writes are not slowed', async () => {
  await withFakeApiServer(async (s) => {
    s.faults.watchDelayMs.set('services', 300);
    const slow = await openWatch(s, `${SERVICES}?watch=1`);
    const other = await openWatch(s, '/api/v1/nodes?watch=1');
    const t0 = performance.now();
    assert.equal((await call(s, 'POST', SERVICES, svc('a'))).status, 201);
    assert.equal((await call(s, 'POST', SERVICES, svc('b'))).status, 201);
    assert.ok(performance.now() - t0 < 300, 'the writes themselves are not slowed');
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } };
    assert.equal((await call(s, 'POST', '/api/v1/nodes', node)).status, 201);
    await other.next(1);
    assert.equal(slow.events.length, 0, 'nothing yet on the slow resource');
    const events = await slow.next(2);
    assert.ok(performance.now() - t0 >= 300, 'delivered after the delay');
    assert.deepEqual(
      events.map((e) => (e.object.metadata as { name: string }).name),
      ['a', 'b'],
    );
    slow.close();
    other.close();
  });
});

test('watchDelayMs keyed `plural token` slows only that client’s watches', async () => {
  await withFakeApiServer(async (s) => {
    s.faults.watchDelayMs.set('services slow-client', 300);
    const slow = await openWatch(s, `${SERVICES}?watch=1`, 'slow-client');
    const fast = await openWatch(s, `${SERVICES}?watch=1`);
    assert.equal((await call(s, 'POST', SERVICES, svc('a'))).status, 201);
    await fast.next(1);
    assert.equal(slow.events.length, 0, 'the slow client has not seen it yet');
    await slow.next(1);
    slow.close();
    fast.close();
  });
});
