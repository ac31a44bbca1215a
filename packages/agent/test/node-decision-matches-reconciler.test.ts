// node-decision.ts is the snapshot → desired state step both the reconciler and `purelb diagnose` use.
// This pins the reconciler's wiring of it: for the same snapshot and network both decide the same,
// standalone (this node the only member) and Kubernetes (Lease membership at the reconciler's clock, the
// Node's labels), and both report the same invalid configuration.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CustomResource,
  invalidConfigText,
  type Lease,
  type NodeNetwork,
  PURELB_ADDRESS_PROTOCOL,
} from '@purelb-ts/core';
import { seedNode } from '../../purelb-core/test/fixtures/seed-node.ts';
import { Reconciler } from '../src/lbnodeagent/reconciler.ts';
import { createLogger } from '../src/log.ts';
import { decideNode } from '../src/node-decision.ts';
import type { ClusterState } from '../src/sources/source.ts';
import { group, seedGroups, service } from './support/manifests.ts';

const NOW = Date.parse('2026-11-26T03:00:00Z');
const NODES = Array.from({ length: 8 }, (_, i) => `purelb2-${i + 1}`);

const lease = (node: string): Lease =>
  ({
    metadata: {
      name: `purelb-node-${node}`,
      namespace: 'purelb',
      annotations: { 'purelb.io/subnets': '172.30.250.0/24' },
    },
    spec: { holderIdentity: node, leaseDurationSeconds: 10, renewTime: '2026-11-26T02:59:55.000000Z' },
  }) as Lease;

function state(extra: Partial<ClusterState> = {}): ClusterState {
  const [agent, ...groups] = seedGroups() as CustomResource[];
  const broken = group('broken', 'remote', 'not-a-range', '172.31.0.0/16', '/32') as CustomResource;
  return {
    services: ['172.30.250.53', '172.30.250.54', '172.30.250.55', '172.31.1.5'].map(
      (ip, i) => service({ name: `svc${i}`, ip }) as ClusterState['services'][number],
    ),
    endpointSlices: [],
    serviceGroups: [...groups, broken],
    lbNodeAgents: [agent!],
    leases: [],
    node: undefined,
    nodes: [],
    ...extra,
  };
}

async function reconcilerDesired(s: ClusterState, network: NodeNetwork, standalone: boolean) {
  const rec = new Reconciler({
    node: 'purelb2-1',
    source: { snapshot: () => s },
    readNetwork: async () => network,
    apply: async () => [],
    log: createLogger('error', () => {}),
    standalone,
    resyncMs: 0,
    now: () => NOW,
  });
  // Standalone membership uses the subnets of the run before (as the CLI's start-up does).
  await rec.computeSubnets();
  const summary = await rec.reconcileOnce();
  assert.equal(summary.failure, undefined);
  return summary;
}

describe('decideNode decides as the reconciler does', () => {
  it('standalone: the same desired state, and the same invalid ServiceGroup', async () => {
    const s = state();
    const network = seedNode();
    const summary = await reconcilerDesired(s, network, true);
    const decided = decideNode({
      node: 'purelb2-1',
      state: s,
      network,
      membership: { standalone: true },
      ownership: { protocol: PURELB_ADDRESS_PROTOCOL },
    });
    const config = decided.config;
    assert.deepEqual(decided.desired, summary.desired);
    assert.ok(
      decided.desired.placements.some((p) => p.kind === 'local'),
      'the scenario has a local winner',
    );
    assert.deepEqual(config.invalid.map(invalidConfigText), summary.invalidConfig);
    assert.equal(config.invalid[0]?.object.metadata.name, 'broken');
  });

  it('Kubernetes: Lease membership at the same instant and the Node labels give the same desired state', async () => {
    const s = state({
      leases: NODES.map(lease),
      node: { metadata: { name: 'purelb2-1', labels: { 'kubernetes.io/hostname': 'purelb2-1' } } },
    });
    const network = seedNode();
    const summary = await reconcilerDesired(s, network, false);
    const decided = decideNode({
      node: 'purelb2-1',
      state: s,
      network,
      membership: { standalone: false, now: NOW },
      ownership: { protocol: PURELB_ADDRESS_PROTOCOL },
    });
    assert.deepEqual(decided.desired, summary.desired);
    assert.deepEqual(
      decided.members.map((m) => m.node),
      NODES,
    );
    assert.ok(
      decided.desired.skips.some((sk) => sk.code === 'not-winner'),
      'the scenario has addresses other nodes win',
    );
  });
});
