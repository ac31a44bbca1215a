// The three-node segment with the whole local pool placed (one Service per address), the real agents
// in Kubernetes mode, and a VipSet following every address on the segment's interface: what the
// one-holder-at-a-time tests share. Everything is stopped and removed whatever the test does.
import { type FakeApiServer, withFakeApiServer } from '../../../../test/support/kube.ts';
import type { RunningAgent } from './agent-process.ts';
import { NODES } from './election-cluster.ts';
import { withThreeNodes } from './three-nodes.ts';
import { addPoolServices, POOL_VIPS, VipSet } from './vip-set.ts';

export const LEASE_SECONDS = 3;
export const ALL = NODES.map((n) => n.name);

export interface Cluster {
  server: FakeApiServer;
  ns: (node: string) => string;
  start: (node: string) => void;
  agents: Map<string, RunningAgent>;
  vips: VipSet;
  logs: () => string;
}

/** Three agents on the segment with the whole pool placed, settled; torn down whatever fn does. */
export async function withCluster(fn: (c: Cluster) => Promise<void>): Promise<void> {
  await withFakeApiServer(async (server) => {
    const before = (s: FakeApiServer) => addPoolServices(s, POOL_VIPS);
    await withThreeNodes(server, { leaseSeconds: LEASE_SECONDS, before }, async (c) => {
      // On the segment's interface: a node that lost its subnet puts the pool's addresses on its dummy.
      const vips = await VipSet.open(new Map(ALL.map((n) => [n, c.ns(n)])), POOL_VIPS, 'enp1s0');
      try {
        await vips.untilPlaced(ALL, 40_000, c.logs);
        // Start-up (each agent alone before it sees the others' Leases) is not what is measured.
        await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000));
        await vips.untilPlaced(ALL, 5_000, c.logs);
        await fn({ server, ns: c.ns, start: c.start, agents: c.agents, vips, logs: c.logs });
      } finally {
        vips.close();
      }
    });
  });
}

/** The overlaps counted during fn. */
export async function overlapsDuring(vips: VipSet, fn: () => Promise<void>) {
  const before = await vips.overlaps();
  await fn();
  await new Promise((r) => setTimeout(r, 200));
  const after = await vips.overlaps();
  return {
    seen: after.seen - before.seen,
    confirmed: after.confirmed - before.confirmed,
    maxConfirmedMs: after.maxConfirmedMs,
  };
}
