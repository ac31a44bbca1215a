// The kernel is the dead-man switch for local addresses: a holder whose agent is frozen (SIGSTOP) or
// killed (SIGKILL) while its node stays up must not keep answering for its addresses after its peers
// take them over. Its addresses carry a valid lifetime shorter than the Lease, renewed only while the
// agent runs, so they go on their own within the Lease without the agent doing anything. Measured from
// the signal to the last of the node's addresses leaving its segment interface.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import type { RunningAgent } from '../support/agent-process.ts';
import { ALL, type Cluster, LEASE_SECONDS, overlapsDuring, withCluster } from '../support/pool-cluster.ts';

const skip = netnsUnavailableReason();
/** The kernel drops an expired address at its next lifetime check, on whole seconds. */
const LIMIT_MS = LEASE_SECONDS * 1000;

/** The node holding the most addresses, and those addresses. */
function busiest(c: Cluster): { node: string; held: string[] } {
  const [node] = [...ALL].sort((a, b) => c.vips.heldBy(b).length - c.vips.heldBy(a).length);
  return { node: node as string, held: c.vips.heldBy(node as string) };
}

/** Waits until node holds none of its addresses; the ms from `since` to when the last one went. */
async function untilNoneHeld(c: Cluster, node: string, since: number, limitMs: number): Promise<number> {
  while (c.vips.heldBy(node).length > 0) {
    if (performance.now() - since > limitMs) {
      throw new Error(
        `${node} still holds ${c.vips.heldBy(node).join(', ')} ${limitMs} ms after its agent stopped\n${c.logs()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return c.vips.lastChangeOf(node) - since;
}

describe('a frozen or killed holder lets its addresses go by itself', { skip }, () => {
  it('SIGSTOP: the frozen agent’s addresses expire within the Lease; back, it takes its share again', async (t) => {
    await withCluster(async (c) => {
      const { node, held } = busiest(c);
      const pid = (c.agents.get(node) as RunningAgent).child.pid as number;
      const others = ALL.filter((n) => n !== node);
      let goneMs = 0;
      const o = await overlapsDuring(c.vips, async () => {
        const at = performance.now();
        process.kill(pid, 'SIGSTOP');
        try {
          goneMs = await untilNoneHeld(c, node, at, LIMIT_MS + 2000);
          await c.vips.untilPlaced(others, 10_000, c.logs);
        } finally {
          process.kill(pid, 'SIGCONT');
        }
      });
      t.diagnostic(
        `${node} frozen with ${held.length} addresses: gone after ${goneMs.toFixed(0)} ms (lease ${LEASE_SECONDS} s); ${o.confirmed} confirmed overlaps while it was frozen`,
      );
      assert.ok(goneMs <= LIMIT_MS, `gone within the Lease: ${goneMs.toFixed(0)} ms`);
      const back = await c.vips.untilPlaced(ALL, 15_000, c.logs);
      t.diagnostic(`${node} resumed: its share back after ${back.toFixed(0)} ms`);
    });
  });

  it('SIGKILL: the dead agent’s addresses expire within the Lease; restarted, it takes its share again', async (t) => {
    await withCluster(async (c) => {
      const { node, held } = busiest(c);
      const others = ALL.filter((n) => n !== node);
      let goneMs = 0;
      const o = await overlapsDuring(c.vips, async () => {
        const at = performance.now();
        await (c.agents.get(node) as RunningAgent).stop('SIGKILL');
        goneMs = await untilNoneHeld(c, node, at, LIMIT_MS + 2000);
        await c.vips.untilPlaced(others, 10_000, c.logs);
      });
      t.diagnostic(
        `${node} killed with ${held.length} addresses: gone after ${goneMs.toFixed(0)} ms (lease ${LEASE_SECONDS} s); ${o.confirmed} confirmed overlaps`,
      );
      assert.ok(goneMs <= LIMIT_MS, `gone within the Lease: ${goneMs.toFixed(0)} ms`);
      c.start(node);
      const back = await c.vips.untilPlaced(ALL, 15_000, c.logs);
      t.diagnostic(`${node} restarted: its share back after ${back.toFixed(0)} ms`);
    });
  });
});
