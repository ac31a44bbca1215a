// Election metrics count transitions between successive reconciles: this node starting to win a local
// address (a win), a still-wanted address it stops winning (a loss), and a change of the known winner.
// A Service that goes away is forgotten, not counted as a loss.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Lease, Service } from '@purelb-ts/core';
import { seedNode } from '../../../purelb-core/test/fixtures/seed-node.ts';
import { AgentMetrics } from '../../src/lbnodeagent/metrics.ts';
import { Reconciler } from '../../src/lbnodeagent/reconciler.ts';
import { createLogger } from '../../src/log.ts';
import { type ClusterState, emptyClusterState } from '../../src/sources/source.ts';
import { seedGroups, service } from '../support/manifests.ts';

const T0 = Date.UTC(2026, 10, 26, 2, 35, 42);
const NODE = 'purelb2-1';

const lease = (node: string): Lease => ({
  metadata: {
    name: `purelb-node-${node}`,
    namespace: 'purelb',
    annotations: { 'purelb.io/subnets': '172.30.250.0/24' },
  },
  spec: { holderIdentity: node, leaseDurationSeconds: 10, renewTime: '2026-11-26T02:35:42.000000Z' },
});

function fixture() {
  const config = seedGroups() as ClusterState['serviceGroups'];
  let state: ClusterState = emptyClusterState();
  const metrics = new AgentMetrics();
  const reconciler = new Reconciler({
    node: NODE,
    source: { snapshot: () => state },
    readNetwork: async () => seedNode(),
    apply: async () => [],
    log: createLogger('error', () => {}),
    standalone: false,
    resyncMs: 0,
    now: () => T0 + 1000,
    onSummary: (s) => {
      metrics.record(s);
    },
  });
  /** One reconcile with these live Leases and (when `web`) the Service web at 172.30.250.53. */
  const run = async (members: string[], web = true) => {
    state = {
      ...emptyClusterState(),
      serviceGroups: config.filter((o) => (o as { kind: string }).kind === 'ServiceGroup'),
      lbNodeAgents: config.filter((o) => (o as { kind: string }).kind === 'LBNodeAgent'),
      services: web ? [service({ name: 'web', ip: '172.30.250.53' }) as Service] : [],
      leases: members.map(lease),
    };
    const s = await reconciler.reconcileOnce();
    assert.equal(s.failure, undefined);
    return s;
  };
  const counters = async () => {
    const value = async (name: string) =>
      (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value;
    return {
      wins: await value('purelb_lbnodeagent_election_wins_total'),
      losses: await value('purelb_lbnodeagent_election_losses_total'),
      changes: await value('purelb_election_winner_changes_total'),
    };
  };
  return { run, counters };
}

describe('election transition metrics', () => {
  it('counts wins, losses and winner changes across reconciles, not per run', async () => {
    const { run, counters } = fixture();

    const alone = await run([NODE]);
    assert.ok(
      alone.placements.some((p) => p.kind === 'local' && p.ip === '172.30.250.53'),
      'this node wins',
    );
    assert.deepEqual(alone.election, { wins: ['172.30.250.53'], losses: [], winnerChanges: [] });

    const again = await run([NODE]);
    assert.deepEqual(
      again.election,
      { wins: [], losses: [], winnerChanges: [] },
      'still winning is no new win',
    );

    // Our Lease is gone: node-b is the only member and takes the address.
    const lost = await run(['node-b']);
    assert.ok(lost.desired?.skips.some((s) => s.code === 'not-winner' && s.winner === 'node-b'));
    assert.deepEqual(lost.election, {
      wins: [],
      losses: ['172.30.250.53'],
      winnerChanges: ['172.30.250.53'],
    });
    assert.deepEqual(await counters(), { wins: 1, losses: 1, changes: 1 });

    await run(['node-b']);
    const back = await run([NODE]);
    assert.deepEqual(back.election, {
      wins: ['172.30.250.53'],
      losses: [],
      winnerChanges: ['172.30.250.53'],
    });
    assert.deepEqual(await counters(), { wins: 2, losses: 1, changes: 2 });
  });

  it('a deleted Service is forgotten: no loss, and its return is a first sighting', async () => {
    const { run, counters } = fixture();
    await run([NODE]);
    const gone = await run([NODE], false);
    assert.deepEqual(gone.election, { wins: [], losses: [], winnerChanges: [] });
    const elsewhere = await run(['node-b']);
    assert.deepEqual(elsewhere.election, { wins: [], losses: [], winnerChanges: [] });
    assert.deepEqual(await counters(), { wins: 1, losses: 0, changes: 0 });
  });
});
