// Two allocator replicas against one API server: only the Lease holder writes, so a burst of
// Services created while the leader hands over ends with every Service holding its own address, no
// address shown by two Services, and nothing assigned before the handover changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicates, eventually, group, lb, withCluster } from './harness.ts';

test('two replicas and a handover mid-burst: every Service gets an address, none twice, none moved', () =>
  withCluster(
    async (c) => {
      const [first, second] = c.controllers as [
        NonNullable<(typeof c.controllers)[0]>,
        NonNullable<(typeof c.controllers)[0]>,
      ];
      const leader = first.leading ? first : second;
      const standby = leader === first ? second : first;
      assert.equal(standby.leading, false, 'one leader at a time');
      for (let i = 0; i < 20; i++) c.create(lb(`s${String(i).padStart(2, '0')}`));
      await eventually(
        'some of the burst allocated',
        () => [...c.allIPs().values()].filter((l) => l.length > 0).length >= 5,
      );
      const early = new Map([...c.allIPs()].filter(([, l]) => l.length > 0));
      await leader.stop();
      for (let i = 20; i < 40; i++) c.create(lb(`s${String(i).padStart(2, '0')}`));
      await eventually('the standby leads', () => standby.leading);
      await eventually(
        'all 40 allocated',
        () => [...c.allIPs().values()].filter((l) => l.length === 1).length === 40,
      );
      await standby.whenIdle();
      const all = c.allIPs();
      assert.deepEqual(duplicates(all), []);
      for (const [svc, ips] of early)
        assert.deepEqual(all.get(svc), ips, `${svc} kept its address across the handover`);
      assert.equal(new Set([...all.values()].flat()).size, 40);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })], replicas: 2 },
  ));

test("a Service made to show another Service's address (a second writer) is re-allocated; the older keeps it", () =>
  withCluster(
    async (c) => {
      // Named so that name order agrees with creation order: with creation times equal to the second,
      // core's rule (creationTimestamp, then namespace, then name) still picks a-older.
      c.create(lb('a-older'));
      c.create(lb('b-newer'));
      const [ip] = await c.waitIPs('a-older', (ips) => ips.length === 1, 'an address');
      await c.waitIPs('b-newer', (ips) => ips.length === 1, 'an address');
      // What a second allocator with a stale view would write: newer branded with older's address.
      const code = await c.patch('/api/v1/namespaces/default/services/b-newer/status', {
        status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } },
      });
      assert.equal(code, 200);
      await eventually(
        'newer moved off the shared address',
        () => c.ips('b-newer').length === 1 && c.ips('b-newer')[0] !== ip,
      );
      await c.controllers[0]!.whenIdle();
      assert.deepEqual(c.ips('a-older'), [ip]);
      assert.deepEqual(duplicates(c.allIPs()), []);
      assert.ok(
        c.lines.some(
          (l) =>
            l.msg === 'a Service shows an address held by another: rebuilding from the API server' &&
            l.service === 'default/b-newer',
        ),
      );
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test("a user edit racing the allocator's write (409) is re-read and decided again", () =>
  withCluster(
    async (c) => {
      // The allocator's first Service write is held back while a user labels the Service.
      c.server.faults.stall(400, 1, { verb: 'patch', resource: 'services' });
      c.create(lb('web'));
      await eventually('the allocator is writing', () =>
        c.server.requests.some((r) => r.startsWith('PATCH /api/v1/namespaces/default/services/web')),
      );
      const code = await c.patch('/api/v1/namespaces/default/services/web', {
        metadata: { labels: { team: 'a' } },
      });
      assert.equal(code, 200);
      assert.deepEqual(await c.waitIPs('web', (ips) => ips.length === 1, 'an address'), ['10.1.0.1']);
      assert.equal(c.service('web').metadata.labels.team, 'a', 'the user edit is kept');
      const m = await c.metrics[0]!.registry.metrics();
      assert.match(m, /purelb_allocator_service_writes_total\{part="annotations",result="conflict"\} 1/);
      assert.ok(c.lines.some((l) => l.msg === 'service changed while writing; re-reading'));
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));
