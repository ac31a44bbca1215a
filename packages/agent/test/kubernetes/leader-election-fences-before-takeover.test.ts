// Leader election on one Lease through the real client: one leader at a time; a leader that cannot
// renew stops acting (renew deadline) before a candidate may take the Lease (lease duration by the
// candidate's own clock), and the candidate takes it once it can; a stopped leader hands it back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessFor, withFakeApiServer } from '../../../../test/support/kube.ts';
import { LeaderElector } from '../../src/kubernetes/leader-election.ts';
import { KubeRest } from '../../src/kubernetes/rest.ts';
import { eventually, memoryLogger, NS } from './fixtures.ts';

test('a leader that cannot renew stops acting before another takes over; then exactly one leads', () =>
  withFakeApiServer(
    async (server) => {
      const { logger, lines } = memoryLogger();
      const order: string[] = [];
      const rest = new KubeRest(accessFor(server), { timeoutMs: 1_000 });
      const elector = (identity: string) =>
        new LeaderElector(rest, {
          namespace: NS,
          name: 'purelb-allocator',
          identity,
          leaseDurationSeconds: 2,
          logger,
          onStartedLeading: () => order.push(`${identity} started`),
          onStoppedLeading: () => order.push(`${identity} stopped`),
        });
      const a = elector('a');
      const b = elector('b');
      const c = elector('c');
      try {
        a.start();
        await eventually('a leads', () => a.leading);
        assert.ok(a.canAct());
        b.start();
        // Every Lease update now fails: a cannot renew, and b cannot take the Lease either.
        server.faults.failNext(500, 1_000_000, { verb: 'update', resource: 'leases' });
        await eventually('a stops leading at its renew deadline', () => !a.leading);
        assert.equal(a.canAct(), false);
        assert.equal(b.leading, false, 'nobody leads while the Lease cannot be written');
        // a gives up; no longer leading, it leaves the Lease alone: b must wait for it to lapse.
        await a.stop();
        server.faults.clear();
        await eventually('b takes over once the Lease lapsed', () => b.leading);
        assert.deepEqual(order, ['a started', 'a stopped', 'b started'], 'a stopped before b started');
        const lease = async () =>
          (
            (await rest.get(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/purelb-allocator`)) as {
              spec: { holderIdentity: string; leaseTransitions: number };
            }
          ).spec;
        assert.deepEqual([(await lease()).holderIdentity, (await lease()).leaseTransitions], ['b', 1]);
        assert.ok(
          !lines.some((l) => l.msg === 'leader lease handed back'),
          'a fenced leader hands nothing back',
        );
        assert.ok(
          lines.some(
            (l) =>
              l.msg === 'stopped leading: this allocator stops acting' &&
              l.reason === 'renew deadline passed',
          ),
        );

        // A new candidate waits while b renews; b hands the Lease back on stop and the candidate takes it.
        c.start();
        await b.stop();
        await eventually('c leads after the hand-back', () => c.leading);
        assert.deepEqual(order.slice(3), ['b stopped', 'c started']);
        assert.equal((await lease()).leaseTransitions, 2);
      } finally {
        for (const e of [a, b, c]) await e.stop();
      }
    },
    { namespaces: ['default', NS] },
  ));
