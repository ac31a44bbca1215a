// This node's election Lease against the fake API server (which refuses a MicroTime without six
// fractional digits, as the real one does): created with the node's subnets, instance and an
// ownerReference to its Node; renewed; a 409 from a concurrent write re-read and retried; the fence
// signal raised when renewals fail or hang past the lease duration (and lowered when they succeed
// again); release() deletes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lease } from '@purelb-ts/core';
import { parseMicroTime } from '@purelb-ts/core';
import type { FakeApiServer } from '../../../../test/support/kube.ts';
import { accessFor, withFakeApiServer } from '../../../../test/support/kube.ts';
import { LeaseKeeper, type LeaseOptions } from '../../src/kubernetes/lease.ts';
import { KubeRest } from '../../src/kubernetes/rest.ts';
import { eventually, memoryLogger, NODE, NS, node } from './fixtures.ts';

const LEASE = `purelb-node-${NODE}`;

const stored = (server: FakeApiServer): Lease | undefined =>
  server.store.get(server.resource('coordination.k8s.io/v1', 'Lease'), NS, LEASE) as unknown as
    | Lease
    | undefined;

interface Run {
  server: FakeApiServer;
  keeper: LeaseKeeper;
  fences: boolean[];
  lines: Record<string, unknown>[];
  nodeUid: string;
}

const withKeeper = (
  fn: (run: Run) => Promise<void>,
  opts: Partial<LeaseOptions> = {},
  rest?: (s: FakeApiServer) => KubeRest,
) =>
  withFakeApiServer(
    async (server) => {
      const created = server.apply(node(NODE));
      const { logger, lines } = memoryLogger();
      const fences: boolean[] = [];
      const keeper = new LeaseKeeper(rest?.(server) ?? new KubeRest(accessFor(server)), {
        namespace: NS,
        node: NODE,
        leaseDurationSeconds: 2,
        instance: 'pod-uid-1234',
        subnets: () => ['172.30.250.0/24', '2001:db8::/64'],
        onFence: (f) => fences.push(f),
        logger,
        ...opts,
      });
      try {
        await fn({ server, keeper, fences, lines, nodeUid: String(created.metadata.uid) });
      } finally {
        await keeper.stop();
      }
    },
    { namespaces: ['default', NS] },
  );

test('the Lease is created with six-digit MicroTimes, the subnets, the instance and an ownerReference to the Node', () =>
  withKeeper(async ({ server, keeper, fences, nodeUid }) => {
    await keeper.start();
    const l = stored(server);
    assert.ok(l, 'Lease created');
    assert.equal(l.spec?.holderIdentity, NODE);
    assert.equal(l.spec?.leaseDurationSeconds, 2);
    assert.match(l.spec?.renewTime ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.match(l.spec?.acquireTime ?? '', /\.\d{6}Z$/);
    assert.equal(l.metadata.annotations?.['purelb.io/subnets'], '172.30.250.0/24,2001:db8::/64');
    assert.equal(l.metadata.annotations?.['purelb.io/instance'], 'pod-uid-1234');
    assert.deepEqual(l.metadata.ownerReferences, [
      { apiVersion: 'v1', kind: 'Node', name: NODE, uid: nodeUid },
    ]);
    const h = keeper.health();
    assert.equal(h.fenced, false);
    assert.equal(h.consecutiveFailures, 0);
    assert.equal(parseMicroTime(l.spec?.renewTime ?? ''), h.lastRenew);
    assert.deepEqual(fences, []);
  }));

test('the Lease is renewed: renewTime moves on, acquireTime stays', () =>
  withKeeper(async ({ server, keeper }) => {
    await keeper.start();
    const first = stored(server);
    await eventually('a second renewal', () => stored(server)?.spec?.renewTime !== first?.spec?.renewTime);
    const second = stored(server);
    assert.ok(
      Number(parseMicroTime(second?.spec?.renewTime ?? '')) >
        Number(parseMicroTime(first?.spec?.renewTime ?? '')),
    );
    assert.equal(second?.spec?.acquireTime, first?.spec?.acquireTime);
    assert.ok(Number(second?.metadata.resourceVersion) > Number(first?.metadata.resourceVersion));
  }));

test('a 409 from a write between our read and our update is re-read and retried', async () => {
  let conflicts = 0;
  await withKeeper(
    async ({ server, keeper, lines }) => {
      await keeper.start(); // creates
      await keeper.renewNow(); // update: someone else writes first, ours gets 409, then succeeds
      assert.equal(conflicts, 1);
      assert.equal(keeper.health().consecutiveFailures, 0);
      assert.ok(lines.some((l) => l.msg === 'lease conflict; re-reading'));
      assert.ok(server.requests.filter((r) => r.startsWith('PUT ')).length >= 2);
      assert.equal(stored(server)?.metadata.annotations?.['someone-else'], 'was here');
    },
    {},
    (server) => {
      // The "someone else": once, just before our PUT, another writer updates the Lease, so the
      // resourceVersion we read is stale and the fake API server answers 409.
      class Racing extends KubeRest {
        override async replace<T>(path: string, body: unknown): Promise<T> {
          if (conflicts === 0) {
            conflicts++;
            const r = server.resource('coordination.k8s.io/v1', 'Lease');
            const current = server.store.get(r, NS, LEASE);
            assert.ok(current);
            (current.metadata as unknown as { annotations: Record<string, string> }).annotations[
              'someone-else'
            ] = 'was here';
            server.store.write(r, current, 'MODIFIED');
          }
          return super.replace<T>(path, body);
        }
      }
      return new Racing(accessFor(server));
    },
  );
});

test('when renewals fail (500) past the lease duration the node fences, and unfences once renewed', () =>
  withKeeper(async ({ server, keeper, fences, lines }) => {
    await keeper.start();
    const lastGood = keeper.health().lastRenew ?? 0;
    server.faults.failNext(500, 1_000_000, { resource: 'leases' });
    await eventually('fenced', () => fences.length === 1);
    const fencedAt = Date.now();
    assert.deepEqual(fences, [true]);
    assert.equal(keeper.fenced, true);
    // Not before the lease could lapse: duration 2 s minus the default margin (a fifth) = 1.6 s.
    assert.ok(fencedAt >= lastGood + 1600, `fenced ${fencedAt - lastGood} ms after the last renewal`);
    assert.ok(keeper.health().consecutiveFailures >= 1);
    assert.match(keeper.health().lastError ?? '', /500/);
    assert.ok(lines.some((l) => l.level === 'error' && l.msg === 'lease renewal failed'));
    assert.ok(
      lines.some((l) => l.level === 'error' && /lease not renewed before it lapses/.test(String(l.msg))),
    );
    server.faults.clear();
    await eventually('unfenced', () => fences.length === 2);
    assert.deepEqual(fences, [true, false]);
    assert.equal(keeper.health().consecutiveFailures, 0);
  }));

test('a renewal that hangs does not keep the node unfenced, and a timed-out request does not block recovery', () =>
  withKeeper(
    async ({ server, keeper, fences, lines }) => {
      await keeper.start();
      const lastGood = keeper.health().lastRenew ?? 0;
      server.faults.stall(3000, 1000, { resource: 'leases' });
      await eventually('fenced while the renewal hangs', () => fences.length === 1);
      assert.ok(Date.now() >= lastGood + 1600);
      assert.ok(lines.some((l) => /no answer within 500 ms/.test(String(l.reason))));
      server.faults.clear();
      await eventually('unfenced once the API server answers again', () => fences.length === 2);
      assert.deepEqual(fences, [true, false]);
    },
    {},
    (server) => new KubeRest(accessFor(server), { timeoutMs: 500 }),
  ));

test('a node that never renewed is fenced (it holds no claim)', () =>
  withKeeper(async ({ server, keeper, fences }) => {
    server.faults.failNext(500, 1_000_000, { resource: 'leases' });
    await keeper.start();
    assert.deepEqual(fences, [true]);
    assert.equal(keeper.health().lastRenew, undefined);
    assert.equal(stored(server), undefined);
  }));

test('release() stops renewing and deletes the Lease', () =>
  withKeeper(async ({ server, keeper, lines }) => {
    await keeper.start();
    assert.ok(stored(server));
    await keeper.release();
    assert.equal(stored(server), undefined);
    assert.ok(
      server.requests.some(
        (r) => r === `DELETE /apis/coordination.k8s.io/v1/namespaces/${NS}/leases/${LEASE}`,
      ),
    );
    assert.ok(lines.some((l) => l.msg === 'lease released'));
    const putsAfter = server.requests.length;
    await new Promise((r) => setTimeout(r, 1200)); // longer than the renew period (1 s)
    assert.equal(stored(server), undefined, 'not recreated by a later renewal');
    assert.equal(server.requests.length, putsAfter);
  }));

test('bad options are refused by name before anything is sent', () => {
  const rest = new KubeRest({ server: 'http://127.0.0.1:1', origin: 'nowhere' });
  const base = {
    namespace: NS,
    node: NODE,
    leaseDurationSeconds: 2,
    instance: 'x',
    subnets: () => [],
    onFence: () => {},
    logger: memoryLogger().logger,
  };
  assert.throws(
    () => new LeaseKeeper(rest, { ...base, leaseDurationSeconds: 0 }),
    /leaseDurationSeconds.*got 0/,
  );
  assert.throws(() => new LeaseKeeper(rest, { ...base, leaseDurationSeconds: 1.5 }), /got 1\.5/);
  assert.throws(() => new LeaseKeeper(rest, { ...base, fenceMarginMs: 2000 }), /fenceMarginMs/);
  assert.throws(() => new LeaseKeeper(rest, { ...base, node: '' }), /node must not be empty/);
});

test('a renewal carries carrier-down and refused as reported, and removes each once it is empty', async () => {
  let report: NonNullable<LeaseOptions['reports']> extends () => infer R ? R : never = {
    carrierDown: ['eth1', 'enp1s0'],
    refused: [
      { ip: '172.30.250.60', code: 'no-carrier' },
      { ip: '172.30.250.9', code: 'ambiguous-default-route' },
    ],
  };
  await withKeeper(
    async ({ server, keeper }) => {
      await keeper.start();
      const first = stored(server)?.metadata.annotations ?? {};
      assert.equal(first['purelb.io/carrier-down'], 'enp1s0 eth1');
      assert.equal(
        first['purelb.io/refused'],
        '172.30.250.9,ambiguous-default-route 172.30.250.60,no-carrier',
      );
      report = { carrierDown: [], refused: [{ ip: '172.30.250.9', code: 'ambiguous-default-route' }] };
      await keeper.renewNow();
      const second = stored(server)?.metadata.annotations ?? {};
      assert.equal('purelb.io/carrier-down' in second, false, 'no interface down: the key is gone');
      assert.equal(second['purelb.io/refused'], '172.30.250.9,ambiguous-default-route');
      report = { carrierDown: [], refused: [] };
      await keeper.renewNow();
      const third = stored(server)?.metadata.annotations ?? {};
      assert.equal('purelb.io/refused' in third, false, 'nothing refused: the key is gone');
      assert.equal(third['purelb.io/subnets'], '172.30.250.0/24,2001:db8::/64');
    },
    { reports: () => report },
  );
});
