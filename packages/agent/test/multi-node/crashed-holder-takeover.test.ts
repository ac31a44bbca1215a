// The holder's agent dies without withdrawing (SIGKILL, an OOM kill) while its node stays up: its
// kernel still carries the local address and answers ARP for it. Once its Lease lapses, another
// node takes the address over, announced rather than probed (the Service's announcing annotation
// names the dead agent's node): probing first would find the old holder and hold the address back
// until its agent restarts and withdraws, and then for the probe's backoff. When the old agent
// comes back, one node ends up holding the address.
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
import { steadyHolder, untilOneHolder, VipHolders } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 3;

describe('a crashed holder on a live node', { skip }, () => {
  it('another node takes the address over once the Lease lapses, without probing the old holder', async (t) => {
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
        const start = (name: string) =>
          agents.set(name, startNodeAgent(ns(name), name, kc.kubeconfig, LEASE_SECONDS));
        for (const n of NODES) start(n.name);
        const all = NODES.map((n) => n.name);
        const winner = await steadyHolder(holders, {
          among: all,
          ready: async () => (await leaseRenewals(server)).size === 3,
          logs,
          settleMs: LEASE_SECONDS * 1000,
          limitMs: 20_000,
        });

        // SIGKILL the winner's agent only: its link stays up and its kernel keeps answering ARP.
        // (A conflict before this point is two nodes probing at once while their Leases are still
        // being listed: both back off, as RFC 5227 asks. Only what follows the kill is pinned.)
        const logsAtKill = new Map([...agents].map(([name, a]) => [name, a.logs.length]));
        const killAt = performance.now();
        await (agents.get(winner) as RunningAgent).stop('SIGKILL');
        const rest = all.filter((n) => n !== winner);
        const next = await untilOneHolder(holders, {
          among: rest,
          living: rest,
          since: killAt,
          limitMs: (LEASE_SECONDS + 10) * 1000,
          logs,
        });
        const heir = next.holders[0] as string;
        t.diagnostic(
          `crashed holder ${winner} -> ${heir}: ${next.ms.toFixed(0)} ms (lease ${LEASE_SECONDS} s)`,
        );
        const heirLogs = (agents.get(heir) as RunningAgent).logs.slice(logsAtKill.get(heir));
        assert.ok(
          heirLogs.some((l) => l.msg === `taking ${VIP} over from node ${winner}: announced, not probed`),
          `${heir} logged the takeover\n${logs()}`,
        );
        assert.ok(
          !heirLogs.some((l) => l.code === 'address-conflict'),
          `the old holder's answer is no conflict\n${logs()}`,
        );

        // The old agent restarts: the cluster settles on one holder again.
        start(winner);
        const settled = await steadyHolder(holders, {
          among: all,
          ready: async () => (await leaseRenewals(server)).size === 3,
          logs,
          settleMs: LEASE_SECONDS * 1000,
          limitMs: 30_000,
        });
        assert.equal(holders.holders(all).length, 1, `one holder: ${settled}`);
      } finally {
        for (const a of agents.values()) await a.stop('SIGKILL');
        holders?.close();
        segment?.destroy();
        kc.cleanup();
      }
    });
  });
});
