// LBNodeAgent status: the allocator writes, for each LBNodeAgent, how many live node Leases of the
// nodes it selects there are (activeLeases) and which (activeNodes), through the status subresource
// and only when that changes. A node standing aside (cordoned), a Lease of no Node and a lapsed Lease
// count for nothing; a Lease that lapses without any event is noticed by the periodic check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMicroTime } from '../../src/kubernetes/micro-time.ts';
import { eventually, group, NS, withCluster } from './harness.ts';

const lease = (node: string, durationSeconds = 30) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: {
    name: `purelb-node-${node}`,
    namespace: NS,
    annotations: { 'purelb.io/subnets': '10.1.0.0/24' },
  },
  spec: {
    holderIdentity: node,
    leaseDurationSeconds: durationSeconds,
    renewTime: formatMicroTime(Date.now()),
  },
});
const node = (name: string, zone: string, cordoned = false) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, zone } },
  ...(cordoned ? { spec: { unschedulable: true } } : {}),
});
const agent = (name: string, selector: Record<string, string> | undefined) => ({
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name, namespace: NS },
  spec: {
    ...(selector === undefined ? {} : { nodeSelector: { matchLabels: selector } }),
    local: { localInterface: 'default', dummyInterface: 'kube-lb0' },
  },
});

test('each LBNodeAgent counts the live Leases of the nodes it selects, written only on change', () =>
  withCluster(
    async (c) => {
      const agents = c.server.resource('purelb.io/v2', 'LBNodeAgent');
      // biome-ignore lint/suspicious/noExplicitAny: stored objects are untyped JSON
      const status = (name: string): any => (c.server.store.get(agents, NS, name) as any)?.status;
      c.create(agent('zone-a', { zone: 'a' }));
      c.create(agent('default', undefined));
      c.create(node('n1', 'a'));
      c.create(node('n2', 'b'));
      c.create(node('n3', 'b', true));
      for (const n of ['n1', 'n2', 'n3', 'ghost']) c.create(lease(n));
      await eventually('zone-a: n1', () => status('zone-a')?.activeLeases === 1);
      await eventually(
        'default: n2 (n3 is cordoned, ghost is no Node)',
        () => status('default')?.activeLeases === 1,
      );
      assert.deepEqual(status('zone-a'), { activeLeases: 1, activeNodes: ['n1'] });
      assert.deepEqual(status('default'), { activeLeases: 1, activeNodes: ['n2'] });

      // Settled: Lease renewals and the periodic check write nothing more.
      const writes = async () =>
        (
          await c.metrics[0]!.registry.getSingleMetric(
            'purelb_allocator_lbnodeagent_status_writes_total',
          )!.get()
        ).values[0]?.value ?? 0;
      const settled = await writes();
      const renewed = { spec: { renewTime: formatMicroTime(Date.now()) } };
      assert.equal(
        await c.patch(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/purelb-node-n1`, renewed),
        200,
      );
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal(await writes(), settled);

      // n3 uncordoned joins; a short Lease on n4 counts, then lapses with no event at all.
      assert.equal(await c.patch('/api/v1/nodes/n3', { spec: { unschedulable: null } }), 200);
      c.create(node('n4', 'a'));
      c.create(lease('n4', 1));
      await eventually('default: n2, n3', () => status('default')?.activeLeases === 2);
      assert.deepEqual(status('default').activeNodes, ['n2', 'n3']);
      await eventually('zone-a: n1, n4', () => status('zone-a')?.activeLeases === 2);
      await eventually('zone-a: n4 lapsed', () => status('zone-a')?.activeLeases === 1, 10_000);
      assert.deepEqual(status('zone-a').activeNodes, ['n1']);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));
