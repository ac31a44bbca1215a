// The API server goes away while the agent runs (every connection reset, as behind a load balancer whose
// backends died). A short outage, shorter than the Lease can bear, must change nothing on the node: no
// address withdrawn, none re-added. With --fence silence (upstream PureLB's rule; the default keeps the
// addresses, see outage-keeps-addresses.test.ts), a long one must make the agent fence itself exactly once (its local
// address withdrawn, so no other node overlaps it) while the virtual address stays; when the server comes
// back the local address returns exactly once and the informers, restarted after their errors, see new
// Services. Every address change in the namespace is counted with a netlink monitor: "no flapping" means
// these counts, not a sample that might miss a quick delete-and-add.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Netlink } from '@purelb-ts/netlink-native';
import { call } from '../../../test/fake-apiserver/http-helpers.ts';
import { type FakeApiServer, withFakeApiServer, writeKubeconfig } from '../../../test/support/kube.ts';
import { netnsUnavailableReason, withNetns } from '../../../test/support/netns.ts';
import { AddressChanges } from './support/address-changes.ts';
import { RunningAgent, seedShapedNode, v4Addresses } from './support/agent-process.ts';
import { addNamespaceAndNodes, addService } from './support/cluster.ts';
import { seedGroups } from './support/manifests.ts';

const skip = netnsUnavailableReason();
const NODE = 'purelb2-1';
const LOCAL = '172.30.250.53';
const VIRTUAL = '172.31.1.5';
// Renewed every 3 s, fenced 1.2 s before the 6 s lapse: an outage under 1.8 s can never fence.
const LEASE_SECONDS = 6;
const SHORT_OUTAGE_MS = 1500;
const LEASE = `/apis/coordination.k8s.io/v1/namespaces/purelb/leases/purelb-node-${NODE}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function renewTime(server: FakeApiServer): Promise<string> {
  const r = await call(server, 'GET', LEASE);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.spec.renewTime as string;
}

describe('the API server goes down under a running agent', { skip }, () => {
  it('a short outage changes nothing; with --fence silence a long one fences the local address once and restores it once', async () => {
    await withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      try {
        addNamespaceAndNodes(server, [NODE]);
        for (const obj of seedGroups()) server.apply(obj as Record<string, unknown>);
        await addService(server, 'web', LOCAL);
        await addService(server, 'api', VIRTUAL);
        await withNetns(async (ns) => {
          seedShapedNode(ns);
          const nl = await Netlink.open({ netns: ns });
          const agent = new RunningAgent(ns, '', [
            '--kubeconfig',
            kc.kubeconfig,
            '--namespace',
            'purelb',
            '--lease-duration',
            String(LEASE_SECONDS),
            '--fence',
            'silence',
          ]);
          let changes: AddressChanges | undefined;
          try {
            const has = (link: string, cidr: string) => v4Addresses(ns).get(link)?.includes(cidr) ?? false;
            const local = () => has('enp1s0', `${LOCAL}/24`);
            const virtual = () => has('kube-lb0', `${VIRTUAL}/32`);
            await agent.until('both addresses placed', () => local() && virtual(), 15_000);
            changes = new AddressChanges(nl, [LOCAL, VIRTUAL]);

            // Short outage: informers and renewals fail, nothing on the node moves.
            const before = await renewTime(server);
            server.goDown();
            await sleep(SHORT_OUTAGE_MS);
            server.comeUp();
            for (let i = 0; i < 100 && (await renewTime(server)) === before; i++) await sleep(100);
            assert.notEqual(await renewTime(server), before, 'the Lease is renewed again after the outage');
            assert.deepEqual(changes.of(LOCAL), { deleted: 0, added: 0 }, 'local address untouched');
            assert.deepEqual(changes.of(VIRTUAL), { deleted: 0, added: 0 }, 'virtual address untouched');
            assert.ok(
              agent.logs.some((l) => l.level === 'error' || l.level === 'warn'),
              'the failed API calls were logged',
            );

            // Long outage: the agent fences before its Lease lapses; the virtual address stays.
            server.goDown();
            await agent.until('local address withdrawn by the fence', () => !local(), LEASE_SECONDS * 2000);
            await sleep(1000);
            assert.ok(virtual(), 'the virtual address stays through the outage');
            server.comeUp();
            await agent.until('local address restored', local, LEASE_SECONDS * 2000);
            // Informers restarted after their errors: a Service created now is seen and placed.
            await addService(server, 'late', '172.31.1.6');
            await agent.until('a Service created after the outage placed', () =>
              has('kube-lb0', '172.31.1.6/32'),
            );
            // One more Lease period: nothing may move again once the agent has recovered.
            await sleep(LEASE_SECONDS * 1000);
            assert.deepEqual(changes.of(LOCAL), { deleted: 1, added: 1 }, 'withdrawn once, restored once');
            assert.deepEqual(changes.of(VIRTUAL), { deleted: 0, added: 0 }, 'virtual address never moved');
            const fenceLogs = agent.logs.filter((l) => l.msg.startsWith('address withdrawn'));
            assert.equal(fenceLogs.length, 1, JSON.stringify(fenceLogs));
            assert.equal(fenceLogs[0]?.ip, LOCAL);
          } finally {
            changes?.close();
            nl.close();
            await agent.stop('SIGKILL');
          }
        });
      } finally {
        kc.cleanup();
      }
    });
  });
});
