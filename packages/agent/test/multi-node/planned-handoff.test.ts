// One holder at a time where both the old and the new holder are alive: when a node rejoins (its agent
// restarts, and the holders hear of it a little late) or regains its subnet, the addresses it wins back move from the node that held them
// meanwhile. The old holder must let go before the new one takes, so no two namespaces ever hold an
// address at once. Eleven local addresses on the three-node segment, each followed by a netlink
// monitor per node; an overlap counts when a second netlink read confirms both still hold it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ip, netnsUnavailableReason } from '../../../../test/support/netns.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import { leaseRenewals } from '../support/election-cluster.ts';
import { ALL, overlapsDuring, withCluster } from '../support/pool-cluster.ts';

const skip = netnsUnavailableReason();
// A link back up is trusted after --carrier-hold (10 s by default, dead-link-fails-over.test.ts pins
// it); here the link flaps are the way to move addresses, so the agents trust carrier after 1 s.
process.env.CARRIER_HOLD_SECONDS ??= '1';

describe('planned moves between live nodes', { skip }, () => {
  it('agent restarts: the node rejoining takes its addresses back only once the holder let go', async (t) => {
    await withCluster(async (c) => {
      const o = await overlapsDuring(c.vips, async () => {
        for (const node of ALL) {
          const others = ALL.filter((n) => n !== node);
          assert.equal(await (c.agents.get(node) as RunningAgent).stop('SIGTERM'), 0, c.logs());
          await c.vips.untilPlaced(others, 10_000, c.logs);
          // The holders hear of the rejoining node a little late (their Lease watches lag 500 ms),
          // while it starts from a fresh list: it must not take before they let go.
          for (const o of others) c.server.faults.watchDelayMs.set(`leases ${o}`, 500);
          c.start(node);
          const ms = await c.vips.untilPlaced(ALL, 15_000, c.logs);
          c.server.faults.watchDelayMs.clear();
          t.diagnostic(`${node} rejoined; its addresses back after ${ms.toFixed(0)} ms`);
        }
      });
      t.diagnostic(
        `restarts: ${o.seen} overlaps seen, ${o.confirmed} confirmed (longest ${o.maxConfirmedMs.toFixed(0)} ms)`,
      );
      assert.equal(o.confirmed, 0, `confirmed overlaps across restarts\n${c.logs()}`);
    });
  });

  it('subnet flaps: the node regaining its subnet takes its addresses back only once the holder let go', async (t) => {
    await withCluster(async (c) => {
      const o = await overlapsDuring(c.vips, async () => {
        for (const [i, node] of ALL.entries()) {
          const others = ALL.filter((n) => n !== node);
          // Its segment link down: the node loses its subnet and default route (its addresses go to its
          // dummy, where nobody on the segment sees them); back up with the route, it regains them.
          ip(c.ns(node), 'link', 'set', 'enp1s0', 'down');
          await c.vips.untilPlaced(others, 10_000, c.logs);
          // As for restarts, the holders hear of its renewed Lease (its subnet back) 500 ms late.
          for (const o of others) c.server.faults.watchDelayMs.set(`leases ${o}`, 500);
          ip(c.ns(node), 'link', 'set', 'enp1s0', 'up');
          ip(c.ns(node), 'route', 'replace', 'default', 'via', '172.30.250.1', 'dev', 'enp1s0');
          const ms = await c.vips.untilPlaced(ALL, 10_000, c.logs);
          c.server.faults.watchDelayMs.clear();
          t.diagnostic(`flap ${i + 1} (${node}): its addresses back after ${ms.toFixed(0)} ms`);
        }
      });
      t.diagnostic(
        `flaps: ${o.seen} overlaps seen, ${o.confirmed} confirmed (longest ${o.maxConfirmedMs.toFixed(0)} ms)`,
      );
      assert.equal(o.confirmed, 0, `confirmed overlaps across subnet flaps\n${c.logs()}`);
      assert.ok((await leaseRenewals(c.server)).size === 3, 'every node still a member');
    });
  });
});
