// The Kubernetes source through the real client-node informers against the fake API server: it lists
// every kind once before start() resolves, follows changes, keeps following after the server drops
// every watch connection (client-node stops an informer on that; the source restarts it), and relists
// when its resourceVersion has been compacted away (410), in-stream or as an HTTP status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import type { FakeApiServerOptions } from '../../../../test/support/kube.ts';
import { accessFor, withFakeApiServer } from '../../../../test/support/kube.ts';
import { KubeRest } from '../../src/kubernetes/rest.ts';
import { KubernetesSource } from '../../src/kubernetes/source.ts';
import {
  endpointSlice,
  eventually,
  lbNodeAgent,
  lease,
  memoryLogger,
  NODE,
  NS,
  node,
  service,
  serviceGroup,
} from './fixtures.ts';

const names = (items: readonly { metadata: { name: string } }[]): string[] =>
  items.map((i) => i.metadata.name).sort();

const withSource = (
  fn: (
    server: Parameters<Parameters<typeof withFakeApiServer>[0]>[0],
    source: KubernetesSource,
    changes: { count: number },
    lines: Record<string, unknown>[],
  ) => Promise<void>,
  options: FakeApiServerOptions = {},
) =>
  withFakeApiServer(
    async (server) => {
      server.apply(node(NODE));
      server.apply(node('node-b'));
      server.apply(service('web'));
      server.apply(service('other', NS));
      server.apply(endpointSlice('web-abc', 'web'));
      server.apply(serviceGroup('local-pool'));
      server.apply(lbNodeAgent('default'));
      server.apply(lease('node-b'));
      const { logger, lines } = memoryLogger();
      const source = new KubernetesSource(new KubeRest(accessFor(server)), {
        namespace: NS,
        node: NODE,
        logger,
        restartDelayMs: 20,
        maxRestartDelayMs: 200,
      });
      const changes = { count: 0 };
      try {
        await source.start(() => changes.count++);
        await fn(server, source, changes, lines);
      } finally {
        await source.stop();
      }
    },
    { namespaces: ['default', NS], ...options },
  );

test('start() resolves with every kind listed; node is this one, nodes every Node', () =>
  withSource(async (_server, source, changes) => {
    const s = source.snapshot();
    assert.deepEqual(names(s.services), ['other', 'web']);
    assert.deepEqual(names(s.endpointSlices), ['web-abc']);
    assert.deepEqual(names(s.serviceGroups), ['local-pool']);
    assert.deepEqual(names(s.lbNodeAgents), ['default']);
    assert.deepEqual(names(s.leases), ['purelb-node-node-b']);
    assert.equal(s.node?.metadata.name, NODE);
    assert.deepEqual(names(s.nodes), [NODE, 'node-b'].sort());
    assert.ok(s.node?.metadata.uid, 'the Node carries its uid (the Lease ownerReference needs it)');
    assert.equal(source.synced(), true);
    await eventually('the initial list is reported as a change', () => changes.count > 0);
  }));

/** A LIST of every Service (in pages: its first page or a continued one), not a watch. */
const isServiceList = (r: string) => /^GET \/api\/v1\/services\?limit=\d+(&continue=|$)/.test(r);

test("a Node's heartbeat is no change; its addresses, a new Node and a deleted one are", () =>
  withSource(async (server, source, changes) => {
    await eventually('initial change reported', () => changes.count > 0);
    const status = (conditions: unknown[], address: string) => ({
      status: { conditions, addresses: [{ type: 'InternalIP', address }] },
    });
    const patch = (body: unknown) =>
      call(server, 'PATCH', '/api/v1/nodes/node-b/status', body, 'application/merge-patch+json');
    const ready = (at: Date) => [{ type: 'Ready', status: 'True', lastHeartbeatTime: at.toISOString() }];
    assert.equal((await patch(status(ready(new Date(Date.now() - 10_000)), '10.0.0.2'))).status, 200);
    await eventually('the address seen', () =>
      source.snapshot().nodes.some((n) => n.status?.addresses?.[0]?.address === '10.0.0.2'),
    );
    await eventually('the address change reported', () => changes.count > 1);
    const before = changes.count;
    // A heartbeat: the same condition, a later lastHeartbeatTime.
    const beaten = await patch(status(ready(new Date()), '10.0.0.2'));
    assert.equal(beaten.status, 200);
    const rv = (beaten.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    await eventually('the heartbeat in the cache', () =>
      source.snapshot().nodes.some((n) => n.metadata.resourceVersion === rv),
    );
    assert.equal(changes.count, before, 'a heartbeat wakes nobody');
    // What the agent reads of a Node is kept, its conditions are not (see project.ts).
    assert.ok(!JSON.stringify(source.snapshot().nodes).includes('lastHeartbeatTime'));
    server.apply(node('node-c'));
    await eventually('a new Node reported', () => changes.count > before);
    const added = changes.count;
    server.store.remove(server.resource('v1', 'Node'), undefined, 'node-c');
    await eventually('a deleted Node reported', () => changes.count > added);
    assert.deepEqual(names(source.snapshot().nodes), [NODE, 'node-b'].sort());
  }));

test('changes after the list are followed: added, modified, deleted', () =>
  withSource(async (server, source, changes) => {
    await eventually('initial change reported', () => changes.count > 0);
    const before = changes.count;
    server.apply(service('api'));
    await eventually('new Service seen', () => names(source.snapshot().services).includes('api'));
    assert.ok(changes.count > before, 'onChange was called');
    server.apply(serviceGroup('second'));
    await eventually('new ServiceGroup seen', () => source.snapshot().serviceGroups.length === 2);
    server.store.remove(server.resource('v1', 'Service'), 'default', 'web');
    await eventually('deleted Service gone', () => !names(source.snapshot().services).includes('web'));
  }));

test('after every watch connection is dropped, the informers are restarted and later changes are seen', () =>
  withSource(async (server, source, _changes, lines) => {
    await eventually('all six watches open', () => server.openWatchCount() === 6);
    const lists = () => server.requests.filter(isServiceList).length;
    const listsBefore = lists();
    assert.equal(server.dropWatches(), 6);
    await eventually('restart logged for every kind', () =>
      ['Service', 'EndpointSlice', 'ServiceGroup', 'LBNodeAgent', 'Lease', 'Node'].every((kind) =>
        lines.some((l) => l.msg === 'kubernetes informer stopped; restarting' && l.kind === kind),
      ),
    );
    server.apply(service('after-drop'));
    server.apply(lease('node-c'));
    await eventually('Service created after the drop seen', () =>
      names(source.snapshot().services).includes('after-drop'),
    );
    await eventually('Lease created after the drop seen', () => source.snapshot().leases.length === 2);
    // The restart resumed the watch from the last resourceVersion: no relist was needed.
    assert.equal(lists(), listsBefore);
    assert.ok(
      server.requests.some((r) => /^GET \/api\/v1\/services\?watch=true&resourceVersion=\d+/.test(r)),
    );
    const restartLog = lines.find((l) => l.msg === 'kubernetes informer stopped; restarting');
    assert.equal(restartLog?.level, 'warn');
    assert.equal(typeof restartLog?.reason, 'string');
  }));

for (const expiredWatchAs of ['stream', 'http'] as const) {
  test(`a compacted resourceVersion (410 ${expiredWatchAs}) makes the informer relist, dropping what was deleted meanwhile`, () =>
    withSource(
      async (server, source) => {
        await eventually('all six watches open', () => server.openWatchCount() === 6);
        const listsBefore = server.requests.filter(isServiceList).length;
        // Changes that happen while no watch is open, then the history is compacted away: resuming
        // from the old resourceVersion must fail with 410, and only a relist can see them.
        server.dropWatches();
        server.store.remove(server.resource('v1', 'Service'), 'default', 'web');
        server.apply(service('while-gone'));
        server.compact();
        await eventually('relisted Services', () => {
          const ns = names(source.snapshot().services);
          return ns.includes('while-gone') && !ns.includes('web');
        });
        const listsAfter = server.requests.filter(isServiceList).length;
        assert.ok(listsAfter > listsBefore, 'the Services were listed again');
        server.apply(service('after-relist'));
        await eventually('watch resumed after the relist', () =>
          names(source.snapshot().services).includes('after-relist'),
        );
      },
      { expiredWatchAs },
    ));
}

test('a failing list is retried until it succeeds; start() waits for it', () =>
  withFakeApiServer(
    async (server) => {
      server.apply(node(NODE));
      server.apply(service('web'));
      server.faults.failNext(500, 3, { verb: 'list', resource: 'services' });
      const { logger, lines } = memoryLogger();
      const source = new KubernetesSource(new KubeRest(accessFor(server)), {
        namespace: NS,
        node: NODE,
        logger,
        restartDelayMs: 10,
        maxRestartDelayMs: 50,
      });
      try {
        await source.start(() => {});
        assert.deepEqual(names(source.snapshot().services), ['web']);
        const failures = lines.filter(
          (l) => l.msg === 'kubernetes informer stopped; restarting' && l.kind === 'Service',
        );
        assert.equal(failures.length, 3);
        assert.match(String(failures[0]?.reason), /500/);
      } finally {
        await source.stop();
      }
    },
    { namespaces: ['default', NS] },
  ));

test('stop() before every informer has listed makes start() fail instead of hanging', () =>
  withFakeApiServer(
    async (server) => {
      server.faults.failNext(500, 1_000_000, { verb: 'list', resource: 'services' });
      const source = new KubernetesSource(new KubeRest(accessFor(server)), {
        namespace: NS,
        node: NODE,
        logger: memoryLogger().logger,
        restartDelayMs: 10,
        maxRestartDelayMs: 20,
      });
      const started = source.start(() => {});
      await eventually('a failed list', () => server.requests.filter(isServiceList).length > 1);
      const refused = assert.rejects(started, /stopped before every informer had listed/);
      await source.stop();
      await refused;
      assert.equal(source.synced(), false);
    },
    { namespaces: ['default', NS] },
  ));
