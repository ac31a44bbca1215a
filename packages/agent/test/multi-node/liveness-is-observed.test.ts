// Who is alive is each agent's observation, not what a Lease says: three real agents on one segment,
// node-a's clock a day ahead and node-b's an hour behind (the fake API server skews the times in
// their Lease writes), and a rogue Lease `purelb-node-rogue` (no such Node) renewed "a day from now"
// claiming the pool's subnet and 0.0.0.0/0. Every pool address is held by its winner among the three
// real nodes; when node-a's agent is killed, its Lease, a day ahead by its word, lapses within a
// duration of its last observed renewal and the others take its addresses.
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { type FakeApiServer, withFakeApiServer } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import { leaseRenewals } from '../support/election-cluster.ts';
import { withThreeNodes } from '../support/three-nodes.ts';
import { addPoolServices, POOL_VIPS, VipSet } from '../support/vip-set.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 3;
const DAY_MS = 86_400_000;

const micro = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

/** The pool's Services, the skewed clocks and the rogue Lease, before any agent starts. */
async function skewedCluster(server: FakeApiServer): Promise<void> {
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
    spec: { holderIdentity: 'rogue', leaseDurationSeconds: 3600, renewTime: micro(Date.now() + DAY_MS) },
  });
}

describe('liveness is observed, not taken from the Lease', { skip }, () => {
  it('skewed clocks and a rogue Lease change no election; a dead node lapses within its duration', async (t) => {
    await withFakeApiServer(async (server) => {
      const options = { leaseSeconds: LEASE_SECONDS, before: skewedCluster };
      await withThreeNodes(server, options, async (c) => {
        const vips = await VipSet.open(new Map(c.all.map((n) => [n, c.ns(n)])), POOL_VIPS);
        try {
          const ready = async () => (await leaseRenewals(server)).size === 4;
          for (let i = 0; i < 400 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 50));
          const placedMs = await vips.untilPlaced(c.all, 30_000, c.logs);
          t.diagnostic(
            `all ${POOL_VIPS.length} addresses on their winners among ${c.all} after ${placedMs.toFixed(0)} ms`,
          );
          // Start-up races leave probe conflicts in their backoff (2 s, then 4 s) on the nodes that
          // lost them; let them run out, so what follows measures the Lease alone.
          await new Promise((r) => setTimeout(r, 7000));
          await vips.untilPlaced(c.all, 5000, c.logs);

          // node-a's agent dies (its node stays up): by its word its Lease lives a day.
          const killAt = performance.now();
          await (c.agents.get('node-a') as RunningAgent).stop('SIGKILL');
          const rest = c.all.filter((n) => n !== 'node-a');
          const movedMs = await vips.untilPlaced(rest, (LEASE_SECONDS + 5) * 1000, c.logs);
          t.diagnostic(
            `node-a's addresses on node-b/node-c ${(performance.now() - killAt).toFixed(0)} ms after the kill (${movedMs.toFixed(0)} ms)`,
          );
        } finally {
          vips.close();
        }
      });
    });
  });
});
