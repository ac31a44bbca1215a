// The holder's agent dies without withdrawing (SIGKILL, an OOM kill) while its node stays up: its
// kernel still carries the local address and answers ARP for it. Once its Lease lapses, another
// node takes the address over, announced rather than probed (the Service's announcing annotation
// names the dead agent's node): probing first would find the old holder and hold the address back
// until its agent restarts and withdraws, and then for the probe's backoff. When the old agent
// comes back, one node ends up holding the address.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withFakeApiServer } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import { VIP } from '../support/election-cluster.ts';
import { withThreeNodes } from '../support/three-nodes.ts';
import { untilOneHolder } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 3;

describe('a crashed holder on a live node', { skip }, () => {
  it('another node takes the address over once the Lease lapses, without probing the old holder', async (t) => {
    await withFakeApiServer(async (server) => {
      await withThreeNodes(server, { leaseSeconds: LEASE_SECONDS }, async (c) => {
        const winner = await c.steady();

        // SIGKILL the winner's agent only: its link stays up and its kernel keeps answering ARP.
        // (A conflict before this point is two nodes probing at once while their Leases are still
        // being listed: both back off, as RFC 5227 asks. Only what follows the kill is pinned.)
        const logsAtKill = new Map([...c.agents].map(([name, a]) => [name, a.logs.length]));
        const killAt = performance.now();
        await (c.agents.get(winner) as RunningAgent).stop('SIGKILL');
        const rest = c.all.filter((n) => n !== winner);
        const next = await untilOneHolder(c.holders, {
          among: rest,
          living: rest,
          since: killAt,
          limitMs: (LEASE_SECONDS + 10) * 1000,
          logs: c.logs,
        });
        const heir = next.holders[0] as string;
        t.diagnostic(
          `crashed holder ${winner} -> ${heir}: ${next.ms.toFixed(0)} ms (lease ${LEASE_SECONDS} s)`,
        );
        const heirLogs = (c.agents.get(heir) as RunningAgent).logs.slice(logsAtKill.get(heir));
        assert.ok(
          heirLogs.some((l) => l.msg === `taking ${VIP} over from node ${winner}: announced, not probed`),
          `${heir} logged the takeover\n${c.logs()}`,
        );
        assert.ok(
          !heirLogs.some((l) => l.code === 'address-conflict'),
          `the old holder's answer is no conflict\n${c.logs()}`,
        );

        // The old agent restarts: the cluster settles on one holder again.
        c.start(winner);
        const settled = await c.steady(30_000);
        assert.equal(c.holders.holders(c.all).length, 1, `one holder: ${settled}`);
      });
    });
  });
});
