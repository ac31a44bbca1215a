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
import { seedNode, untagged, withSecondDefault } from '../fixtures/seed-node.ts';
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
      'delete 172.30.250.53/24 dev enp1s0',
      'delete 172.30.250.54/24 dev enp1s0',
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
    assert.deepEqual(
      summarise(diagnose({ desired: want, network: after, ownership: OURS })).verdict,
      'healthy',
    );
  });

  it('as an older PureLB left the node: its untagged addresses stay, and those a Service wants are reported as in use', () => {
    const net = untagged(seedNode());
    const want = desiredState(
      seedInput({ services: [...seedServices(), service('web', { ips: ['172.30.250.53'] })], network: net }),
    );
    const plan = planReconcile(want, net, OURS);
    assert.deepEqual(
      plan.map(brief).filter((b) => b.startsWith('delete')),
      [],
    );
    const refused = want.skips
      .filter((s) => s.code === 'address-in-use')
      .map((s) => s.ip)
      .sort();
    assert.deepEqual(refused, ['172.30.250.53', '172.31.1.5', '172.31.2.128']);
    const codes = diagnose({ desired: want, network: applyPlanToModel(net, plan), ownership: OURS }).map(
      (f) => f.code,
    );
    assert.deepEqual(codes.filter((c) => c === 'address-in-use').length, 3);
  });

  it('with a second equal default route: the local address goes to kube-lb0 and the diagnosis names both routes', () => {
    const net = withSecondDefault(seedNode());
    const want = desiredState(seedInput({ services: seedServices(), network: net }));
    const plan = planReconcile(want, net, OURS);
    assert.ok(plan.map(brief).includes('add 172.30.250.55/32 dev kube-lb0'));
    const findings = diagnose({ desired: want, network: applyPlanToModel(net, plan), ownership: OURS });
    assert.deepEqual(
      findings.map((f) => f.code),
      ['ambiguous-default-route'],
    );
    assert.match(
      findings[0]!.message,
      /default via 172\.30\.250\.1 dev enp1s0 proto dhcp src 172\.30\.250\.104 metric 100; default via 192\.168\.122\.1 dev enp2s0 proto dhcp metric 100/,
    );
    assert.equal(summarise(findings).exitCode, 1);
  });
});
