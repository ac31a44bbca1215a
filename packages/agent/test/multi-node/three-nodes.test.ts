// Three nodes on one L2 segment (three namespaces joined by veths to a bridge in a fourth "switch"
// namespace), three real agents in Kubernetes mode against one fake API server, one local address.
// Exactly one node holds it and answers ARP for it; SIGTERM the winner and another takes it without
// ever two holding it at once; SIGKILL that one and the third takes it once the dead Lease lapses.
// Who holds the address is followed by a netlink monitor per node. Failover times are recorded as
// diagnostics, not asserted.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { inNetns, ip, ipJson, netnsUnavailableReason } from '../../../../test/support/netns.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import {
  leaseRenewals,
  NODES,
  seedElectionCluster,
  startNodeAgent,
  VIP,
} from '../support/election-cluster.ts';
import { buildSegment, macOf, type Segment } from '../support/segment.ts';
import { steadyHolder, untilOneHolder, VipHolders } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const NODE_BIN = resolve(import.meta.dirname, '../../../../node_modules/.bin/node');
const LEASE_SECONDS = 3;

/**
 * Makes the client resolve the VIP (a UDP datagram to it: there is no `ping` on every machine, and any
 * packet needs ARP first) and returns the MAC its neighbour table then holds for it.
 */
async function clientResolves(client: string): Promise<string | undefined> {
  ip(client, 'neigh', 'flush', 'dev', 'enp1s0');
  const send = `const s = require('node:dgram').createSocket('udp4'); s.send('x', 9, '${VIP}', () => s.close());`;
  for (let i = 0; i < 100; i++) {
    if (i % 25 === 0) inNetns(client, NODE_BIN, ['-e', send]);
    const entries = ipJson<{ dst: string; lladdr?: string }[]>(client, 'neigh', 'show', VIP);
    const mac = entries.find((e) => e.dst === VIP)?.lladdr;
    if (mac !== undefined) return mac;
    await new Promise((r) => setTimeout(r, 40));
  }
  return undefined;
}

describe('three nodes on one segment', { skip }, () => {
  it('one node holds the local address; SIGTERM and SIGKILL fail it over to the others, never two at once', async (t) => {
    await withFakeApiServer(async (server) => {
      const kc = writeKubeconfig(server);
      let segment: Segment | undefined;
      let holders: VipHolders | undefined;
      const agents = new Map<string, RunningAgent>();
      const logs = () => [...agents].map(([name, a]) => `--- ${name}\n${a.stderr}`).join('\n');
      try {
        segment = buildSegment([...NODES, { name: 'client', ip: '172.30.250.200' }]);
        const ns = (name: string) => segment?.hosts.get(name) as string;
        const client = ns('client');
        const nodes = new Map(NODES.map((n) => [n.name, ns(n.name)]));
        holders = await VipHolders.open(nodes, VIP);
        await seedElectionCluster(server, NODES);
        for (const n of NODES)
          agents.set(n.name, startNodeAgent(ns(n.name), n.name, kc.kubeconfig, LEASE_SECONDS));

        const all = NODES.map((n) => n.name);
        // While the agents start, one may briefly win alone before it sees the others' Leases: the winner
        // is the holder once all three Leases exist and it has stayed the only one for a lease period.
        const winner = await steadyHolder(holders, {
          among: all,
          ready: async () => (await leaseRenewals(server)).size === 3,
          logs,
          settleMs: LEASE_SECONDS * 1000,
          limitMs: 20_000,
        });
        assert.ok(
          (agents.get(winner) as RunningAgent).logs.some(
            (l) => l.msg.startsWith('address placed') && l.ip === VIP,
          ),
          `${winner} logged placing ${VIP}`,
        );
        assert.equal(await clientResolves(client), macOf(ns(winner)), 'ARP resolves to the winner');

        // SIGTERM the winner: it withdraws, then deletes its Lease; another node takes over.
        const termAt = performance.now();
        const termExit = (agents.get(winner) as RunningAgent).stop('SIGTERM');
        const rest = all.filter((n) => n !== winner);
        const second = await untilOneHolder(holders, { among: rest, since: termAt, limitMs: 10_000, logs });
        assert.equal(await termExit, 0, logs());
        const successor = second.holders[0] as string;
        t.diagnostic(`SIGTERM failover ${winner} -> ${successor}: ${second.ms.toFixed(0)} ms`);
        assert.equal(await clientResolves(client), macOf(ns(successor)), 'ARP resolves to the successor');

        // SIGKILL the successor and take its link down, as when a node dies: its Lease stays until it
        // lapses, then the last node takes over and announces itself (GARP) to the segment.
        const killAt = performance.now();
        await (agents.get(successor) as RunningAgent).stop('SIGKILL');
        ip(ns(successor), 'link', 'set', 'enp1s0', 'down');
        const last = rest.filter((n) => n !== successor);
        // The dead node still carries the address on its downed link; only the living ones count.
        const third = await untilOneHolder(holders, {
          among: last,
          living: all.filter((n) => n !== successor),
          since: killAt,
          limitMs: (LEASE_SECONDS + 10) * 1000,
          logs,
        });
        const heir = third.holders[0] as string;
        t.diagnostic(
          `SIGKILL failover ${successor} -> ${heir}: ${third.ms.toFixed(0)} ms (lease ${LEASE_SECONDS} s)`,
        );
        // The client still has the dead node's MAC cached: only the heir's GARP can have changed it.
        const heirMac = macOf(ns(heir));
        const cached = async () =>
          ipJson<{ dst: string; lladdr?: string }[]>(client, 'neigh', 'show', VIP).find((e) => e.dst === VIP)
            ?.lladdr;
        for (let i = 0; i < 100 && (await cached()) !== heirMac; i++)
          await new Promise((r) => setTimeout(r, 20));
        assert.equal(await cached(), heirMac, 'the GARP moved the client to the heir without it asking');
        assert.equal(await clientResolves(client), heirMac, 'ARP resolves to the heir');
        assert.ok(!holders.holders([winner]).length, 'the terminated node never took it back');
      } finally {
        for (const a of agents.values()) await a.stop('SIGKILL');
        holders?.close();
        segment?.destroy();
        kc.cleanup();
      }
    });
  });
});
