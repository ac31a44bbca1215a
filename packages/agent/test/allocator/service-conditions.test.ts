// The allocator's two conditions on each LoadBalancer Service it serves, as `kubectl get svc -o yaml`
// shows them: purelb.io/Allocated (from which ServiceGroup and pool, or the allocation's refusal) and
// purelb.io/Announced (by which node on which interface, or why not: no live node in the subnet, no
// ready endpoint, a node's refusal in its Lease). lastTransitionTime moves only when a status does,
// other controllers' conditions are left alone, and nothing is written while nothing changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMicroTime } from '../../src/kubernetes/micro-time.ts';
import { type Cluster, eventually, group, lb, NS, withCluster } from './harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: stored objects are untyped JSON
type Json = any;

const ALLOCATED = 'purelb.io/Allocated';
const ANNOUNCED = 'purelb.io/Announced';
const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;

const lease = (node: string, subnets: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: {
    name: `purelb-node-${node}`,
    namespace: NS,
    annotations: { 'purelb.io/subnets': subnets, ...annotations },
  },
  spec: { holderIdentity: node, leaseDurationSeconds: 60, renewTime: formatMicroTime(Date.now()) },
});
const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
});
const agent = {
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name: 'default', namespace: NS },
  spec: { local: { localInterface: 'default', dummyInterface: 'kube-lb0' } },
};
const local = group('default', { v4: ['10.1.0.10-10.1.0.20'] }, 'local');

const condition = (c: Cluster, type: string, name = 'web'): Json =>
  (c.service(name)?.status?.conditions ?? []).find((x: Json) => x.type === type);

async function waitCondition(c: Cluster, type: string, status: string, reason: string, name = 'web') {
  await eventually(
    `${name}: ${type} ${status} ${reason} (has ${JSON.stringify(condition(c, type, name))})`,
    () => {
      const x = condition(c, type, name);
      return x?.status === status && x?.reason === reason;
    },
  );
  return condition(c, type, name);
}

const announce = (c: Cluster, value: string | null) =>
  c.patch('/api/v1/namespaces/default/services/web', {
    metadata: { annotations: { 'purelb.io/announcing-IPv4': value } },
  });

test('allocated and announced: each True with pool and node; lastTransitionTime moves only with status', () =>
  withCluster(
    async (c) => {
      c.create(agent);
      c.create(node('n1'));
      c.create(lease('n1', '10.1.0.0/24'));
      c.create(lb('web'));
      const [ip = ''] = await c.waitIPs('web', (ips) => ips.length === 1, 'an address');
      const allocated = await waitCondition(c, ALLOCATED, 'True', 'Allocated');
      assert.equal(allocated.message, `${ip} (pool 10.1.0.10-10.1.0.20) from ServiceGroup default (local)`);
      assert.equal(allocated.observedGeneration, c.service('web').metadata.generation);
      // Elected, but the node has not written its announcing slot yet.
      const pending = await waitCondition(c, ANNOUNCED, 'False', 'NotYetAnnounced');
      assert.match(pending.message, /n1 wins the election/);

      assert.equal(await announce(c, `n1,enp1s0,${ip}`), 200);
      const announced = await waitCondition(c, ANNOUNCED, 'True', 'Announced');
      assert.equal(announced.message, `${ip} by n1 on enp1s0`);
      assert.equal(condition(c, ALLOCATED).lastTransitionTime, allocated.lastTransitionTime);
      assert.match(announced.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      // Settled: lease renewals and the periodic check write nothing more.
      const writes = async () =>
        (
          await c.metrics[0]!.registry.getSingleMetric(
            'purelb_allocator_service_condition_writes_total',
          )!.get()
        ).values.reduce((n, v) => n + v.value, 0);
      await c.controllers[0]!.whenIdle();
      const settled = await writes();
      const renewed = { spec: { renewTime: formatMicroTime(Date.now()) } };
      assert.equal(await c.patch(`${LEASES}/purelb-node-n1`, renewed), 200);
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal(await writes(), settled);
    },
    { groups: [local] },
  ));

test('an exhausted pool: Allocated False with the refusal, Announced False for want of an address', () =>
  withCluster(
    async (c) => {
      c.create(lb('a'));
      await c.waitIPs('a', (ips) => ips.length === 1, 'an address');
      c.create(lb('web'));
      const refused = await waitCondition(c, ALLOCATED, 'False', 'Exhausted');
      assert.match(refused.message, /ServiceGroup small has no free IPv4 address .*\(it holds no address\)$/);
      await waitCondition(c, ANNOUNCED, 'False', 'NotAllocated');

      c.remove('a');
      await c.waitIPs('web', (ips) => ips.length === 1, 'the freed address');
      const allocated = await waitCondition(c, ALLOCATED, 'True', 'Allocated');
      assert.notEqual(allocated.lastTransitionTime, undefined);
    },
    {
      groups: [
        group('small', { v4: ['10.2.0.1-10.2.0.1'] }, 'remote', {
          namespaces: ['default'],
          namespaceDefault: true,
        }),
      ],
    },
  ));

test('no live node in the subnet, then a node refusal in its Lease: Announced False with each reason', () =>
  withCluster(
    async (c) => {
      c.create(agent);
      c.create(node('n1'));
      c.create(lease('n1', '192.168.0.0/24'));
      c.create(lb('web'));
      const [ip = ''] = await c.waitIPs('web', (ips) => ips.length === 1, 'an address');
      const none = await waitCondition(c, ANNOUNCED, 'False', 'NoLiveNode');
      assert.match(none.message, new RegExp(`no live node advertises a subnet holding ${ip}`));
      const allocatedAt = condition(c, ALLOCATED).lastTransitionTime;

      // n1 now has the subnet but refuses the address: its Lease says why; the slot does not outweigh it.
      const refused = { 'purelb.io/refused': `${ip},ambiguous-default-route` };
      const body = { metadata: { annotations: { 'purelb.io/subnets': '10.1.0.0/24', ...refused } } };
      assert.equal(await c.patch(`${LEASES}/purelb-node-n1`, body), 200);
      assert.equal(await announce(c, `n1,kube-lb0,${ip}`), 200);
      const refusal = await waitCondition(c, ANNOUNCED, 'False', 'AmbiguousDefaultRoute');
      assert.match(
        refusal.message,
        new RegExp(`node n1 does not place ${ip.replaceAll('.', '\\.')} as asked`),
      );
      // False to False: the time the status last changed stays.
      assert.equal(refusal.lastTransitionTime, none.lastTransitionTime);

      const cleared = { metadata: { annotations: { 'purelb.io/refused': null } } };
      assert.equal(await c.patch(`${LEASES}/purelb-node-n1`, cleared), 200);
      await waitCondition(c, ANNOUNCED, 'True', 'Announced');
      assert.equal(condition(c, ALLOCATED).lastTransitionTime, allocatedAt);
    },
    { groups: [local] },
  ));

test('remote pool, externalTrafficPolicy Local: no ready endpoint, then every selected node with one', () =>
  withCluster(
    async (c) => {
      c.create(agent);
      for (const n of ['n1', 'n2']) c.create(node(n));
      const svc = lb('web');
      (svc.spec as Json).externalTrafficPolicy = 'Local';
      (svc.spec as Json).selector = { app: 'web' };
      c.create(svc);
      const slice = (ready: boolean) => ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.244.0.5'], nodeName: 'n2', conditions: { ready } }],
        ports: [{ name: 'p80', port: 8080, protocol: 'TCP' }],
      });
      c.create(slice(false));
      await c.waitIPs('web', (ips) => ips.length === 1, 'an address');
      const none = await waitCondition(c, ANNOUNCED, 'False', 'NoReadyEndpoint');
      assert.match(none.message, /no node is selected by an LBNodeAgent and hosts a ready endpoint/);
      const path = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-1';
      assert.equal(await c.patch(path, { endpoints: slice(true).endpoints }), 200);
      const ok = await waitCondition(c, ANNOUNCED, 'True', 'Announced');
      assert.match(ok.message, /every node with a ready endpoint an LBNodeAgent selects \(1: n2\)/);
    },
    { groups: [group('default', { v4: ['10.3.0.0/24'] })] },
  ));

test("other controllers' conditions stay; a Service no longer ours loses only PureLB's", () =>
  withCluster(
    async (c) => {
      c.create(lb('web'));
      await waitCondition(c, ALLOCATED, 'True', 'Allocated');
      const theirs = {
        type: 'example.com/Ready',
        status: 'True',
        reason: 'Fine',
        message: 'set by another controller',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      };
      const status = '/api/v1/namespaces/default/services/web/status';
      const conditions = [...c.service('web').status.conditions, theirs];
      assert.equal(await c.patch(status, { status: { conditions } }), 200);
      assert.equal(
        await c.patch('/api/v1/namespaces/default/services/web', {
          spec: { type: 'ClusterIP', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] },
        }),
        200,
      );
      await eventually(
        'our conditions removed',
        () => condition(c, ALLOCATED) === undefined && condition(c, ANNOUNCED) === undefined,
      );
      assert.deepEqual(c.service('web').status.conditions, [theirs]);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test('a new leader keeps the conditions as they are: no rewrite, the same lastTransitionTime', () =>
  withCluster(
    async (c) => {
      c.create(lb('web'));
      const allocated = await waitCondition(c, ALLOCATED, 'True', 'Allocated');
      const announced = await waitCondition(c, ANNOUNCED, 'False', 'NoLBNodeAgent');
      const rv = c.service('web').metadata.resourceVersion;
      const leader = c.controllers.findIndex((x) => x.leading);
      await c.controllers[leader]!.stop();
      const next = c.controllers[1 - leader]!;
      await eventually('the standby leads', () => next.leading, 15_000);
      await next.whenIdle();
      await new Promise((r) => setTimeout(r, 500));
      await next.whenIdle();
      assert.deepEqual(condition(c, ALLOCATED), allocated);
      assert.deepEqual(condition(c, ANNOUNCED), announced);
      assert.equal(c.service('web').metadata.resourceVersion, rv);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })], replicas: 2 },
  ));
