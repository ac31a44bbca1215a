// The three-node segment with the whole local pool placed (one Service per address), the real agents
// in Kubernetes mode, and a VipSet following every address on the segment's interface: what the
// one-holder-at-a-time tests share. Everything is stopped and removed whatever the test does.
import { type FakeApiServer, withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import type { RunningAgent } from './agent-process.ts';
import { NODES, seedElectionCluster, startNodeAgent } from './election-cluster.ts';
import { buildSegment, type Segment } from './segment.ts';
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
    // One client identity per node (its bearer token is its name), so a fault can pick one node.
    const kcs = new Map(ALL.map((n) => [n, writeKubeconfig(server, n)]));
    let segment: Segment | undefined;
    let vips: VipSet | undefined;
    const agents = new Map<string, RunningAgent>();
    const logs = () => [...agents].map(([name, a]) => `--- ${name}\n${a.stderr}`).join('\n');
    try {
      segment = buildSegment([...NODES]);
      const ns = (name: string) => segment?.hosts.get(name) as string;
      // On the segment's interface: a node that lost its subnet puts the pool's addresses on its dummy.
      vips = await VipSet.open(new Map(ALL.map((n) => [n, ns(n)])), POOL_VIPS, 'enp1s0');
      await seedElectionCluster(server, NODES);
      await addPoolServices(server, POOL_VIPS);
      const start = (name: string) =>
        agents.set(name, startNodeAgent(ns(name), name, kcs.get(name)?.kubeconfig as string, LEASE_SECONDS));
      for (const n of ALL) start(n);
      await vips.untilPlaced(ALL, 40_000, logs);
      // Start-up (each agent alone before it sees the others' Leases) is not what is measured.
      await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000));
      await vips.untilPlaced(ALL, 5_000, logs);
      await fn({ server, ns, start, agents, vips, logs });
    } finally {
      for (const a of agents.values()) await a.stop('SIGKILL');
      vips?.close();
      segment?.destroy();
      for (const kc of kcs.values()) kc.cleanup();
    }
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
