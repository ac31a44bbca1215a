// The holder alone is cut off from the API server (its requests hang, its watches drop) while it and
// its peers stay on the segment. Its peers hear its Lease fall silent and, once it lapses, one takes
// the address over and announces it with a gratuitous ARP; the cut-off node, which kept the address
// (it cannot know whether the whole API is gone), sees that announcement and lets go at once. Fence
// on evidence: the takeover within the Lease + 1 s, the two holders overlapping by at most 100 ms
// after the announcement (sent 10 ms after the add, garpConfig.initialDelay).
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { type KubectlEnv, withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
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
import { steadyHolder, untilOneHolder, VipHolders } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 3;
const GARP_DELAY_MS = 10;
const MAX_OVERLAP_MS = GARP_DELAY_MS + 100;

describe('the holder alone cut off from the API server', { skip }, () => {
  it('another node takes over within the Lease + 1 s, and the cut-off node lets go on its announcement', async (t) => {
    await withFakeApiServer(async (server) => {
      const configs = new Map<string, KubectlEnv>(
        NODES.map((n) => [n.name, writeKubeconfig(server, n.name)]),
      );
      let segment: Segment | undefined;
      let holders: VipHolders | undefined;
      const agents = new Map<string, RunningAgent>();
      const logs = () => [...agents].map(([name, a]) => `--- ${name}\n${a.stderr}`).join('\n');
      try {
        segment = buildSegment([...NODES]);
        const ns = (name: string) => segment?.hosts.get(name) as string;
        holders = await VipHolders.open(new Map(NODES.map((n) => [n.name, ns(n.name)])), VIP);
        await seedElectionCluster(server, NODES);
        for (const n of NODES) {
          const kc = configs.get(n.name) as KubectlEnv;
          agents.set(n.name, startNodeAgent(ns(n.name), n.name, kc.kubeconfig, LEASE_SECONDS));
        }
        const all = NODES.map((n) => n.name);
        const holder = await steadyHolder(holders, {
          among: all,
          ready: async () => (await leaseRenewals(server)).size === 3,
          logs,
          settleMs: LEASE_SECONDS * 1000,
          limitMs: 40_000,
        });
        const renewed = (await leaseRenewals(server)).get(`purelb-node-${holder}`) as number;

        // Cut the holder off: every request it sends hangs, its open watches die.
        server.faults.stall(10_000, 1_000_000, { caller: holder });
        server.dropWatches(holder);
        const cutAt = performance.now();
        const cutWall = Date.now();
        const rest = all.filter((n) => n !== holder);
        const next = await untilOneHolder(holders, {
          among: rest,
          since: cutAt,
          limitMs: (LEASE_SECONDS + 10) * 1000,
          logs,
          strict: false,
        });
        const heir = next.holders[0] as string;
        const takenMs = holders.changedAt(heir) - cutAt;
        // The Lease lapses a duration after its last renewal, which came before the cut.
        const sinceRenewal = takenMs + (cutWall - renewed);
        const overlapMs = holders.changedAt(holder) - holders.changedAt(heir);
        t.diagnostic(
          `cut off ${holder} -> ${heir}: taken ${takenMs.toFixed(0)} ms after the cut, ${sinceRenewal.toFixed(0)} ms after the last renewal; overlap ${overlapMs.toFixed(1)} ms`,
        );
        assert.ok(
          sinceRenewal <= (LEASE_SECONDS + 1) * 1000,
          `taken over ${sinceRenewal.toFixed(0)} ms after the last renewal\n${logs()}`,
        );
        assert.ok(overlapMs <= MAX_OVERLAP_MS, `overlap ${overlapMs.toFixed(1)} ms\n${logs()}`);
        const cut = agents.get(holder) as RunningAgent;
        assert.ok(
          cut.logs.some((l) => String(l.msg).startsWith('another host announces a local address')),
          `the cut-off node said why it let go\n${logs()}`,
        );

        // Back in contact: one holder again.
        server.faults.clear();
        await steadyHolder(holders, {
          among: all,
          ready: async () => true,
          logs,
          settleMs: LEASE_SECONDS * 1000,
          limitMs: 30_000,
        });
      } finally {
        for (const a of agents.values()) await a.stop('SIGKILL');
        holders?.close();
        segment?.destroy();
        for (const kc of configs.values()) kc.cleanup();
      }
    });
  });
});
