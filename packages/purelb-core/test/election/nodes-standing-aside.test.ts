// Nodes the cluster takes out of load balancing stand aside from local elections: the
// exclude-from-external-load-balancers label, the out-of-service taint, NetworkUnavailable, and
// (LBNodeAgent avoidCordonedNodes, on by default) a cordoned node. They are no members.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LBNodeAgentConfig } from '../../src/config/types.ts';
import {
  LABEL_EXCLUDE_FROM_LB,
  liveMembers,
  nodesStandingAside,
  standsAside,
  TAINT_OUT_OF_SERVICE,
} from '../../src/election/index.ts';
import type { KubeNode, Lease } from '../../src/kube.ts';
import { agentLocal } from './helpers.ts';

const node = (name: string, extra: Partial<KubeNode> = {}): KubeNode => ({ metadata: { name }, ...extra });
const AVOID = { avoidCordoned: true };

test('each cause is named; a plain node, a Ready one and a NoSchedule-tainted one take part', () => {
  assert.equal(standsAside(node('a'), AVOID), undefined);
  assert.equal(
    standsAside(node('a', { metadata: { name: 'a', labels: { [LABEL_EXCLUDE_FROM_LB]: '' } } }), AVOID),
    `labelled ${LABEL_EXCLUDE_FROM_LB}`,
  );
  const tainted = node('a', { spec: { taints: [{ key: TAINT_OUT_OF_SERVICE, effect: 'NoExecute' }] } });
  assert.equal(standsAside(tainted, AVOID), `tainted ${TAINT_OUT_OF_SERVICE}`);
  const other = node('a', {
    spec: { taints: [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }] },
  });
  assert.equal(standsAside(other, AVOID), undefined);
  const noNet = node('a', { status: { conditions: [{ type: 'NetworkUnavailable', status: 'True' }] } });
  assert.match(standsAside(noNet, AVOID) ?? '', /NetworkUnavailable/);
  const net = node('a', { status: { conditions: [{ type: 'NetworkUnavailable', status: 'False' }] } });
  assert.equal(standsAside(net, AVOID), undefined);
  const cordoned = node('a', { spec: { unschedulable: true } });
  assert.match(standsAside(cordoned, AVOID) ?? '', /cordoned/);
  assert.equal(standsAside(cordoned, { avoidCordoned: false }), undefined, 'configurable');
});

test('malformed taints and conditions are read as absent, never thrown on', () => {
  const odd = {
    metadata: { name: 'a' },
    spec: { taints: 'x' },
    status: { conditions: [null] },
  } as unknown as KubeNode;
  assert.equal(standsAside(odd, AVOID), undefined);
});

test('a node standing aside is no member, and the reason is given', () => {
  const lease = (n: string): Lease => ({
    metadata: { name: `purelb-node-${n}`, annotations: { 'purelb.io/subnets': '10.0.0.0/24' } },
    spec: { holderIdentity: n, leaseDurationSeconds: 10, renewTime: '2026-12-07T00:00:00.000000Z' },
  });
  const now = Date.parse('2026-12-07T00:00:01Z');
  // No LBNodeAgent selects them: the default policy (cordoned nodes stand aside).
  const standAside = nodesStandingAside([node('a'), node('b', { spec: { unschedulable: true } })], []);
  const m = liveMembers([lease('a'), lease('b')], { now, standAside });
  assert.deepEqual(
    m.members.map((x) => x.node),
    ['a'],
  );
  assert.deepEqual(m.ignored, [
    { lease: 'purelb-node-b', reason: `node stands aside: ${standAside.get('b')}` },
  ]);
});

test('each node is judged by the LBNodeAgent that selects it', () => {
  const local = { ...agentLocal({}), avoidCordonedNodes: false };
  const electsCordoned = {
    name: 'lab',
    namespace: 'purelb',
    nodeSelector: { matchLabels: { pool: 'lab' } },
    local,
  } as LBNodeAgentConfig;
  const lab = node('lab-1', {
    metadata: { name: 'lab-1', labels: { pool: 'lab' } },
    spec: { unschedulable: true },
  });
  const prod = node('prod-1', { spec: { unschedulable: true } });
  assert.deepEqual([...nodesStandingAside([lab, prod], [electsCordoned]).keys()], ['prod-1']);
});
