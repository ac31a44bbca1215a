// What the other nodes cannot see, the holder publishes in its own Lease: its enp1s0 losing carrier
// puts `purelb.io/carrier-down: enp1s0` there, and the address it can then no longer place as asked
// (it falls back to kube-lb0) in `purelb.io/refused` with code no-carrier. Carrier back, both stay
// until the carrier has held for CARRIER_HOLD_SECONDS, then leave the Lease. The other nodes, whose
// links never went down, list nothing.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { withFakeApiServer } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { VIP } from '../support/election-cluster.ts';
import { leaseAnnotations, until } from '../support/lease-reads.ts';
import { withThreeNodes } from '../support/three-nodes.ts';

const skip = netnsUnavailableReason();
const LEASE_SECONDS = 10;
const HOLD_SECONDS = 1;
const CARRIER_DOWN = 'purelb.io/carrier-down';
const REFUSED = 'purelb.io/refused';

/** A node's Lease annotations now. */
describe("a dead link in its node's Lease", { skip }, () => {
  it('carrier lost: the Lease names the interface and the refused address; back and held: neither', async (t) => {
    // The agents read it from their environment (the test's, see agent-process.ts).
    process.env.CARRIER_HOLD_SECONDS = String(HOLD_SECONDS);
    await withFakeApiServer(async (server) => {
      await withThreeNodes(server, { leaseSeconds: LEASE_SECONDS }, async (c) => {
        const holder = await c.steady();
        const rest = c.all.filter((n) => n !== holder);
        for (const n of c.all) {
          const a = await leaseAnnotations(server, n);
          assert.equal(CARRIER_DOWN in a, false, `${n}: all links up, no carrier-down`);
          assert.equal(REFUSED in a, false, `${n}: nothing refused`);
        }

        c.setPort(holder, false);
        const downMs = await until(
          `${holder}'s Lease names enp1s0 and refuses ${VIP}`,
          async () => {
            const a = await leaseAnnotations(server, holder);
            return a[CARRIER_DOWN] === 'enp1s0' && a[REFUSED] === `${VIP},no-carrier`;
          },
          // The refusal follows the carrier change by at most one forced-renewal gap (5 s).
          8_000,
          c.logs,
        );
        t.diagnostic(`carrier lost on ${holder}: in its Lease after ${downMs.toFixed(0)} ms`);
        for (const n of rest) {
          const a = await leaseAnnotations(server, n);
          assert.equal(CARRIER_DOWN in a, false, `${n} lists no interface`);
          assert.equal(REFUSED in a, false, `${n} refuses nothing`);
        }
        const holderLog = c.agents.get(holder)?.logs ?? [];
        assert.ok(
          holderLog.some((l) => l.level === 'warn' && l.interface === 'enp1s0'),
          'the agent logs the interface without carrier',
        );

        c.setPort(holder, true);
        const upAt = performance.now();
        await until(
          `${holder}'s Lease lists neither`,
          async () => {
            const a = await leaseAnnotations(server, holder);
            return !(CARRIER_DOWN in a) && !(REFUSED in a);
          },
          HOLD_SECONDS * 1000 + 8_000,
          c.logs,
        );
        const backMs = performance.now() - upAt;
        t.diagnostic(`carrier back on ${holder}: gone from its Lease after ${backMs.toFixed(0)} ms`);
        assert.ok(backMs >= HOLD_SECONDS * 1000 - 50, `not before the hold: ${backMs.toFixed(0)} ms`);
      });
    });
  });
});
