// externalTrafficPolicy Local narrows who announces; the Service spec is never rewritten.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredState } from '../../src/desired/desired-state.ts';
import { rankNodes } from '../../src/election/index.ts';
import { service, slice } from './builders.ts';
import { member, NODE, seedInput } from './support.ts';

const LOCAL_IP = '172.30.250.53';
// Two nodes on the subnet; which one the hash prefers without ETP decides the interesting cases.
const OTHER = 'purelb2-2';
const members = [member(NODE, '172.30.250.0/24'), member(OTHER, '172.30.250.0/24')];
const hashWinner = rankNodes(LOCAL_IP, [NODE, OTHER])[0]!;
const hashLoser = hashWinner === NODE ? OTHER : NODE;

describe('desiredState with externalTrafficPolicy Local', () => {
  it('remote pool: placed when this node hosts a ready endpoint', () => {
    const svc = service('web', { ips: ['172.31.1.5'], etp: 'Local' });
    const state = desiredState(
      seedInput({ services: [svc], endpointSlices: [slice('web', [{ node: NODE }])] }),
    );
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link]),
      [['172.31.1.5', 'kube-lb0']],
    );
    assert.match(state.placements[0]!.reason, /hosts a ready endpoint/);
    assert.deepEqual(state.skips, []);
  });

  it('remote pool: skipped (not an error) when the endpoints are elsewhere or not ready', () => {
    const svc = service('web', { ips: ['172.31.1.5'], etp: 'Local' });
    for (const slices of [
      [],
      [slice('web', [{ node: OTHER }])],
      [slice('web', [{ node: NODE, conditions: { ready: false, serving: false } }])],
    ]) {
      const state = desiredState(seedInput({ services: [svc], endpointSlices: slices }));
      assert.deepEqual(state.placements, []);
      assert.deepEqual(
        state.skips.map((s) => [s.service, s.ip, s.code, s.error]),
        [['default/web', '172.31.1.5', 'no-local-endpoint', false]],
      );
      assert.match(state.skips[0]!.reason, /purelb2-1 hosts no ready endpoint of default\/web/);
    }
  });

  it('local pool: the election runs among nodes with a ready endpoint only', () => {
    const svc = service('web', { ips: [LOCAL_IP], etp: 'Local' });
    const slices = [slice('web', [{ node: hashLoser }])];
    for (const node of [NODE, OTHER]) {
      const state = desiredState(seedInput({ node, services: [svc], endpointSlices: slices, members }));
      if (node === hashLoser) {
        assert.deepEqual(
          state.placements.map((p) => [p.ip, p.link]),
          [[LOCAL_IP, 'enp1s0']],
        );
        assert.match(state.placements[0]!.reason, /with a ready endpoint/);
      } else {
        assert.deepEqual(state.placements, []);
        assert.deepEqual(
          state.skips.map((s) => [s.code, s.winner, s.error]),
          [['not-winner', hashLoser, false]],
        );
      }
    }
  });

  it('local pool: no ready endpoint anywhere → nobody announces, reported with the reason, not as an error', () => {
    const svc = service('web', { ips: [LOCAL_IP], etp: 'Local' });
    const state = desiredState(seedInput({ services: [svc], members }));
    assert.deepEqual(state.placements, []);
    assert.deepEqual(
      state.skips.map((s) => [s.code, s.error]),
      [['no-local-endpoint', false]],
    );
    assert.match(state.skips[0]!.reason, /no node hosts a ready endpoint of default\/web: nobody announces/);
  });

  it('local pool: endpoints only on a node without the subnet → no candidate', () => {
    const svc = service('web', { ips: [LOCAL_IP], etp: 'Local' });
    const state = desiredState(
      seedInput({
        services: [svc],
        members: [...members, member('purelb2-9', '10.0.0.0/24')],
        endpointSlices: [slice('web', [{ node: 'purelb2-9' }])],
      }),
    );
    assert.deepEqual(
      state.skips.map((s) => [s.code, s.error]),
      [['no-candidate', false]],
    );
    assert.match(state.skips[0]!.reason, /no live node with a ready endpoint has a subnet holding/);
  });

  it('the Service object is not modified (no ETP override)', () => {
    const svc = service('web', { ips: [LOCAL_IP], etp: 'Local' });
    const before = structuredClone(svc);
    desiredState(seedInput({ services: [svc], members, endpointSlices: [slice('web', [{ node: NODE }])] }));
    assert.deepEqual(svc, before);
  });
});

describe('objects as the API server returns them', () => {
  it('a Service with its whole spec and a slice with endpoint addresses are taken as written', () => {
    // Literals, not builders: a user's test passes the objects kubectl shows, fields no rule reads
    // included (ports, clusterIP, selector, endpoint addresses). Type-checked by the test command.
    const state = desiredState(
      seedInput({
        services: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: {
              name: 'web',
              namespace: 'default',
              annotations: { 'purelb.io/allocated-by': 'PureLB' },
            },
            spec: {
              type: 'LoadBalancer',
              externalTrafficPolicy: 'Local',
              ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
              clusterIP: '10.96.0.10',
              selector: { app: 'web' },
            },
            status: { loadBalancer: { ingress: [{ ip: '172.31.1.5' }] } },
          },
        ],
        endpointSlices: [
          {
            metadata: {
              name: 'web-x',
              namespace: 'default',
              labels: { 'kubernetes.io/service-name': 'web' },
            },
            addressType: 'IPv4',
            endpoints: [{ addresses: ['10.1.0.5'], conditions: { ready: true }, nodeName: NODE }],
          },
        ],
      }),
    );
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link]),
      [['172.31.1.5', 'kube-lb0']],
    );
  });
});
