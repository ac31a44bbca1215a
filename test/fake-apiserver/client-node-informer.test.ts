// The REAL @kubernetes/client-node 2.x against the fake: its informer lists, then watches from the
// list's resourceVersion; a 410 (in-stream or HTTP) makes it relist; a dropped connection makes it emit
// 'error' and stop, which is the trap the agent has to handle; a Date renewTime is refused while a
// six-digit string is stored; a stale replace is 409.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  makeInformer,
  type V1Lease,
  type V1Service,
} from '@kubernetes/client-node';
import { type FakeApiServer, kubeConfigFor, withFakeApiServer } from '../support/kube.ts';
import { svc } from './http-helpers.ts';

function informerFor(s: FakeApiServer) {
  const kc = kubeConfigFor(s);
  const core = kc.makeApiClient(CoreV1Api);
  return makeInformer<V1Service>(kc, '/api/v1/namespaces/default/services', () =>
    core.listNamespacedService({ namespace: 'default' }),
  );
}

/** Resolves on the next informer event of this kind whose object has this name. */
function nextEvent(
  inf: ReturnType<typeof informerFor>,
  verb: 'add' | 'update' | 'delete',
  name: string,
): Promise<V1Service> {
  return new Promise((resolve) => {
    const cb = (o: V1Service) => {
      if (o.metadata?.name !== name) return;
      inf.off(verb, cb);
      resolve(o);
    };
    inf.on(verb, cb);
  });
}

const watchRequests = (s: FakeApiServer) => s.requests.filter((r) => r.includes('watch=true'));
const listRequests = (s: FakeApiServer) =>
  s.requests.filter(
    (r) => r.startsWith('GET /api/v1/namespaces/default/services') && !r.includes('watch=true'),
  );

test('client-node informer: list, then watch from the list resourceVersion; add, update and delete arrive', async () => {
  await withFakeApiServer(async (s) => {
    s.apply(svc('a'));
    const inf = informerFor(s);
    const added = nextEvent(inf, 'add', 'a');
    await inf.start();
    await added;
    const listRv = s.store.currentRv();
    assert.ok(watchRequests(s)[0]!.includes(`resourceVersion=${listRv}`), watchRequests(s)[0]);
    const b = nextEvent(inf, 'add', 'b');
    s.apply(svc('b'));
    await b;
    const upd = nextEvent(inf, 'update', 'a');
    const core = kubeConfigFor(s).makeApiClient(CoreV1Api);
    await core.patchNamespacedService({
      namespace: 'default',
      name: 'a',
      body: [{ op: 'add', path: '/metadata/labels', value: { x: 'y' } }],
    });
    assert.deepEqual((await upd).metadata?.labels, { x: 'y' });
    const del = nextEvent(inf, 'delete', 'b');
    await core.deleteNamespacedService({ namespace: 'default', name: 'b' });
    await del;
    assert.deepEqual(
      inf.list('default').map((o) => o.metadata?.name),
      ['a'],
    );
    await inf.stop();
  });
});

for (const mode of ['stream', 'http'] as const) {
  test(`client-node informer relists after a ${mode === 'stream' ? 'in-stream ERROR 410' : 'HTTP 410'} and catches up`, async () => {
    await withFakeApiServer(
      async (s) => {
        s.apply(svc('a'));
        const inf = informerFor(s);
        const errors: unknown[] = [];
        inf.on('error', (e) => errors.push(e));
        await inf.start();
        assert.equal(listRequests(s).length, 1);
        const seenC = nextEvent(inf, 'add', 'c');
        const goneA = nextEvent(inf, 'delete', 'a');
        // Synchronously, before the client can run again: end its watch cleanly, change state and
        // compact, so the resume from its last resourceVersion is answered 410.
        s.endWatches();
        s.apply(svc('c'));
        s.store.remove(s.resource('v1', 'Service'), 'default', 'a');
        s.compact();
        await Promise.all([seenC, goneA]);
        assert.equal(listRequests(s).length, 2, 'a second LIST: the informer relisted');
        assert.deepEqual(
          inf.list('default').map((o) => o.metadata?.name),
          ['c'],
        );
        assert.deepEqual(errors, []);
        await inf.stop();
      },
      { expiredWatchAs: mode },
    );
  });
}

test("a dropped watch connection makes client-node's informer emit 'error' and stop watching", async () => {
  await withFakeApiServer(async (s) => {
    const inf = informerFor(s);
    await inf.start();
    const err = new Promise<unknown>((resolve) => inf.on('error', resolve));
    assert.equal(s.dropWatches(), 1);
    const e = await err;
    assert.ok(e instanceof Error, String(e));
    // It does not come back by itself: no new watch request follows the error.
    const watchesAfterError = watchRequests(s).length;
    s.apply(svc('late'));
    await inf.stop();
    assert.equal(watchRequests(s).length, watchesAfterError);
    assert.equal(inf.get('late', 'default'), undefined);
  });
});

test('client-node Lease: a Date renewTime (millisecond precision) is 400, a six-digit string is stored, a stale replace is 409', async () => {
  await withFakeApiServer(async (s) => {
    const coord = kubeConfigFor(s).makeApiClient(CoordinationV1Api);
    const namespace = 'kube-node-lease';
    const body = (renewTime: unknown): V1Lease => ({
      metadata: { name: 'purelb-node-a' },
      spec: { holderIdentity: 'node-a', leaseDurationSeconds: 10, renewTime: renewTime as Date },
    });
    await assert.rejects(
      coord.createNamespacedLease({ namespace, body: body(new Date('2026-11-26T02:57:00.123Z')) }),
      (e: unknown) => e instanceof ApiException && e.code === 400 && /spec\.renewTime/.test(String(e.body)),
    );
    const created = await coord.createNamespacedLease({
      namespace,
      body: body('2026-11-26T02:57:00.123000Z'),
    });
    const renewed = structuredClone(created);
    renewed.spec!.holderIdentity = 'node-b';
    renewed.spec!.renewTime = '2026-11-26T02:57:02.000000Z' as unknown as Date;
    await coord.replaceNamespacedLease({ namespace, name: 'purelb-node-a', body: renewed });
    const stale = structuredClone(created);
    stale.spec!.renewTime = '2026-11-26T02:57:03.000000Z' as unknown as Date;
    await assert.rejects(
      coord.replaceNamespacedLease({ namespace, name: 'purelb-node-a', body: stale }),
      (e: unknown) => e instanceof ApiException && e.code === 409,
    );
    const now = await coord.readNamespacedLease({ namespace, name: 'purelb-node-a' });
    assert.equal(now.spec?.holderIdentity, 'node-b');
  });
});
