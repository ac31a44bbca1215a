// The three-node segment with the allocator in the loop: the real allocator process and three real
// agents against one fake API server. Services are created through the API with no status; the
// allocator gives each an address from its pool and the agents place it: a local-pool address on
// exactly one node, the one purelb-core's election picks from the nodes' Leases, and a remote-pool
// address on kube-lb0 (or its ifb fallback) of all three.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { electWinner, type Lease, liveMembers } from '@purelb-ts/core';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { RunningCli, v4Addresses } from '../support/agent-process.ts';
import { NODES, seedElectionCluster, startNodeAgent, VIP } from '../support/election-cluster.ts';
import { group } from '../support/manifests.ts';
import { buildSegment } from '../support/segment.ts';
import { steadyHolder, VipHolders } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 3;
const LOCAL_IP = '172.30.250.50';
const REMOTE_IP = '172.31.1.1';

// biome-ignore lint/suspicious/noExplicitAny: API objects read by assertions
type Json = any;

/** A LoadBalancer Service as a user creates it: class purelb.io/purelbv2, no status, no PureLB annotations. */
const userService = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'LoadBalancer',
    loadBalancerClass: 'purelb.io/purelbv2',
    externalTrafficPolicy: 'Cluster',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  },
});

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, logs: () => string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`never happened: ${what} (last: ${JSON.stringify(v)})\n${logs()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('three nodes with the allocator in the loop', { skip }, () => {
  it('a Service created without status gets a pool address, placed on exactly the right node(s)', async () => {
    await withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      const seg = buildSegment(NODES);
      const procs = new Map<string, RunningCli>();
      const logs = () => [...procs].map(([name, p]) => `--- ${name}\n${p.stderr}`).join('\n');
      let holders: VipHolders | undefined;
      try {
        // Namespace, Nodes, LBNodeAgent, the local pool .50-.60 and Service web already on VIP (.53),
        // which the allocator adopts as its own; plus a remote pool with /32 aggregation.
        await seedElectionCluster(server, NODES);
        server.apply(group('remote32', 'remote', '172.31.1.0/24', '172.31.0.0/16', '/32'));
        procs.set(
          'allocator',
          new RunningCli([
            'allocator',
            ...['--kubeconfig', kc.kubeconfig, '--namespace', 'purelb', '--default-announcer'],
            ...['--lease-duration', '2', '--metrics-port', '0'],
          ]),
        );
        for (const n of NODES) {
          procs.set(
            n.name,
            startNodeAgent(seg.hosts.get(n.name) as string, n.name, kc.kubeconfig, LEASE_SECONDS),
          );
        }

        const get = async (name: string): Promise<Json> =>
          (await call(server, 'GET', `/api/v1/namespaces/default/services/${name}`)).body;
        const ips = (svc: Json): string[] => (svc.status?.loadBalancer?.ingress ?? []).map((e: Json) => e.ip);

        // Created through the API, as kubectl would: no status.
        const created = await call(server, 'POST', '/api/v1/namespaces/default/services', userService('api'));
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const api = await until(
          'api allocated',
          () => get('api'),
          (s) => ips(s).length === 1,
          logs,
        );
        assert.deepEqual(ips(api), [LOCAL_IP], 'the lowest free address of the local pool (web holds .53)');
        assert.equal(api.metadata.annotations['purelb.io/allocated-by'], 'PureLB');
        assert.equal(api.metadata.annotations['purelb.io/allocated-from'], 'default');
        assert.equal(api.metadata.annotations['purelb.io/pool-type'], 'local');
        assert.deepEqual(ips(await get('web')), [VIP], 'the allocator kept the address web already had');

        // The node purelb-core's election picks from the Leases the agents renew...
        holders = await VipHolders.open(seg.hosts, LOCAL_IP);
        const leases = async (): Promise<Lease[]> =>
          (
            (await call(server, 'GET', '/apis/coordination.k8s.io/v1/namespaces/purelb/leases')).body
              .items as Lease[]
          ).filter((l) => l.metadata.name.startsWith('purelb-node-'));
        const all = NODES.map((n) => n.name);
        const live = await until(
          'all three nodes are live members',
          async () => liveMembers(await leases(), Date.now()).members,
          (m) => m.length === 3,
          logs,
        );
        assert.deepEqual(
          live.map((m) => m.node),
          all,
        );
        const holder = electWinner(LOCAL_IP, live).winner as string;
        assert.ok(all.includes(holder), `a winner among the three: ${holder}`);
        // ...ends up the only node holding it (while the agents start, one may briefly win alone before
        // it sees the others' Leases), and stays the only one.
        assert.equal(
          await steadyHolder(holders, {
            among: [holder],
            ready: async () => true,
            logs,
            settleMs: LEASE_SECONDS * 1000,
            limitMs: 20_000,
          }),
          holder,
        );
        assert.ok(
          v4Addresses(seg.hosts.get(holder) as string)
            .get('enp1s0')
            ?.includes(`${LOCAL_IP}/24`),
          'on the local interface with the subnet prefix',
        );
        await until(
          'the winner announces it',
          () => get('api'),
          (s) => s.metadata.annotations?.['purelb.io/announcing-IPv4'] === `${holder},enp1s0,${LOCAL_IP}`,
          logs,
        );

        // A remote-pool Service: its address goes on kube-lb0 of every node.
        const far = await call(
          server,
          'POST',
          '/api/v1/namespaces/default/services',
          userService('far', { 'purelb.io/service-group': 'remote32' }),
        );
        assert.equal(far.status, 201, JSON.stringify(far.body));
        const farSvc = await until(
          'far allocated',
          () => get('far'),
          (s) => ips(s).length === 1,
          logs,
        );
        assert.deepEqual(ips(farSvc), [REMOTE_IP]);
        assert.equal(farSvc.metadata.annotations['purelb.io/pool-type'], 'remote');
        for (const n of NODES) {
          const ns = seg.hosts.get(n.name) as string;
          await until(
            `${n.name} carries ${REMOTE_IP}/32 on kube-lb0`,
            async () => v4Addresses(ns).get('kube-lb0') ?? [],
            (list) => list.includes(`${REMOTE_IP}/32`),
            logs,
          );
          assert.ok(
            !(v4Addresses(ns).get('enp1s0') ?? []).includes(`${REMOTE_IP}/32`),
            'not on the local interface',
          );
        }
        // The local address is still on exactly one node.
        assert.deepEqual(holders.holders(), [holder]);
      } finally {
        holders?.close();
        for (const p of procs.values()) await p.stop('SIGKILL');
        seg.destroy();
        kc.cleanup();
      }
    });
  });
});
