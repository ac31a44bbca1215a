// The agent's informer (informer.ts) over its own client against every fault the fake API server can
// play (test/fake-apiserver/faults.ts and the server's actions): it lists in pages, resumes watches from
// bookmarks, relists on 410 telling only the differences, and after any failure follows again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '@purelb-ts/core';
import {
  type FakeApiServer,
  type FakeApiServerOptions,
  withFakeApiServer,
} from '../../../../../test/support/kube.ts';
import { type InformerEvent, RestartingInformer } from '../../../src/kubernetes/informer.ts';
import { projectService } from '../../../src/kubernetes/project.ts';
import { KubeRest } from '../../../src/kubernetes/rest.ts';
import { eventually, memoryLogger, service } from '../fixtures.ts';

interface Followed {
  informer: RestartingInformer<Service>;
  events: [InformerEvent, string][];
  lines: ReturnType<typeof memoryLogger>['lines'];
  names: () => string[];
}

/** Services followed by an informer with small pages and fast restarts; stopped afterwards. */
function follow(
  fn: (server: FakeApiServer, f: Followed) => Promise<void>,
  options: FakeApiServerOptions = {},
  informer: { idleTimeoutMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  return withFakeApiServer(async (server) => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) server.apply(service(n));
    const { logger, lines } = memoryLogger();
    const rest = new KubeRest(
      { server: server.baseUrl, token: 't', origin: 'test' },
      { timeoutMs: informer.timeoutMs ?? 2_000 },
    );
    const events: [InformerEvent, string][] = [];
    let listed!: () => void;
    const first = new Promise<void>((r) => {
      listed = r;
    });
    const inf = new RestartingInformer<Service>(rest, {
      kind: 'Service',
      path: '/api/v1/services',
      project: projectService,
      logger,
      restartDelayMs: 10,
      maxRestartDelayMs: 50,
      pageSize: 2,
      ...(informer.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: informer.idleTimeoutMs }),
      onEvent: (e, o) => events.push([e, o.metadata.name]),
      onFirstList: () => listed(),
    });
    inf.start();
    try {
      await first;
      const names = () =>
        inf
          .list()
          .map((s) => s.metadata.name)
          .sort();
      await fn(server, { informer: inf, events, lines, names });
    } finally {
      await inf.stop();
      rest.transport.close();
    }
  }, options);
}

const lists = (s: FakeApiServer) => s.requests.filter((r) => /^GET \/api\/v1\/services\?limit=/.test(r));
const watches = (s: FakeApiServer) =>
  s.requests.filter((r) => r.startsWith('GET /api/v1/services?watch=true'));
const watchRv = (r: string | undefined) => Number(/resourceVersion=(\d+)/.exec(r ?? '')?.[1]);
const restarts = (f: Followed) => f.lines.filter((l) => l.msg === 'kubernetes informer stopped; restarting');

test('lists in pages of pageSize and keeps only what core reads of each Service', () =>
  follow(async (server, f) => {
    assert.deepEqual(f.names(), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(lists(server).length, 3, '5 Services in pages of 2');
    assert.match(lists(server)[1] ?? '', /limit=2&continue=/);
    const kept = f.informer.get('a', 'default') as unknown as Record<string, Record<string, unknown>>;
    assert.equal(kept.metadata?.managedFields, undefined);
    assert.equal(kept.metadata?.creationTimestamp !== undefined, true);
    assert.equal((kept.spec as Record<string, unknown>)?.sessionAffinity, undefined, 'not read by core');
  }));

test('a watch ended by the server resumes from the last bookmark, without a relist', () =>
  follow(
    async (server, f) => {
      await eventually('watch open', () => server.openWatchCount() === 1);
      const listRv = watchRv(watches(server)[0]);
      // Other resources move the resourceVersion on; only a bookmark tells this watch about it.
      server.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
      server.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } });
      await new Promise((r) => setTimeout(r, 150));
      server.endWatches();
      await eventually('watched again', () => watches(server).length === 2);
      assert.ok(watchRv(watches(server)[1]) > listRv, `${watches(server)[1]} resumes past ${listRv}`);
      assert.equal(lists(server).length, 3, 'no relist');
      assert.equal(restarts(f).length, 0, 'a server-side end is no failure');
      server.apply(service('f'));
      await eventually('f followed', () => f.names().includes('f'));
    },
    { bookmarkIntervalMs: 50 },
  ));

for (const expiredWatchAs of ['stream', 'http'] as const) {
  test(`410 (${expiredWatchAs}): relists, and tells only what changed while the history was lost`, () =>
    follow(
      async (server, f) => {
        await eventually('watch open', () => server.openWatchCount() === 1);
        server.dropWatches();
        server.store.remove(server.resource('v1', 'Service'), 'default', 'a');
        server.apply(service('f'));
        server.compact();
        await eventually('relisted', () => f.names().join() === 'b,c,d,e,f');
        const after = f.events.slice(5);
        assert.deepEqual(after.sort(), [
          ['add', 'f'],
          ['delete', 'a'],
        ]);
        server.apply(service('g'));
        await eventually('followed after the relist', () => f.names().includes('g'));
      },
      { expiredWatchAs },
    ));
}

test('500 and 429 answers to lists and watches are retried with backoff', () =>
  follow(async (server, f) => {
    await eventually('watch open', () => server.openWatchCount() === 1);
    server.faults.failNext(429, 2, { verb: 'watch', resource: 'services' });
    server.faults.failNext(500, 2, { verb: 'list', resource: 'services' });
    server.dropWatches();
    server.apply(service('f'));
    server.compact(); // the next watch gets 410 after the 429s: a list, which fails twice
    await eventually('followed again', () => f.names().includes('f'));
    const reasons = restarts(f).map((l) => String(l.reason));
    assert.ok(reasons.filter((r) => /HTTP 429/.test(r)).length >= 2, reasons.join('; '));
    assert.ok(reasons.filter((r) => /HTTP 500/.test(r)).length >= 2, reasons.join('; '));
  }));

test('a watch whose headers stall past the request timeout is abandoned and opened again', () =>
  follow(
    async (server, f) => {
      await eventually('watch open', () => server.openWatchCount() === 1);
      server.faults.stall(5_000, 1, { verb: 'watch', resource: 'services' });
      server.dropWatches();
      await eventually('timed out', () =>
        restarts(f).some((l) => /no answer within 300 ms/.test(String(l.reason))),
      );
      server.apply(service('f'));
      await eventually('followed again', () => f.names().includes('f'));
    },
    {},
    { timeoutMs: 300 },
  ));

test('a half-open watch (stalled, never closed) is noticed after idleTimeoutMs and opened again', () =>
  follow(
    async (server, f) => {
      await eventually('watch open', () => server.openWatchCount() === 1);
      assert.equal(server.stallWatches('services'), 1);
      server.apply(service('f'));
      await eventually('watched again', () => watches(server).length >= 2, 3_000);
      await eventually('f followed', () => f.names().includes('f'));
    },
    {},
    { idleTimeoutMs: 400 },
  ));

test('slow watch events (watchDelayMs) arrive late, in order, with no restart', () =>
  follow(async (server, f) => {
    await eventually('watch open', () => server.openWatchCount() === 1);
    server.faults.watchDelayMs.set('services', 200);
    server.apply(service('f'));
    server.store.remove(server.resource('v1', 'Service'), 'default', 'f');
    server.apply(service('g'));
    await eventually('g followed', () => f.names().includes('g'));
    assert.deepEqual(f.events.slice(5), [
      ['add', 'f'],
      ['delete', 'f'],
      ['add', 'g'],
    ]);
    assert.equal(restarts(f).length, 0);
  }));

test('the API server down then up: what changed meanwhile is seen, from the last resourceVersion', () =>
  follow(async (server, f) => {
    await eventually('watch open', () => server.openWatchCount() === 1);
    server.goDown();
    await eventually('failures logged', () => restarts(f).length >= 2);
    server.store.remove(server.resource('v1', 'Service'), 'default', 'b');
    server.comeUp();
    await eventually('b gone', () => !f.names().includes('b'));
    assert.equal(lists(server).length, 3, 'resumed from its resourceVersion, no relist');
  }));

test('a dropped watch resumes from its resourceVersion and misses nothing', () =>
  follow(async (server, f) => {
    await eventually('watch open', () => server.openWatchCount() === 1);
    server.dropWatches();
    server.apply(service('f'));
    await eventually('f followed', () => f.names().includes('f'));
    assert.equal(lists(server).length, 3);
  }));
