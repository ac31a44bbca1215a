// purelb.io/re-evaluate: the one-shot trigger decides the Service's allocation again and is removed.
// A valid address survives it; a Service refused earlier, or a multiPool Service with a range whose
// subnet became live since (Lease changes alone re-decide nothing), gets what it can have now. Only
// "true" is consumed, and only on a Service this allocator serves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMicroTime } from '../../src/kubernetes/micro-time.ts';
import { eventually, group, lb, NS, withCluster } from './harness.ts';

const KEY = 'purelb.io/re-evaluate';
const svcPath = (name: string) => `/api/v1/namespaces/default/services/${name}`;
const annotate = (value: string) => ({ metadata: { annotations: { [KEY]: value } } });

const nodeLease = (node: string, subnets: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: `purelb-node-${node}`, namespace: NS, annotations: { 'purelb.io/subnets': subnets } },
  spec: { holderIdentity: node, leaseDurationSeconds: 30, renewTime: formatMicroTime(Date.now()) },
});
const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });

const multiPool = {
  apiVersion: 'purelb.io/v2',
  kind: 'ServiceGroup',
  metadata: { name: 'default', namespace: NS },
  spec: {
    local: {
      multiPool: true,
      v4pools: ['10.1.0', '10.3.0'].map((n) => ({
        pool: `${n}.10-${n}.20`,
        subnet: `${n}.0/24`,
        aggregation: 'default',
      })),
    },
  },
};

test('a valid allocation survives re-evaluate: same address, no release, the annotation removed', () =>
  withCluster(
    async (c) => {
      c.create(lb('web'));
      const before = await c.waitIPs('web', (ips) => ips.length === 1, 'an address');
      await eventually('AddressAssigned for web', () => c.events('AddressAssigned').length === 1);
      assert.equal(await c.patch(svcPath('web'), annotate('true')), 200);
      await eventually(
        'the annotation is removed',
        () => c.service('web').metadata.annotations?.[KEY] === undefined,
      );
      await c.controllers[0]!.whenIdle();
      assert.deepEqual(c.ips('web'), before);
      assert.deepEqual(c.events('AddressReleased'), []);
      assert.equal(c.events('AddressAssigned').length, 1);
      assert.equal(c.service('web').metadata.annotations?.['purelb.io/allocated-by'], 'PureLB');
      assert.ok(
        c.lines.some(
          (l) => String(l.msg).startsWith('re-evaluation requested') && l.service === 'default/web',
        ),
        'a log line names the Service',
      );
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test('re-evaluate with a new ServiceGroup annotation moves the Service and consumes the trigger in one go', () =>
  withCluster(
    async (c) => {
      c.create(group('other', { v4: ['10.2.0.0/24'] }));
      c.create(lb('web'));
      await c.waitIPs('web', (ips) => ips[0]?.startsWith('10.1.0.') === true, 'an address of default');
      const body = { metadata: { annotations: { [KEY]: 'true', 'purelb.io/service-group': 'other' } } };
      assert.equal(await c.patch(svcPath('web'), body), 200);
      await c.waitIPs(
        'web',
        (ips) => ips.length === 1 && ips[0]!.startsWith('10.2.0.'),
        'an address of other',
      );
      await eventually(
        'the annotation is removed',
        () => c.service('web').metadata.annotations?.[KEY] === undefined,
      );
      assert.equal(c.service('web').metadata.annotations?.['purelb.io/allocated-from'], 'other');
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test('a multiPool Service refused for want of a live range is allocated once re-evaluated', () =>
  withCluster(
    async (c) => {
      for (const n of ['node-a', 'node-c']) c.create(node(n));
      c.create(lb('web'));
      await eventually('AllocationFailed for web', () => c.events('AllocationFailed').length > 0);
      assert.deepEqual(c.ips('web'), []);
      c.create(nodeLease('node-a', '10.1.0.0/24'));
      assert.equal(await c.patch(svcPath('web'), annotate('true')), 200);
      assert.deepEqual(await c.waitIPs('web', (ips) => ips.length === 1, 'an address'), ['10.1.0.10']);
      await eventually(
        'the annotation is removed',
        () => c.service('web').metadata.annotations?.[KEY] === undefined,
      );

      // A second range's subnet becomes live: the Service gains it when re-evaluated, keeping the first.
      c.create(nodeLease('node-c', '10.3.0.0/24'));
      assert.equal(await c.patch(svcPath('web'), annotate('true')), 200);
      assert.deepEqual(await c.waitIPs('web', (ips) => ips.length === 2, 'two addresses'), [
        '10.1.0.10',
        '10.3.0.10',
      ]);
      await eventually(
        'the annotation is removed',
        () => c.service('web').metadata.annotations?.[KEY] === undefined,
      );
      assert.deepEqual(c.events('AddressReleased'), []);
    },
    { groups: [multiPool] },
  ));

test('a value other than "true" is left in place with a warning; another class is not touched', () =>
  withCluster(
    async (c) => {
      c.create(lb('web'));
      c.create(lb('theirs', { class: 'example.com/other', annotations: { [KEY]: 'true' } }));
      const before = await c.waitIPs('web', (ips) => ips.length === 1, 'an address');
      assert.equal(await c.patch(svcPath('web'), annotate('yes')), 200);
      await eventually('ReEvaluateIgnored on web', () => c.events('ReEvaluateIgnored').length > 0);
      const [e] = c.events('ReEvaluateIgnored');
      assert.equal(e.regarding.name, 'web');
      assert.equal(e.type, 'Warning');
      await c.controllers[0]!.whenIdle();
      assert.equal(c.service('web').metadata.annotations?.[KEY], 'yes');
      assert.deepEqual(c.ips('web'), before);
      assert.equal(c.service('theirs').metadata.annotations?.[KEY], 'true');
      assert.deepEqual(c.ips('theirs'), []);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));
