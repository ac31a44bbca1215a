// The holder alone is cut off from the API server (its requests hang, its watches drop) while it and
// its peers stay on the segment. Its peers hear its Lease fall silent and, once it lapses, one takes
// the address over and announces it with a gratuitous ARP; the cut-off node, which kept the address
// (it cannot know whether the whole API is gone), sees that announcement and lets go at once. Fence
// on evidence: the takeover within the Lease + 1 s, the two holders overlapping by at most 100 ms
// after the announcement (sent 10 ms after the add, garpConfig.initialDelay).
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { withFakeApiServer } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import { leaseRenewals } from '../support/election-cluster.ts';
import { withThreeNodes } from '../support/three-nodes.ts';
import { untilOneHolder } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 3;
const GARP_DELAY_MS = 10;
const MAX_OVERLAP_MS = GARP_DELAY_MS + 100;

describe('the holder alone cut off from the API server', { skip }, () => {
  it('another node takes over within the Lease + 1 s, and the cut-off node lets go on its announcement', async (t) => {
    await withFakeApiServer(async (server) => {
      await withThreeNodes(server, { leaseSeconds: LEASE_SECONDS }, async (c) => {
        const holder = await c.steady();
        const renewed = (await leaseRenewals(server)).get(`purelb-node-${holder}`) as number;

        // Cut the holder off: every request it sends hangs, its open watches die.
        server.faults.stall(10_000, 1_000_000, { caller: holder });
        server.dropWatches(holder);
        const cutAt = performance.now();
        const cutWall = Date.now();
        const next = await untilOneHolder(c.holders, {
          among: c.all.filter((n) => n !== holder),
          since: cutAt,
          limitMs: (LEASE_SECONDS + 10) * 1000,
          logs: c.logs,
          strict: false,
        });
        const heir = next.holders[0] as string;
        const takenMs = c.holders.changedAt(heir) - cutAt;
        // The Lease lapses a duration after its last renewal, which came before the cut.
        const sinceRenewal = takenMs + (cutWall - renewed);
        const overlapMs = c.holders.changedAt(holder) - c.holders.changedAt(heir);
        t.diagnostic(
          `cut off ${holder} -> ${heir}: taken ${takenMs.toFixed(0)} ms after the cut, ${sinceRenewal.toFixed(0)} ms after the last renewal; overlap ${overlapMs.toFixed(1)} ms`,
        );
        assert.ok(
          sinceRenewal <= (LEASE_SECONDS + 1) * 1000,
          `taken over ${sinceRenewal.toFixed(0)} ms after the last renewal\n${c.logs()}`,
        );
        assert.ok(overlapMs <= MAX_OVERLAP_MS, `overlap ${overlapMs.toFixed(1)} ms\n${c.logs()}`);
        assert.ok(
          (c.agents.get(holder) as RunningAgent).logs.some((l) =>
            String(l.msg).startsWith('another host announces a local address'),
          ),
          `the cut-off node said why it let go\n${c.logs()}`,
        );

        // Back in contact: one holder again.
        server.faults.clear();
        await c.steady(30_000);
      });
    });
  });
});
