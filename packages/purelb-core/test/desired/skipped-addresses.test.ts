// Services and addresses this node does not place, and how each is reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredState } from '../../src/desired/desired-state.ts';
import { agent, group, service } from './builders.ts';
import { NODE, seedInput } from './support.ts';

describe('desiredState: what is not placed', () => {
  const notAnnounceable: [string, ReturnType<typeof service>][] = [
    ['no brand (no annotations at all)', service('a', { ips: ['172.31.1.5'], annotations: undefined })],
    ['another brand', service('a', { ips: ['172.31.1.5'], annotations: { 'purelb.io/allocated-by': 'x' } })],
    ['wrong type', service('a', { ips: ['172.31.1.5'], type: 'ClusterIP' })],
    ['empty ingress', service('a', { ips: [] })],
    ['being deleted', service('a', { ips: ['172.31.1.5'], deleting: true })],
  ];
  for (const [name, svc] of notAnnounceable) {
    it(`a Service that is not announceable (${name}) yields nothing at all`, () => {
      const state = desiredState(seedInput({ services: [svc] }));
      assert.deepEqual([state.placements, state.skips], [[], []]);
    });
  }

  it('an address in no pool is an error, and the Service’s other addresses are still placed', () => {
    const state = desiredState(
      seedInput({ services: [service('a', { ips: ['10.20.30.40', '172.31.1.5'] })] }),
    );
    assert.deepEqual(
      state.placements.map((p) => p.ip),
      ['172.31.1.5'],
    );
    assert.deepEqual(
      state.skips.map((s) => [s.service, s.ip, s.code, s.error]),
      [['default/a', '10.20.30.40', 'no-group', true]],
    );
    assert.match(state.skips[0]!.reason, /10\.20\.30\.40 lies in no pool/);
  });

  it('a malformed ingress IP is an error naming the field, and does not stop the others', () => {
    const state = desiredState(
      seedInput({ services: [service('a', { ips: ['172.31.1.500', '172.31.1.5'] })] }),
    );
    assert.deepEqual(
      state.placements.map((p) => p.ip),
      ['172.31.1.5'],
    );
    assert.deepEqual(
      state.skips.map((s) => [s.ip, s.code, s.error]),
      [['172.31.1.500', 'invalid-config', true]],
    );
    assert.match(state.skips[0]!.reason, /status\.loadBalancer\.ingress\[0\]\.ip/);
  });

  it('no LBNodeAgent selects this node: every address skipped as not-selected, not an error', () => {
    const only = agent('gpu', { nodeSelector: { matchLabels: { gpu: 'true' } }, local: {} });
    const state = desiredState(
      seedInput({ agents: [only], services: [service('a', { ips: ['172.31.1.5', '172.30.250.53'] })] }),
    );
    assert.deepEqual(state.placements, []);
    assert.deepEqual(
      state.skips.map((s) => [s.ip, s.code, s.error]),
      [
        ['172.31.1.5', 'not-selected', false],
        ['172.30.250.53', 'not-selected', false],
      ],
    );
    assert.match(state.skips[0]!.reason, new RegExp(`no LBNodeAgent selects node ${NODE}`));
    assert.deepEqual([state.agent, state.dummyInterface, state.elections], [undefined, 'kube-lb0', {}]);
  });

  it('an agent without a local section does not count as selecting the node', () => {
    const state = desiredState(
      seedInput({ agents: [agent('empty', {})], services: [service('a', { ips: ['172.31.1.5'] })] }),
    );
    assert.deepEqual(
      state.skips.map((s) => s.code),
      ['not-selected'],
    );
  });

  it('a local-pool address outside every subnet of the node goes on the dummy as /32, without an error', () => {
    const groups = [group('far', 'local', { v4pool: { pool: '10.9.0.0/24', subnet: '10.9.0.0/24' } })];
    const state = desiredState(seedInput({ groups, services: [service('a', { ips: ['10.9.0.7'] })] }));
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.kind, p.link, p.prefixLength, p.broadcast]),
      [['10.9.0.7', 'virtual', 'kube-lb0', 32, undefined]],
    );
    assert.match(state.placements[0]!.reason, /lies in no subnet of this node's local interface\(s\) enp1s0/);
    assert.deepEqual(state.skips, []);
  });

  it('a localInterface regex matching no interface: the dummy, and a no-local-interface error', () => {
    const agents = [agent('bond', { local: { localInterface: '^bond', interfaces: ['eth9'] } })];
    const state = desiredState(seedInput({ agents, services: [service('a', { ips: ['172.30.250.53'] })] }));
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link]),
      [['172.30.250.53', 'kube-lb0']],
    );
    assert.deepEqual(
      state.skips.map((s) => [s.code, s.error]),
      [['no-local-interface', true]],
    );
    assert.match(
      state.skips[0]!.reason,
      /no interface matches localInterface \/\^bond\/ and none of interfaces \[eth9\] exists/,
    );
  });

  it('a localInterface regex choosing enp1s0 places the address there', () => {
    const agents = [agent('enp', { local: { localInterface: 'enp' } })];
    const state = desiredState(seedInput({ agents, services: [service('a', { ips: ['172.30.250.53'] })] }));
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link, p.prefixLength]),
      [['172.30.250.53', 'enp1s0', 24]],
    );
  });
});
