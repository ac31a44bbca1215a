// effectiveConfig: each ServiceGroup and LBNodeAgent judged on its own; an invalid edit keeps the last
// valid version in force; with none seen, what the object governs is frozen; an LBNodeAgent that names
// an interface PureLB did not create as its virtual one is invalid on that node.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveConfig } from '../../src/config/effective-config.ts';
import type { CustomResource } from '../../src/kube.ts';
import { link, seedNode } from '../fixtures/seed-node.ts';

const LABELS = { 'kubernetes.io/hostname': 'purelb2-1' };

const sg = (name: string, pool: string, rv: string, uid = `uid-${name}`): CustomResource => ({
  apiVersion: 'purelb.io/v2',
  kind: 'ServiceGroup',
  metadata: { name, namespace: 'purelb', uid, resourceVersion: rv },
  spec: { remote: { v4pool: { pool, subnet: '172.31.0.0/16', aggregation: '/32' } } },
});
const lbna = (local: Record<string, unknown>, rv: string, selector?: unknown): CustomResource => ({
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name: 'default', namespace: 'purelb', uid: 'uid-agent', resourceVersion: rv },
  spec: { local, ...(selector === undefined ? {} : { nodeSelector: selector }) },
});

describe('effectiveConfig', () => {
  it('a ServiceGroup edited into a reversed range keeps its last valid version in force, reported', () => {
    const first = effectiveConfig({
      serviceGroups: [sg('remote', '172.31.1.0/24', '1')],
      lbNodeAgents: [],
      nodeLabels: LABELS,
    });
    assert.deepEqual(first.invalid, []);
    const edited = sg('remote', '172.31.1.9-172.31.1.1', '2');
    const next = effectiveConfig({
      serviceGroups: [edited],
      lbNodeAgents: [],
      nodeLabels: LABELS,
      memory: first.memory,
    });
    assert.deepEqual(
      next.groups.map((g) => g.pools.map((p) => p.pool)),
      [['172.31.1.0/24']],
    );
    assert.equal(next.invalid.length, 1);
    const [bad] = next.invalid;
    assert.deepEqual(
      [bad?.kind, bad?.name, bad?.inForce],
      ['ServiceGroup', 'purelb/remote', { kind: 'last-valid', resourceVersion: '1' }],
    );
    assert.match(bad!.reason, /spec\.remote\.v4pool\.pool/);
    assert.deepEqual(next.frozen, {});
    // Fixed: the new version is used and nothing is reported.
    const fixed = effectiveConfig({
      serviceGroups: [sg('remote', '172.31.2.0/24', '3')],
      lbNodeAgents: [],
      nodeLabels: LABELS,
      memory: next.memory,
    });
    assert.deepEqual(fixed.invalid, []);
    assert.equal(fixed.groups[0]!.pools[0]!.pool, '172.31.2.0/24');
  });

  it('invalid at start (no valid version seen): the group is frozen with what of its pools reads', () => {
    const r = effectiveConfig({
      serviceGroups: [
        {
          ...sg('broken', '172.31.1.0/24', '1'),
          spec: {
            remote: { v4pools: [{ pool: '172.31.1.0/24', subnet: '172.31.0.0/16', aggregation: '24' }] },
          },
        },
      ],
      lbNodeAgents: [],
      nodeLabels: LABELS,
    });
    assert.deepEqual(r.groups, []);
    assert.deepEqual(r.invalid[0]?.inForce, { kind: 'frozen' });
    assert.equal(r.frozen.groups?.[0]?.name, 'broken');
    assert.deepEqual(r.frozen.groups?.[0]?.ranges, [{ family: 4, first: 0xac1f0100n, last: 0xac1f01ffn }]);
  });

  it('a deleted and re-created object does not bring back the old valid version', () => {
    const first = effectiveConfig({
      serviceGroups: [sg('remote', '172.31.1.0/24', '1')],
      lbNodeAgents: [],
      nodeLabels: LABELS,
    });
    const recreated = sg('remote', 'nonsense', '9', 'uid-new');
    const r = effectiveConfig({
      serviceGroups: [recreated],
      lbNodeAgents: [],
      nodeLabels: LABELS,
      memory: first.memory,
    });
    assert.deepEqual(r.groups, []);
    assert.deepEqual(r.invalid[0]?.inForce, { kind: 'frozen' });
  });

  it('an LBNodeAgent with a regex typo keeps its last valid version; invalid at start it freezes the node', () => {
    const good = effectiveConfig({
      serviceGroups: [],
      lbNodeAgents: [lbna({ localInterface: 'enp' }, '1')],
      nodeLabels: LABELS,
    });
    const typo = lbna({ localInterface: '([' }, '2');
    const kept = effectiveConfig({
      serviceGroups: [],
      lbNodeAgents: [typo],
      nodeLabels: LABELS,
      memory: good.memory,
    });
    assert.equal(kept.agents.length, 1);
    assert.deepEqual(kept.frozen, {});
    assert.match(kept.invalid[0]!.reason, /spec\.local\.localInterface: invalid regular expression/);
    const cold = effectiveConfig({ serviceGroups: [], lbNodeAgents: [typo], nodeLabels: LABELS });
    assert.deepEqual(cold.agents, []);
    assert.match(cold.frozen.node ?? '', /LBNodeAgent purelb\/default is invalid/);
  });

  it('an invalid LBNodeAgent whose selector does not select this node does not freeze it', () => {
    const other = lbna({ localInterface: '([' }, '1', {
      matchLabels: { 'kubernetes.io/hostname': 'purelb2-9' },
    });
    const r = effectiveConfig({ serviceGroups: [], lbNodeAgents: [other], nodeLabels: LABELS });
    assert.deepEqual(r.frozen, {});
    assert.equal(r.invalid.length, 1);
  });

  it('dummyInterface naming a veth, a bridge or lo of this node is refused on it; a dummy or an absent name is fine', () => {
    const net = seedNode();
    net.links.push(link({ index: 60, name: 'veth7', kind: 'veth' }));
    const judge = (dummyInterface: string) =>
      effectiveConfig({
        serviceGroups: [],
        lbNodeAgents: [lbna({ dummyInterface }, '1')],
        nodeLabels: LABELS,
        network: net,
      });
    for (const name of ['enp1s0', 'veth7', 'docker0']) {
      const r = judge(name);
      assert.deepEqual(r.agents, [], name);
      assert.equal(r.invalid[0]?.errors[0]?.path, 'spec.local.dummyInterface', name);
      assert.match(
        r.invalid[0]!.reason,
        new RegExp(`${name} exists and is a .* interface PureLB did not create`),
      );
      assert.ok(r.frozen.node, `${name}: with no valid version the node is left as it is`);
    }
    assert.equal(judge('kube-lb0').invalid.length, 0, 'the seed kube-lb0 is a dummy');
    assert.equal(judge('purelb9').invalid.length, 0, 'absent: PureLB creates it');
  });
});
