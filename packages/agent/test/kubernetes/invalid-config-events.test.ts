// A ServiceGroup or LBNodeAgent that does not parse is ignored, logged, and reported with a Warning event
// ON THAT OBJECT naming the bad field (kubectl describe servicegroup shows it), once while it stays
// wrong; the valid ones keep working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomResource, NodeNetwork } from '@purelb-ts/core';
import { accessFor, withFakeApiServer } from '../../../../test/support/kube.ts';
import { KubeRest } from '../../src/kubernetes/rest.ts';
import { Writeback } from '../../src/kubernetes/writeback.ts';
import { Reconciler } from '../../src/lbnodeagent/reconciler.ts';
import type { InvalidObject } from '../../src/lbnodeagent/summary.ts';
import { emptyClusterState } from '../../src/sources/source.ts';
import { lbNodeAgent, memoryLogger, NODE, NS, serviceGroup } from './fixtures.ts';

const EMPTY: NodeNetwork = { links: [], addresses: [], routes: [] };

const badGroup = (): CustomResource => {
  const g = serviceGroup('broken') as CustomResource & { metadata: { uid?: string } };
  g.metadata.uid = 'uid-broken';
  (g.spec as { local: { v4pools: { aggregation: string }[] } }).local.v4pools[0]!.aggregation = '24';
  return g;
};

const badAgent = (): CustomResource => {
  const a = lbNodeAgent('odd') as CustomResource;
  (a.spec as { local: { localInterface: string } }).local.localInterface = '(unclosed';
  return a;
};

async function invalidObjects(groups: CustomResource[], agents: CustomResource[]): Promise<InvalidObject[]> {
  const { logger, lines } = memoryLogger();
  const reconciler = new Reconciler({
    node: NODE,
    source: {
      snapshot: () => ({ ...emptyClusterState(), serviceGroups: groups, lbNodeAgents: agents }),
    },
    readNetwork: async () => EMPTY,
    apply: async () => [],
    log: logger,
    standalone: true,
    resyncMs: 0,
  });
  const summary = await reconciler.reconcileOnce();
  for (const o of summary.invalidObjects) {
    assert.ok(
      lines.some((l) => l.level === 'error' && l.kind === o.kind && l.field === o.field),
      `${o.kind} ${o.name} logged with its field`,
    );
  }
  return summary.invalidObjects;
}

test('the reconciler names each invalid object and its first bad field; valid ones are not listed', async () => {
  const invalid = await invalidObjects([badGroup(), serviceGroup('fine') as CustomResource], [badAgent()]);
  assert.deepEqual(
    invalid.map((o) => [o.kind, o.namespace, o.name, o.field]),
    [
      ['ServiceGroup', NS, 'broken', 'spec.local.v4pools[0].aggregation'],
      ['LBNodeAgent', NS, 'odd', 'spec.local.localInterface'],
    ],
  );
  assert.equal(invalid[0]?.uid, 'uid-broken');
  assert.match(invalid[0]?.reason ?? '', /aggregation/);
});

test('one ParseFailed event per invalid object, on that object, while it stays invalid; its return is counted', () =>
  withFakeApiServer(
    async (server) => {
      const invalid = await invalidObjects([badGroup()], [badAgent()]);
      let now = Date.parse('2026-12-07T01:00:00Z');
      const wb = new Writeback(new KubeRest(accessFor(server)), {
        node: NODE,
        logger: memoryLogger().logger,
        now: () => now,
      });
      const events = () =>
        server.store.list(server.resource('events.k8s.io/v1', 'Event'), NS) as unknown as {
          type: string;
          reason: string;
          note: string;
          regarding: { apiVersion: string; kind: string; name: string; uid?: string };
          series?: { count: number };
        }[];
      await wb.apply({ services: [], desired: desiredNothing(), invalidConfig: invalid });
      await wb.apply({ services: [], desired: desiredNothing(), invalidConfig: invalid });
      const posted = events();
      assert.deepEqual(
        posted
          .map((e) => [e.type, e.reason, e.regarding.apiVersion, e.regarding.kind, e.regarding.name])
          .sort(),
        [
          ['Warning', 'ParseFailed', 'purelb.io/v2', 'LBNodeAgent', 'odd'],
          ['Warning', 'ParseFailed', 'purelb.io/v2', 'ServiceGroup', 'broken'],
        ],
      );
      const sg = posted.find((e) => e.regarding.kind === 'ServiceGroup');
      assert.equal(sg?.regarding.uid, 'uid-broken');
      assert.match(sg?.note ?? '', /spec\.local\.v4pools\[0\]\.aggregation/);

      // Fixed, then broken again: counted on the same Event (once the update interval has passed).
      await wb.apply({ services: [], desired: desiredNothing(), invalidConfig: [] });
      await wb.apply({ services: [], desired: desiredNothing(), invalidConfig: invalid.slice(0, 1) });
      now += 61_000;
      await wb.apply({ services: [], desired: desiredNothing(), invalidConfig: invalid.slice(0, 1) });
      assert.equal(events().length, 2);
      const counted = events().find((e) => e.regarding.name === invalid[0]?.name);
      assert.equal(counted?.series?.count, 2);
      wb.stop();
    },
    { namespaces: ['default', NS] },
  ));

function desiredNothing() {
  return {
    node: NODE,
    placements: [],
    skips: [],
    elections: {},
    dummyInterface: 'kube-lb0',
    agent: undefined,
  };
}
