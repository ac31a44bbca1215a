import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointConditions } from '../../src/kube.ts';
import { endpointUsable, nodesWithReadyEndpoints } from '../../src/services/endpoints.ts';
import { service, slice } from '../desired/builders.ts';

describe('nodesWithReadyEndpoints: where externalTrafficPolicy Local may announce', () => {
  const conditions: [string, EndpointConditions | undefined, boolean][] = [
    ['no conditions (Kubernetes: absent ready means ready)', undefined, true],
    ['ready', { ready: true }, true],
    ['ready unset, serving false', { serving: false }, true],
    ['not ready, not serving', { ready: false, serving: false }, false],
    ['not ready, serving unset', { ready: false }, false],
    ['terminating but still serving', { ready: false, serving: true, terminating: true }, true],
    ['terminating and not serving', { ready: false, serving: false, terminating: true }, false],
  ];
  for (const [name, c, want] of conditions) {
    it(`an endpoint that is ${name} ${want ? 'counts' : 'does not count'}`, () => {
      assert.equal(endpointUsable(c), want);
      const nodes = nodesWithReadyEndpoints(service('web'), [slice('web', [{ node: 'n1', conditions: c }])]);
      assert.deepEqual(nodes, want ? ['n1'] : []);
    });
  }

  it('collects nodes across every slice of the Service, sorted and once each', () => {
    const svc = service('web');
    const nodes = nodesWithReadyEndpoints(svc, [
      slice('web', [{ node: 'n3' }, { node: 'n1' }]),
      slice(
        'web',
        [{ node: 'n2' }, { node: 'n1' }, { node: 'n4', conditions: { ready: false } }],
        'default',
        'IPv6',
      ),
    ]);
    assert.deepEqual(nodes, ['n1', 'n2', 'n3']);
  });

  it('ignores slices of other Services, of the same name in other namespaces, and endpoints without a node', () => {
    const svc = service('web', { namespace: 'shop' });
    const nodes = nodesWithReadyEndpoints(svc, [
      slice('api', [{ node: 'n1' }], 'shop'),
      slice('web', [{ node: 'n2' }], 'default'),
      slice('web', [{}, { node: 'n3' }], 'shop'),
    ]);
    assert.deepEqual(nodes, ['n3']);
  });
});
