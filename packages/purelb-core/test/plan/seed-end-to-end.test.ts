// The whole node-side chain on the seed node: desiredState (real election and placement) → plan →
// kernel model → diagnosis, as the agent will run it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredState } from '../../src/desired/desired-state.ts';
import { diagnose } from '../../src/diagnosis/diagnose.ts';
import { summarise } from '../../src/diagnosis/summarise.ts';
import type { PlanOp } from '../../src/plan/plan-ops.ts';
import { planReconcile } from '../../src/plan/planner.ts';
import { applyPlanToModel } from '../../src/plan/simulate.ts';
import { service } from '../desired/builders.ts';
import { seedInput } from '../desired/support.ts';
import { seedNode, withSecondDefault } from '../fixtures/seed-node.ts';
import { OURS } from './build.ts';

const seedServices = () => [
  service('local-web', { ips: ['172.30.250.55'] }),
  service('remote-a', { ips: ['172.31.1.5'] }),
  service('remote-b', { ips: ['172.31.2.128'] }),
];

const brief = (op: PlanOp): string =>
  op.op === 'delete-address'
    ? `delete ${op.ip}/${op.prefixLength} dev ${op.link}`
    : op.op === 'add-address' || op.op === 'replace-address'
      ? `${op.op === 'add-address' ? 'add' : `replace(${op.why})`} ${op.placement.ip}/${op.placement.prefixLength} dev ${op.placement.link}`
      : `${op.op} ${op.name}`;

describe('seed node end to end', () => {
  it('plans the local address onto enp1s0, keeps the wanted kube-lb0 addresses, withdraws the rest, then settles', () => {
    const want = desiredState(seedInput({ services: seedServices() }));
    const plan = planReconcile(want, seedNode(), OURS);
    assert.deepEqual(plan.map(brief), [
      'add 172.30.250.55/24 dev enp1s0',
      'delete 172.31.0.9/24 dev kube-lb0',
      'delete 172.31.1.2/32 dev kube-lb0',
      'delete 172.31.1.7/32 dev kube-lb0',
      'delete 172.31.1.9/32 dev kube-lb0',
      'delete 172.31.1.225/32 dev kube-lb0',
    ]);
    const add = plan[0];
    assert.ok(add?.op === 'add-address');
    assert.deepEqual(add.tag, { protocol: OURS.protocol, label: 'enp1s0:plb' });
    const after = applyPlanToModel(seedNode(), plan);
    assert.deepEqual(planReconcile(want, after, OURS), []);
    // The untagged .53 and .54 of the page's PureLB stay: not provably ours.
    assert.ok(after.addresses.some((a) => a.address === '172.30.250.53'));
    assert.ok(after.addresses.some((a) => a.address === '172.30.250.54'));
    assert.deepEqual(
      summarise(diagnose({ desired: want, network: after, ownership: OURS })).verdict,
      'healthy',
    );
  });

  it('with a second equal default route: the local address goes to kube-lb0 and the diagnosis names both routes', () => {
    const net = withSecondDefault(seedNode());
    const want = desiredState(seedInput({ services: seedServices(), network: net }));
    const plan = planReconcile(want, net, OURS);
    assert.ok(plan.map(brief).includes('add 172.30.250.55/24 dev kube-lb0'));
    const findings = diagnose({ desired: want, network: applyPlanToModel(net, plan), ownership: OURS });
    assert.deepEqual(
      findings.map((f) => f.code),
      ['ambiguous-default-route'],
    );
    assert.match(
      findings[0]!.message,
      /default via 172\.30\.250\.1 dev enp1s0 metric 100; default via 192\.168\.122\.1 dev enp2s0 metric 100/,
    );
    assert.equal(summarise(findings).exitCode, 1);
  });
});
