// Watch semantics from the API conventions, checked over plain HTTP: resourceVersions increase with
// every write; a watch resumes exactly after the resourceVersion it names; an empty resourceVersion
// replays current state as ADDED; a compacted resourceVersion gets 410 (in-stream ERROR or HTTP);
// DELETED carries the final object; bookmarks; timeoutSeconds; selectors turn modifications that
// cross the selector into ADDED/DELETED.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withFakeApiServer } from '../support/kube.ts';
import { call, openWatch, SERVICES, svc } from './http-helpers.ts';

test('every write gets a larger resourceVersion than any before it, and LIST reports the latest', async () => {
  await withFakeApiServer(async (s) => {
    const a = await call(s, 'POST', SERVICES, svc('a'));
    const b = await call(s, 'POST', SERVICES, svc('b'));
    const a2 = await call(
      s,
      'PATCH',
      `${SERVICES}/a`,
      { metadata: { labels: { x: '1' } } },
      'application/merge-patch+json',
    );
    const del = await call(s, 'DELETE', `${SERVICES}/b`);
    const rvs = [a, b, a2, del].map((r) => Number(r.body.metadata.resourceVersion));
    assert.deepEqual([a.status, b.status, a2.status, del.status], [201, 201, 200, 200]);
    assert.deepEqual(
      rvs,
      [...rvs].sort((x, y) => x - y),
    );
    assert.equal(new Set(rvs).size, 4);
    const list = await call(s, 'GET', SERVICES);
    assert.equal(list.body.kind, 'ServiceList');
    assert.equal(Number(list.body.metadata.resourceVersion), rvs[3]);
    assert.deepEqual(
      list.body.items.map((o: { metadata: { name: string } }) => o.metadata.name),
      ['a'],
    );
  });
});

test('a watch from a resourceVersion replays exactly the later events, then streams new ones', async () => {
  await withFakeApiServer(async (s) => {
    await call(s, 'POST', SERVICES, svc('a'));
    const list = await call(s, 'GET', SERVICES);
    const from = list.body.metadata.resourceVersion;
    await call(s, 'POST', SERVICES, svc('b'));
    await call(s, 'DELETE', `${SERVICES}/a`);
    const w = await openWatch(s, `${SERVICES}?watch=true&resourceVersion=${from}`);
    assert.equal(w.status, 200);
    assert.equal(w.headers['content-type'], 'application/json');
    await call(s, 'POST', SERVICES, svc('c'));
    const events = await w.next(3);
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [
        ['ADDED', 'b'],
        ['DELETED', 'a'],
        ['ADDED', 'c'],
      ],
    );
    w.close();
  });
});

test('a watch without a resourceVersion starts with the current objects as ADDED events', async () => {
  await withFakeApiServer(async (s) => {
    await call(s, 'POST', SERVICES, svc('a'));
    await call(s, 'POST', SERVICES, svc('b'));
    await call(s, 'DELETE', `${SERVICES}/a`);
    const w = await openWatch(s, `${SERVICES}?watch=1`);
    const [first] = await w.next(1);
    assert.deepEqual([first!.type, first!.object.metadata.name], ['ADDED', 'b']);
    await call(s, 'DELETE', `${SERVICES}/b`);
    const events = await w.next(2);
    assert.equal(events[1]!.type, 'DELETED');
    w.close();
  });
});

test('DELETED carries the final object, under a new resourceVersion', async () => {
  await withFakeApiServer(async (s) => {
    const created = await call(s, 'POST', SERVICES, svc('a', { labels: { app: 'web' } }));
    const w = await openWatch(
      s,
      `${SERVICES}?watch=true&resourceVersion=${created.body.metadata.resourceVersion}`,
    );
    const del = await call(s, 'DELETE', `${SERVICES}/a`);
    const [e] = await w.next(1);
    assert.equal(e!.type, 'DELETED');
    assert.deepEqual(e!.object.metadata.labels, { app: 'web' });
    assert.equal(e!.object.spec.clusterIP, created.body.spec.clusterIP);
    assert.equal(e!.object.metadata.uid, created.body.metadata.uid);
    assert.ok(Number(e!.object.metadata.resourceVersion) > Number(created.body.metadata.resourceVersion));
    assert.equal(e!.object.metadata.resourceVersion, del.body.metadata.resourceVersion);
    w.close();
  });
});

test('a resourceVersion older than the compaction window gets an in-stream 410 Expired and the stream ends', async () => {
  await withFakeApiServer(
    async (s) => {
      const first = await call(s, 'POST', SERVICES, svc('a'));
      for (const n of ['b', 'c', 'd']) await call(s, 'POST', SERVICES, svc(n));
      const w = await openWatch(
        s,
        `${SERVICES}?watch=true&resourceVersion=${first.body.metadata.resourceVersion}`,
      );
      assert.equal(w.status, 200);
      const events = await w.ended;
      assert.equal(events.length, 1);
      assert.equal(events[0]!.type, 'ERROR');
      assert.equal(events[0]!.object.kind, 'Status');
      assert.equal(events[0]!.object.code, 410);
      assert.equal(events[0]!.object.reason, 'Expired');
      // Still inside the window: resumes normally.
      const list = await call(s, 'GET', SERVICES);
      const ok = await openWatch(
        s,
        `${SERVICES}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`,
      );
      await call(s, 'POST', SERVICES, svc('e'));
      assert.equal((await ok.next(1))[0]!.type, 'ADDED');
      ok.close();
    },
    { compactionWindow: 2 },
  );
});

test('compact() expires every earlier resourceVersion at once; reason Gone and HTTP 410 are switchable', async () => {
  await withFakeApiServer(
    async (s) => {
      const a = await call(s, 'POST', SERVICES, svc('a'));
      s.compact();
      const w = await openWatch(
        s,
        `${SERVICES}?watch=true&resourceVersion=${Number(a.body.metadata.resourceVersion) - 1}`,
      );
      const [e] = await w.ended;
      assert.equal(e!.object.reason, 'Gone');
      assert.equal(e!.object.code, 410);
    },
    { expiredReason: 'Gone' },
  );
  await withFakeApiServer(
    async (s) => {
      const a = await call(s, 'POST', SERVICES, svc('a'));
      s.compact();
      const r = await call(
        s,
        'GET',
        `${SERVICES}?watch=true&resourceVersion=${Number(a.body.metadata.resourceVersion) - 1}`,
      );
      assert.equal(r.status, 410);
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, 'Gone');
      // The compacted point itself is still a valid place to resume from.
      const ok = await openWatch(
        s,
        `${SERVICES}?watch=true&resourceVersion=${a.body.metadata.resourceVersion}`,
      );
      assert.equal(ok.status, 200);
      ok.close();
    },
    { expiredWatchAs: 'http' },
  );
});

test('allowWatchBookmarks brings BOOKMARK events carrying only the current resourceVersion', async () => {
  await withFakeApiServer(
    async (s) => {
      const a = await call(s, 'POST', SERVICES, svc('a'));
      const w = await openWatch(
        s,
        `${SERVICES}?watch=true&allowWatchBookmarks=true&resourceVersion=${a.body.metadata.resourceVersion}`,
      );
      const [b] = await w.next(1);
      assert.equal(b!.type, 'BOOKMARK');
      assert.equal(b!.object.kind, 'Service');
      assert.deepEqual(b!.object.metadata, { resourceVersion: a.body.metadata.resourceVersion });
      w.close();
      const plain = await openWatch(
        s,
        `${SERVICES}?watch=true&timeoutSeconds=1&resourceVersion=${a.body.metadata.resourceVersion}`,
      );
      assert.deepEqual(await plain.ended, [], 'no bookmarks unless asked for');
    },
    { bookmarkIntervalMs: 20 },
  );
});

test('timeoutSeconds ends the watch cleanly and the server forgets it', async () => {
  await withFakeApiServer(async (s) => {
    const w = await openWatch(s, `${SERVICES}?watch=true&timeoutSeconds=1`);
    assert.equal(s.openWatchCount(), 1);
    assert.deepEqual(await w.ended, []);
    assert.equal(s.openWatchCount(), 0);
  });
});

test('selectors on a watch: leaving the selection is DELETED, entering it is ADDED', async () => {
  await withFakeApiServer(async (s) => {
    await call(s, 'POST', SERVICES, svc('a', { labels: { lb: 'yes' } }));
    await call(s, 'POST', SERVICES, svc('b'));
    const w = await openWatch(s, `${SERVICES}?watch=true&labelSelector=${encodeURIComponent('lb=yes')}`);
    const patch = (name: string, labels: unknown) =>
      call(s, 'PATCH', `${SERVICES}/${name}`, { metadata: { labels } }, 'application/merge-patch+json');
    await patch('a', { lb: null });
    await patch('b', { lb: 'yes' });
    const events = await w.next(3);
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [
        ['ADDED', 'a'],
        ['DELETED', 'a'],
        ['ADDED', 'b'],
      ],
    );
    w.close();
    const byName = await call(s, 'GET', `${SERVICES}?fieldSelector=${encodeURIComponent('metadata.name=b')}`);
    assert.deepEqual(
      byName.body.items.map((o: { metadata: { name: string } }) => o.metadata.name),
      ['b'],
    );
    const bad = await call(s, 'GET', `${SERVICES}?fieldSelector=spec.type%3DLoadBalancer`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /field label not supported: spec.type/);
  });
});

test('LIST pages with limit and continue, and reports what remains', async () => {
  await withFakeApiServer(async (s) => {
    for (const n of ['a', 'b', 'c']) await call(s, 'POST', SERVICES, svc(n));
    const p1 = await call(s, 'GET', `${SERVICES}?limit=2`);
    assert.equal(p1.body.items.length, 2);
    assert.equal(p1.body.metadata.remainingItemCount, 1);
    const p2 = await call(s, 'GET', `${SERVICES}?limit=2&continue=${p1.body.metadata.continue}`);
    assert.deepEqual(
      p2.body.items.map((o: { metadata: { name: string } }) => o.metadata.name),
      ['c'],
    );
    assert.equal(p2.body.metadata.continue, undefined);
  });
});

test('a watch from a resourceVersion ahead of the store sends nothing at or below it', async () => {
  await withFakeApiServer(async (s) => {
    const ahead = s.store.currentRv() + 2;
    const w = await openWatch(s, `${SERVICES}?watch=true&resourceVersion=${ahead}`);
    for (const n of ['a', 'b', 'c']) await call(s, 'POST', SERVICES, svc(n));
    const [e] = await w.next(1);
    assert.deepEqual([e!.object.metadata.name, Number(e!.object.metadata.resourceVersion)], ['c', ahead + 1]);
    w.close();
  });
});
