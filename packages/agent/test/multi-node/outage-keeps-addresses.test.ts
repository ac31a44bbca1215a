// Fence on evidence, not on silence: when the whole API server is gone, no node can take an address
// over, so withdrawing would only turn a control-plane outage into a data-plane one. Three agents on
// one segment, the API server down for five Lease durations: the holder keeps the address the whole
// time, nobody else takes it (every node's contact clock stands still), and it is still the only
// holder after the server returns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import {
  leaseRenewals,
  NODES,
  seedElectionCluster,
  startNodeAgent,
  VIP,
} from '../support/election-cluster.ts';
import { buildSegment, type Segment } from '../support/segment.ts';
import { staysSoleHolder, steadyHolder, VipHolders } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 3;
const OUTAGE_MS = 5 * LEASE_SECONDS * 1000;

describe('a full API server outage', { skip }, () => {
  it('loses no local address: the holder keeps it and nobody else takes it', async () => {
    await withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      let segment: Segment | undefined;
      let holders: VipHolders | undefined;
      const agents = new Map<string, RunningAgent>();
      const logs = () => [...agents].map(([name, a]) => `--- ${name}\n${a.stderr}`).join('\n');
      try {
        segment = buildSegment([...NODES]);
        const ns = (name: string) => segment?.hosts.get(name) as string;
        holders = await VipHolders.open(new Map(NODES.map((n) => [n.name, ns(n.name)])), VIP);
        await seedElectionCluster(server, NODES);
        for (const n of NODES)
          agents.set(n.name, startNodeAgent(ns(n.name), n.name, kc.kubeconfig, LEASE_SECONDS));
        const all = NODES.map((n) => n.name);
        const holder = await steadyHolder(holders, {
          among: all,
          ready: async () => (await leaseRenewals(server)).size === 3,
          logs,
          settleMs: LEASE_SECONDS * 1000,
          limitMs: 40_000,
        });

        server.goDown();
        await staysSoleHolder(holders, holder, OUTAGE_MS, logs);
        server.comeUp();
        await staysSoleHolder(holders, holder, 2 * LEASE_SECONDS * 1000, logs);
        assert.ok(
          (agents.get(holder) as RunningAgent).logs.some((l) =>
            String(l.msg).includes('keeping local addresses until another host announces one'),
          ),
          `the holder said why it kept its address\n${logs()}`,
        );
      } finally {
        for (const a of agents.values()) await a.stop('SIGKILL');
        holders?.close();
        segment?.destroy();
        kc.cleanup();
      }
    });
  });
});
