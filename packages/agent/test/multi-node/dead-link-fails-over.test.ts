// A holder whose announcing interface loses carrier while its node and agent stay up (cilium#35507,
// metallb#2026: the Lease keeps renewing over another path and nothing fails over). Its subnet leaves
// its purelb.io/subnets at once, its Lease is renewed at once, and another node takes the address
// over. Carrier back, it is a candidate again only after carrier has held for --carrier-hold
// (hysteresis), so a flapping link does not pull the address back and forth.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { withFakeApiServer } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { v4Addresses } from '../support/agent-process.ts';
import { VIP } from '../support/election-cluster.ts';
import { leaseAnnotations, until } from '../support/lease-reads.ts';
import { withThreeNodes } from '../support/three-nodes.ts';
import { untilOneHolder } from '../support/vip-holders.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 10;
const HOLD_SECONDS = 3;
const SUBNET = '172.30.250.0/24';

/** The subnets a node's Lease advertises now. */
async function leaseSubnets(server: Parameters<typeof leaseAnnotations>[0], node: string): Promise<string[]> {
  return ((await leaseAnnotations(server, node))['purelb.io/subnets'] ?? '').split(',').filter(Boolean);
}

describe('a dead link on the holder', { skip }, () => {
  it('carrier lost: another node holds the address within 2 s; back, the node is a candidate after the hold', async (t) => {
    // The agents read it from their environment (the test's, see agent-process.ts).
    process.env.CARRIER_HOLD_SECONDS = String(HOLD_SECONDS);
    await withFakeApiServer(async (server) => {
      await withThreeNodes(server, { leaseSeconds: LEASE_SECONDS }, async (c) => {
        const holder = await c.steady();
        const rest = c.all.filter((n) => n !== holder);
        const lostAt = performance.now();
        c.setPort(holder, false);
        const next = await untilOneHolder(c.holders, {
          among: rest,
          living: rest,
          since: lostAt,
          limitMs: 5_000,
          logs: c.logs,
          strict: false,
        });
        // Off its dead enp1s0 (it may keep the address on kube-lb0, where no neighbour reaches it).
        const onSegment = () =>
          v4Addresses(c.ns(holder))
            .get('enp1s0')
            ?.some((a) => a.startsWith(`${VIP}/`));
        const leftMs = await until(`${holder} lets go`, async () => onSegment() !== true, 2_000, c.logs);
        t.diagnostic(`carrier lost on ${holder}: ${next.holders[0]} holds it after ${next.ms.toFixed(0)} ms`);
        assert.ok(next.ms <= 2_000, `taken over within 2 s of the carrier loss: ${next.ms.toFixed(0)} ms`);
        assert.ok(leftMs <= 2_000);
        assert.deepEqual(await leaseSubnets(server, holder), [], 'its subnet left its Lease');

        // Flapping: up and down every 500 ms for 2 s never makes it a candidate again.
        for (let i = 0; i < 4; i++) {
          c.setPort(holder, i % 2 === 0);
          await new Promise((r) => setTimeout(r, 500));
          assert.deepEqual(await leaseSubnets(server, holder), [], `flap ${i}: still out`);
        }
        c.setPort(holder, true);
        const upAt = performance.now();
        const backMs = await until(
          `${holder} advertises ${SUBNET} again`,
          async () => (await leaseSubnets(server, holder)).includes(SUBNET),
          HOLD_SECONDS * 1000 + 5_000,
          c.logs,
        );
        t.diagnostic(
          `carrier back on ${holder}: a candidate again after ${backMs.toFixed(0)} ms (hold ${HOLD_SECONDS} s)`,
        );
        assert.ok(performance.now() - upAt >= HOLD_SECONDS * 1000 - 50, 'not before the hold');
        const settled = await c.steady(30_000);
        assert.equal(c.holders.holders(c.all).length, 1, `one holder: ${settled}`);
      });
    });
  });
});
