// Configuration accepted in silence before: overlapping groups, one address on two Services that do
// not share it, an interface name this node does not have. Each is a warning naming the objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configWarnings } from '../../src/diagnosis/config-warnings.ts';
import { group, seedGroups, service } from '../desired/builders.ts';
import { agentLocal } from '../election/helpers.ts';
import { seedNode } from '../fixtures/seed-node.ts';

describe('configWarnings', () => {
  it('nothing to say about the seed configuration', () => {
    assert.deepEqual(
      configWarnings({
        groups: seedGroups(),
        services: [service('web', { ips: ['172.30.250.53'] })],
        network: seedNode(),
      }),
      [],
    );
  });

  it('two groups whose pools overlap: named both, and which one the node announces them as', () => {
    const groups = [
      group('a', 'remote', { v4pool: { pool: '172.31.1.0/24', subnet: '172.31.1.0/24' } }),
      group('b', 'remote', { v4pool: { pool: '172.31.1.128/25', subnet: '172.31.1.0/24' } }),
    ];
    const [w] = configWarnings({ groups, services: [], network: seedNode() });
    assert.equal(w?.code, 'overlapping-groups');
    assert.match(
      w!.message,
      /ServiceGroup purelb\/b pool 172\.31\.1\.128\/25 .*overlaps ServiceGroup purelb\/a/,
    );
    assert.match(w!.message, /announce addresses in both as ServiceGroup purelb\/a's/);
  });

  it('one address in two Services that do not share it; sharing ones are fine', () => {
    const shared = (name: string, key: string) =>
      service(name, {
        ips: ['172.31.1.5'],
        annotations: { 'purelb.io/allocated-by': 'PureLB', 'purelb.io/allow-shared-ip': key },
      });
    assert.deepEqual(
      configWarnings({
        groups: seedGroups(),
        services: [shared('x', 'k'), shared('y', 'k')],
        network: seedNode(),
      }),
      [],
    );
    const [w] = configWarnings({
      groups: seedGroups(),
      services: [service('y', { ips: ['172.31.1.5'] }), shared('x', 'k')],
      network: seedNode(),
    });
    assert.deepEqual(
      [w?.code, w?.ip, w?.service],
      ['shared-ip-without-sharing', '172.31.1.5', 'default/x,default/y'],
    );
  });

  it("a Service of another class carrying the brand is not PureLB's: no collision with one of ours", () => {
    const foreign = service('z', { ips: ['172.31.1.5'] });
    foreign.spec = { ...foreign.spec, loadBalancerClass: 'example.com/other' };
    const services = [service('y', { ips: ['172.31.1.5'] }), foreign];
    assert.deepEqual(configWarnings({ groups: seedGroups(), services, network: seedNode() }), []);
  });

  it('interfaces: [eth9] naming no interface of this node', () => {
    const [w] = configWarnings({
      groups: [],
      services: [],
      agent: { name: 'purelb/default', local: agentLocal({ interfaces: ['enp1s0', 'eth9'] }) },
      network: seedNode(),
    });
    assert.deepEqual([w?.code, w?.link], ['unknown-interface', 'eth9']);
    assert.match(w!.message, /spec\.local\.interfaces\[1\] names eth9, which this node does not have/);
  });
});

describe('configWarnings: objects of kinds the agent does not read', () => {
  it('a misspelt kind says which kind was meant; another kind is named as ignored', () => {
    const [typo, other] = configWarnings({
      groups: [],
      services: [],
      network: seedNode(),
      ignored: [
        { kind: 'Sevrice', name: 'default/web', where: 'm.yaml:12 (document 3)' },
        { kind: 'ConfigMap', name: 'default/x', where: 'm.yaml:30 (document 4)' },
      ],
    });
    assert.equal(typo?.code, 'unknown-kind');
    assert.match(
      typo!.message,
      /^m\.yaml:12 \(document 3\): a Sevrice default\/web is ignored: .*\(did you mean Service\?\)$/,
    );
    assert.equal(typo!.fix, 'write kind: Service');
    assert.doesNotMatch(other!.message, /did you mean/);
  });
});
