// The three-node segment with its cluster and real agents, set up and torn down in one place: the
// segment (plus any extra hosts), a VipHolders on VIP, the election cluster seeded, one agent per
// node (each with its own kubeconfig whose bearer token is the node's name, so faults can single
// one node out), and everything deleted after `body`, even when it throws.
import type { FakeApiServer, KubectlEnv } from '../../../../test/support/kube.ts';
import { writeKubeconfig } from '../../../../test/support/kube.ts';
import { ip } from '../../../../test/support/netns.ts';
import type { RunningAgent } from './agent-process.ts';
import { leaseRenewals, NODES, seedElectionCluster, startNodeAgent, VIP } from './election-cluster.ts';
import { buildSegment, type Segment, type SegmentHost } from './segment.ts';
import { steadyHolder, VipHolders } from './vip-holders.ts';

export interface ThreeNodes {
  server: FakeApiServer;
  holders: VipHolders;
  agents: Map<string, RunningAgent>;
  /** The three node names. */
  all: string[];
  /** A host's namespace (the nodes and any extra host). */
  ns(name: string): string;
  /** Every agent's stderr, for failure messages. */
  logs(): string;
  /** Starts (or restarts) the agent of `name`. */
  start(name: string): void;
  /** The holder once all three Leases exist and it stayed the only one for a Lease duration. */
  steady(limitMs?: number): Promise<string>;
  /** Sets the switch's port of `name` up or down: its enp1s0 gains or loses carrier. */
  setPort(name: string, up: boolean): void;
}

export async function withThreeNodes(
  server: FakeApiServer,
  o: {
    leaseSeconds: number;
    extraHosts?: readonly SegmentHost[];
    /** Cluster objects or faults to have in place before the agents start (after the seeding). */
    before?: (server: FakeApiServer) => void | Promise<void>;
  },
  body: (c: ThreeNodes) => Promise<void>,
): Promise<void> {
  const configs = new Map<string, KubectlEnv>(NODES.map((n) => [n.name, writeKubeconfig(server, n.name)]));
  let segment: Segment | undefined;
  let holders: VipHolders | undefined;
  const agents = new Map<string, RunningAgent>();
  const logs = () => [...agents].map(([name, a]) => `--- ${name}\n${a.stderr}`).join('\n');
  try {
    segment = buildSegment([...NODES, ...(o.extraHosts ?? [])]);
    const ns = (name: string) => segment?.hosts.get(name) as string;
    holders = await VipHolders.open(new Map(NODES.map((n) => [n.name, ns(n.name)])), VIP);
    await seedElectionCluster(server, NODES);
    await o.before?.(server);
    const start = (name: string) => {
      const kc = configs.get(name) as KubectlEnv;
      agents.set(name, startNodeAgent(ns(name), name, kc.kubeconfig, o.leaseSeconds));
    };
    for (const n of NODES) start(n.name);
    const all = NODES.map((n) => n.name);
    const h = holders;
    const steady = (limitMs = 40_000) =>
      steadyHolder(h, {
        among: all,
        ready: async () => (await leaseRenewals(server)).size === 3,
        logs,
        settleMs: o.leaseSeconds * 1000,
        limitMs,
      });
    const sw = segment.namespaces[0] as string;
    const hostNames = [...NODES, ...(o.extraHosts ?? [])].map((h) => h.name);
    const setPort = (name: string, up: boolean) =>
      ip(sw, 'link', 'set', `port${hostNames.indexOf(name)}`, up ? 'up' : 'down');
    await body({ server, holders, agents, all, ns, logs, start, steady, setPort });
  } finally {
    for (const a of agents.values()) await a.stop('SIGKILL');
    holders?.close();
    segment?.destroy();
    for (const kc of configs.values()) kc.cleanup();
  }
}
