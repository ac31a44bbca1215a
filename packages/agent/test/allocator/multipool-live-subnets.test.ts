// multiPool on a local ServiceGroup: one address per range, but only from ranges whose subnet a live
// node advertises on its Lease (purelb.io/subnets); an expired Lease, or the Lease of a Node that
// does not exist, counts for nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMicroTime } from '../../src/kubernetes/micro-time.ts';
import { lb, NS, withCluster } from './harness.ts';

const nodeLease = (node: string, subnets: string, renewedMsAgo: number) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: `purelb-node-${node}`, namespace: NS, annotations: { 'purelb.io/subnets': subnets } },
  spec: {
    holderIdentity: node,
    leaseDurationSeconds: 10,
    renewTime: formatMicroTime(Date.now() - renewedMsAgo),
  },
});

const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });

test('multiPool takes one address per range whose subnet has a live node', () =>
  withCluster(
    async (c) => {
      for (const n of ['node-a', 'node-b', 'node-c']) c.create(node(n));
      c.create(nodeLease('node-a', '10.1.0.0/24', 0));
      c.create(nodeLease('node-b', '10.2.0.0/24', 60_000));
      c.create(nodeLease('node-c', '10.3.0.0/24', 0));
      // A Lease for no Node (renewed, by its word, a day from now): it elects nothing.
      c.create(nodeLease('rogue', '10.4.0.0/24', -86_400_000));
      c.create(lb('web'));
      assert.deepEqual(await c.waitIPs('web', (ips) => ips.length > 0, 'addresses'), [
        '10.1.0.10',
        '10.3.0.10',
      ]);
    },
    {
      groups: [
        {
          apiVersion: 'purelb.io/v2',
          kind: 'ServiceGroup',
          metadata: { name: 'default', namespace: NS },
          spec: {
            local: {
              multiPool: true,
              v4pools: ['10.1.0', '10.2.0', '10.3.0', '10.4.0'].map((n) => ({
                pool: `${n}.10-${n}.20`,
                subnet: `${n}.0/24`,
                aggregation: 'default',
              })),
            },
          },
        },
      ],
    },
  ));
