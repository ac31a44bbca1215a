// Fence on evidence, not on silence: when the whole API server is gone, no node can take an address
// over, so withdrawing would only turn a control-plane outage into a data-plane one. Three agents on
// one segment, the API server down for five Lease durations: the holder keeps the address the whole
// time, nobody else takes it (every node's contact clock stands still), and it is still the only
// holder after the server returns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withFakeApiServer } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import { withThreeNodes } from '../support/three-nodes.ts';
import { staysSoleHolder } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 3;
// PURELB_TEST_OUTAGE_MS measures a longer one (the 60 s) without making CI wait for it.
const OUTAGE_MS = Number(process.env.PURELB_TEST_OUTAGE_MS ?? 5 * LEASE_SECONDS * 1000);

describe('a full API server outage', { skip }, () => {
  it('loses no local address: the holder keeps it and nobody else takes it', async () => {
    await withFakeApiServer(async (server) => {
      await withThreeNodes(server, { leaseSeconds: LEASE_SECONDS }, async (c) => {
        const holder = await c.steady();
        server.goDown();
        await staysSoleHolder(c.holders, holder, OUTAGE_MS, c.logs);
        server.comeUp();
        await staysSoleHolder(c.holders, holder, 2 * LEASE_SECONDS * 1000, c.logs);
        assert.ok(
          (c.agents.get(holder) as RunningAgent).logs.some((l) =>
            String(l.msg).includes('keeping local addresses until another host announces one'),
          ),
          `the holder said why it kept its address\n${c.logs()}`,
        );
      });
    });
  });
});
