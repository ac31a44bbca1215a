// The CLI in Kubernetes mode against the fake API server (through the real client-node), acting in a
// test namespace: it renews its Lease with the node's subnets, places the addresses, writes its
// announcing slot back, and on SIGTERM withdraws the local address, then the remote one (its route
// stops being advertised), before deleting its Lease.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call } from '../../../test/fake-apiserver/http-helpers.ts';
import { netnsUnavailableReason } from '../../../test/support/netns.ts';
import { v4Addresses } from './support/agent-process.ts';
import { withSeedClusterAgent } from './support/cluster.ts';

const skip = netnsUnavailableReason();
const SVC = '/api/v1/namespaces/default/services';
const LEASE = '/apis/coordination.k8s.io/v1/namespaces/purelb/leases/purelb-node-purelb2-1';

describe('purelb-agent in Kubernetes mode', { skip }, () => {
  it('leases, places, writes back its slot, and on SIGTERM withdraws the local address, then the remote one, then deletes its Lease', async () => {
    await withSeedClusterAgent(
      [
        { name: 'web', ip: '172.30.250.53' },
        { name: 'api', ip: '172.31.1.5' },
      ],
      async (server, ns, agent) => {
        const has = (link: string, cidr: string) => v4Addresses(ns).get(link)?.includes(cidr) ?? false;
        await agent.until(
          'addresses placed',
          () => has('enp1s0', '172.30.250.53/24') && has('kube-lb0', '172.31.1.5/32'),
          10_000,
        );
        const lease = await call(server, 'GET', LEASE);
        assert.equal(lease.status, 200);
        assert.equal(lease.body.spec.holderIdentity, 'purelb2-1');
        assert.equal(lease.body.metadata.annotations['purelb.io/subnets'], '172.30.250.0/24');
        const slot = async (): Promise<unknown> =>
          (await call(server, 'GET', `${SVC}/web`)).body.metadata.annotations?.['purelb.io/announcing-IPv4'];
        // Polled (up to 5 s) because the write-back follows the reconcile; the value is what is asserted.
        for (let i = 0; i < 250 && (await slot()) === undefined; i++)
          await new Promise((r) => setTimeout(r, 20));
        assert.equal(await slot(), 'purelb2-1,enp1s0,172.30.250.53');
        assert.equal(await agent.stop('SIGTERM'), 0, agent.stderr);
        assert.ok(!has('enp1s0', '172.30.250.53/24'), 'local address withdrawn');
        assert.equal((await call(server, 'GET', LEASE)).status, 404, 'lease deleted');
        const order = agent.logs
          .map((l) => l.msg)
          .filter((m) => m.startsWith('address withdrawn') || m === 'lease released');
        assert.deepEqual(order, [
          'address withdrawn: delete 172.30.250.53/24 dev enp1s0',
          'address withdrawn: delete 172.31.1.5/32 dev kube-lb0',
          'lease released',
        ]);
      },
    );
  });
});
