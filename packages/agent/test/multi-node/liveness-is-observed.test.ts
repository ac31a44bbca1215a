// Who is alive is each agent's observation, not what a Lease says: three real agents on one segment,
// node-a's clock a day ahead and node-b's an hour behind (the fake API server skews the times in
// their Lease writes), and a rogue Lease `purelb-node-rogue` (no such Node) renewed "a day from now"
// claiming the pool's subnet and 0.0.0.0/0. Every pool address is held by its winner among the three
// real nodes; when node-a's agent is killed, its Lease, a day ahead by its word, lapses within a
// duration of its last observed renewal and the others take its addresses.
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import { leaseRenewals, NODES, seedElectionCluster, startNodeAgent } from '../support/election-cluster.ts';
import { buildSegment, type Segment } from '../support/segment.ts';
import { addPoolServices, POOL_VIPS, VipSet } from '../support/vip-set.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 3;
const DAY_MS = 86_400_000;

const micro = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

describe('liveness is observed, not taken from the Lease', { skip }, () => {
  it('skewed clocks and a rogue Lease change no election; a dead node lapses within its duration', async (t) => {
    await withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      let segment: Segment | undefined;
      let vips: VipSet | undefined;
      const agents = new Map<string, RunningAgent>();
      const logs = () => [...agents].map(([name, a]) => `--- ${name}\n${a.stderr}`).join('\n');
      try {
        segment = buildSegment([...NODES]);
        const ns = (name: string) => segment?.hosts.get(name) as string;
        vips = await VipSet.open(new Map(NODES.map((n) => [n.name, ns(n.name)])), POOL_VIPS);
        await seedElectionCluster(server, NODES);
        await addPoolServices(server, POOL_VIPS);
        server.faults.leaseClockSkewMs.set('node-a', DAY_MS);
        server.faults.leaseClockSkewMs.set('node-b', -3_600_000);
        server.apply({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: 'purelb-node-rogue',
            namespace: 'purelb',
            annotations: { 'purelb.io/subnets': '172.30.250.0/24,0.0.0.0/0' },
          },
          spec: {
            holderIdentity: 'rogue',
            leaseDurationSeconds: 3600,
            renewTime: micro(Date.now() + DAY_MS),
          },
        });
        for (const n of NODES)
          agents.set(n.name, startNodeAgent(ns(n.name), n.name, kc.kubeconfig, LEASE_SECONDS));
        const all = NODES.map((n) => n.name);
        const ready = async () => (await leaseRenewals(server)).size === 4;
        for (let i = 0; i < 400 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 50));
        const placedMs = await vips.untilPlaced(all, 30_000, logs);
        t.diagnostic(
          `all ${POOL_VIPS.length} addresses on their winners among ${all} after ${placedMs.toFixed(0)} ms`,
        );

        // Start-up races leave probe conflicts in their backoff (2 s, then 4 s) on the nodes that
        // lost them; let them run out, so what follows measures the Lease alone.
        await new Promise((r) => setTimeout(r, 7000));
        await vips.untilPlaced(all, 5000, logs);

        // node-a's agent dies (its node stays up): by its word its Lease lives a day.
        const killAt = performance.now();
        await (agents.get('node-a') as RunningAgent).stop('SIGKILL');
        const rest = all.filter((n) => n !== 'node-a');
        const movedMs = await vips.untilPlaced(rest, (LEASE_SECONDS + 5) * 1000, logs);
        t.diagnostic(
          `node-a's addresses on node-b/node-c ${(performance.now() - killAt).toFixed(0)} ms after the kill (${movedMs.toFixed(0)} ms)`,
        );
      } finally {
        for (const a of agents.values()) await a.stop('SIGKILL');
        vips?.close();
        segment?.destroy();
        kc.cleanup();
      }
    });
  });
});
