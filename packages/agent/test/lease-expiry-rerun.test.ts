// A peer's Lease that lapses sends no event, yet it changes the election: the reconciler runs again
// on its own just after the earliest live Lease expires, so a dead winner's local address is taken
// over at its Lease's expiry, not at some later renewal event.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { electWinner, type Lease, parseCidr, type Service } from '@purelb-ts/core';
import { seedNode } from '../../purelb-core/test/fixtures/seed-node.ts';
import { Reconciler } from '../src/lbnodeagent/reconciler.ts';
import type { ReconcileSummary } from '../src/lbnodeagent/summary.ts';
import { createLogger } from '../src/log.ts';
import { type ClusterState, emptyClusterState } from '../src/sources/source.ts';
import { seedGroups, service } from './support/manifests.ts';

const NODE = 'purelb2-1';
const VIP = '172.30.250.53';
const SUBNET = '172.30.250.0/24';

const lease = (node: string, renewedAt: number, seconds: number): Lease => ({
  metadata: {
    name: `purelb-node-${node}`,
    namespace: 'purelb',
    annotations: { 'purelb.io/subnets': SUBNET },
  },
  spec: {
    holderIdentity: node,
    leaseDurationSeconds: seconds,
    renewTime: `${new Date(renewedAt).toISOString().slice(0, 23)}000Z`,
  },
});

/** A peer name the election prefers to NODE for VIP, so NODE holds it only once the peer is gone. */
function winningPeer(): string {
  const subnet = parseCidr(SUBNET);
  if (typeof subnet === 'string') throw new Error(subnet);
  const member = (node: string) => ({ node, subnets: [subnet], expiresAt: Number.POSITIVE_INFINITY });
  for (let i = 0; i < 100; i++) {
    const peer = `peer-${i}`;
    if (electWinner(VIP, [member(NODE), member(peer)]).winner === peer) return peer;
  }
  throw new Error(`no peer-N among 100 names wins ${VIP} over ${NODE}`);
}

const holdsVip = (s: ReconcileSummary) => s.placements.some((p) => p.kind === 'local' && p.ip === VIP);

test('a peer Lease lapsing re-runs the reconcile without any event, and the address moves here', async () => {
  const peer = winningPeer();
  const now = Date.now();
  const config = seedGroups() as ClusterState['serviceGroups'];
  const state: ClusterState = {
    ...emptyClusterState(),
    serviceGroups: config.filter((o) => (o as { kind: string }).kind === 'ServiceGroup'),
    lbNodeAgents: config.filter((o) => (o as { kind: string }).kind === 'LBNodeAgent'),
    services: [service({ name: 'web', ip: VIP }) as Service],
    // Ours renewed now for 30 s; the peer's was renewed 9.7 s ago for 10 s: it lapses in ~300 ms.
    leases: [lease(NODE, now, 30), lease(peer, now - 9700, 10)],
  };
  const summaries: ReconcileSummary[] = [];
  let second: () => void = () => {};
  const reran = new Promise<void>((r) => (second = r));
  const reconciler = new Reconciler({
    node: NODE,
    source: { snapshot: () => state },
    readNetwork: async () => seedNode(),
    apply: async () => [],
    log: createLogger('error', () => {}),
    standalone: false,
    resyncMs: 0,
    onSummary: (s) => {
      summaries.push(s);
      if (summaries.length === 2) second();
    },
  });
  try {
    reconciler.markDirty('start');
    await reconciler.whenIdle();
    assert.equal(summaries.length, 1);
    assert.ok(!holdsVip(summaries[0] as ReconcileSummary), `${peer} wins while its Lease is live`);
    // Nothing marks the reconciler dirty from here on: only the expiry timer can bring a second run.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), 5000);
    });
    const outcome = await Promise.race([reran, late]);
    clearTimeout(timer);
    assert.notEqual(outcome, 'late', 'no second run within 5 s of the peer Lease lapsing');
    assert.ok(holdsVip(summaries[1] as ReconcileSummary), 'the lapsed peer is gone: this node holds the VIP');
  } finally {
    reconciler.stop();
  }
});
