// A Service of another loadBalancerClass carrying PureLB's brand never takes an address from one of
// ours (it made the allocator move its own Services); two of ours showing one address without sharing
// it get an AddressCollision Warning each, and the older keeps it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { duplicates, eventually, group, lb, withCluster } from './harness.ts';

const SVC = '/api/v1/namespaces/default/services';
const showIPs = async (c: Parameters<Parameters<typeof withCluster>[0]>[0], name: string, ips: string[]) => {
  const status = { loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' })) } };
  const r = await call(
    c.server,
    'PATCH',
    `${SVC}/${name}/status`,
    { status },
    'application/merge-patch+json',
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
};

test('another class carrying the brand moves none of ours, and loses the brand', () =>
  withCluster(
    async (c) => {
      c.create(lb('ours'));
      assert.deepEqual(await c.waitIPs('ours', (ips) => ips.length === 1, 'an address'), ['10.1.0.1']);
      // Older than ours by creation, as in the break: another controller's Service with our brand.
      const foreign = lb('foreign', {
        class: 'example.com/other',
        annotations: { 'purelb.io/allocated-by': 'PureLB' },
      }) as { metadata: Record<string, unknown> };
      foreign.metadata.creationTimestamp = '2020-01-01T00:00:00Z';
      c.create(foreign);
      await showIPs(c, 'foreign', ['10.1.0.1']);
      await eventually(
        'the brand taken off the foreign Service',
        () => c.service('foreign').metadata.annotations?.['purelb.io/allocated-by'] === undefined,
      );
      await c.controllers[0]!.whenIdle();
      assert.deepEqual(c.ips('ours'), ['10.1.0.1'], 'ours keeps its address');
      const ofOurs = (reason: string) => c.events(reason).filter((e) => e.regarding.name === 'ours');
      assert.deepEqual(
        [ofOurs('AddressAssigned').length, ofOurs('AddressReleased').length],
        [1, 0],
        'never moved',
      );
      assert.deepEqual(c.ips('foreign'), ['10.1.0.1'], "the other controller's status is left to it");
      assert.ok(
        !c.lines.some(
          (l) => l.msg === 'a Service shows an address held by another: rebuilding from the API server',
        ),
      );
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));

test('two of ours showing one address: AddressCollision on both, the older keeps it', () =>
  withCluster(
    async (c) => {
      c.create(lb('x'));
      await c.waitIPs('x', (ips) => ips.length === 1, 'an address');
      c.create(lb('y'));
      await c.waitIPs('y', (ips) => ips.length === 1, 'an address');
      await showIPs(c, 'y', c.ips('x'));
      await eventually('AddressCollision on x and y', () =>
        ['x', 'y'].every((n) => c.events('AddressCollision').some((e) => e.regarding.name === n)),
      );
      const e = c.events('AddressCollision')[0];
      assert.equal(e.type, 'Warning');
      assert.match(
        e.note,
        /10\.1\.0\.1 was in the status of both default\/x and default\/y.*default\/x keeps it/,
      );
      await eventually('no address shown twice', () => duplicates(c.allIPs()).length === 0);
      assert.deepEqual(c.ips('x'), ['10.1.0.1']);
    },
    { groups: [group('default', { v4: ['10.1.0.0/24'] })] },
  ));
