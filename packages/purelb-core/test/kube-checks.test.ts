// Every object the rules read is checked on its own: a malformed one is left out with field-path errors,
// the rest is decided; whatever the objects hold, desiredState never throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { desiredState } from '../src/desired/desired-state.ts';
import { liveMembers } from '../src/election/members.ts';
import type { EndpointSlice, Lease, Service } from '../src/kube.ts';
import {
  endpointSliceIssues,
  keepValid,
  leaseIssues,
  nodeObjectIssues,
  serviceIssues,
} from '../src/kube-checks.ts';
import { service, slice } from './desired/builders.ts';
import { seedInput } from './desired/support.ts';

const paths = (issues: { path: string }[]) => issues.map((i) => i.path);

describe('serviceIssues', () => {
  it('a well-formed Service has none', () =>
    assert.deepEqual(serviceIssues(service('web', { ips: ['172.30.250.53'] })), []));
  it('an ingress written as a string is named by its path', () => {
    const bad = { ...service('web'), status: { loadBalancer: { ingress: '172.30.250.58' } } };
    assert.deepEqual(paths(serviceIssues(bad)), ['status.loadBalancer.ingress']);
    assert.match(
      serviceIssues(bad)[0]!.message,
      /status\.loadBalancer\.ingress must be a list, got "172\.30\.250\.58"/,
    );
  });
  it('an IP given as a number, an annotation that is not a string, a port that is not a number', () => {
    const bad = service('web', {
      annotations: {
        'purelb.io/allocated-by': 'PureLB',
        'purelb.io/skip-ipv6-dad': true as unknown as string,
      },
    });
    const weird = {
      ...bad,
      spec: { type: 'LoadBalancer', ports: [{ port: '80' }] },
      status: { loadBalancer: { ingress: [{ ip: 2887646778 }] } },
    };
    assert.deepEqual(paths(serviceIssues(weird)).sort(), [
      'metadata.annotations["purelb.io/skip-ipv6-dad"]',
      'spec.ports[0].port',
      'status.loadBalancer.ingress[0].ip',
    ]);
  });
  it('no metadata, no name, not an object', () => {
    assert.deepEqual(paths(serviceIssues({ spec: {} })), ['metadata']);
    assert.deepEqual(paths(serviceIssues({ metadata: {} })), ['metadata.name']);
    assert.deepEqual(paths(serviceIssues('web')), ['']);
  });
});

describe('the other kinds', () => {
  it('an EndpointSlice whose endpoint addresses are not a list', () => {
    const bad = { ...slice('web', [{ node: 'a' }]), endpoints: [{ addresses: '10.0.0.1', nodeName: 'a' }] };
    assert.deepEqual(paths(endpointSliceIssues(bad)), ['endpoints[0].addresses']);
  });
  it('a Lease with a duration written as a string', () => {
    const bad = {
      metadata: { name: 'purelb-node-a' },
      spec: { holderIdentity: 'a', leaseDurationSeconds: '10' },
    };
    assert.deepEqual(paths(leaseIssues(bad)), ['spec.leaseDurationSeconds']);
  });
  it('a Node whose labels hold a number', () => {
    assert.deepEqual(paths(nodeObjectIssues({ metadata: { name: 'a', labels: { zone: 1 } } })), [
      'metadata.labels["zone"]',
    ]);
  });
});

describe('keepValid', () => {
  it('keeps the good, reports the bad by namespace/name (or position)', () => {
    const good = service('web', { ips: ['172.30.250.53'] });
    const bad = { ...service('bad'), status: { loadBalancer: { ingress: '172.30.250.58' } } };
    const r = keepValid<Service>('Service', [good, bad, 7], serviceIssues);
    assert.deepEqual(r.valid, [good]);
    assert.deepEqual(
      r.rejected.map((x) => [x.kind, x.name, x.issues.length]),
      [
        ['Service', 'default/bad', 1],
        ['Service', '#2', 1],
      ],
    );
  });
});

/** Anything JSON can hold, in the places the rules read. */
const junk = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant({})), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
);
const mangledService = fc
  .record({
    where: fc.constantFrom('status', 'ingress', 'entry', 'ip', 'annotations', 'spec', 'ports', 'metadata'),
    value: junk,
  })
  .map(({ where, value }) => {
    // biome-ignore lint/suspicious/noExplicitAny: the test writes junk anywhere in the object
    const s = service('web', { ips: ['172.30.250.53', '172.31.1.5'] }) as unknown as Record<string, any>;
    if (where === 'status') s.status = value;
    if (where === 'ingress') s.status.loadBalancer.ingress = value;
    if (where === 'entry') s.status.loadBalancer.ingress[0] = value;
    if (where === 'ip') s.status.loadBalancer.ingress[0].ip = value;
    if (where === 'annotations') s.metadata.annotations = value;
    if (where === 'spec') s.spec = value;
    if (where === 'ports') s.spec.ports = value;
    if (where === 'metadata') s.metadata = value;
    return s;
  });

describe('no malformed object reaches a rule', () => {
  it('whatever a Service, EndpointSlice or Lease holds, the checked rest is decided without throwing', () => {
    fc.assert(
      fc.property(
        fc.array(mangledService, { maxLength: 4 }),
        junk,
        junk,
        (services, sliceJunk, leaseJunk) => {
          const good = service('api', { ips: ['172.31.1.6'] });
          const svc = keepValid<Service>('Service', [...services, good], serviceIssues).valid;
          const slices = keepValid<EndpointSlice>(
            'EndpointSlice',
            [{ ...slice('web', [{ node: 'purelb2-1' }]), endpoints: sliceJunk }],
            endpointSliceIssues,
          ).valid;
          const leases = keepValid<Lease>(
            'Lease',
            [
              {
                metadata: { name: 'purelb-node-a', annotations: { 'purelb.io/subnets': leaseJunk } },
                spec: leaseJunk,
              },
            ],
            leaseIssues,
          ).valid;
          liveMembers(leases, Date.now());
          const state = desiredState(seedInput({ services: svc, endpointSlices: slices }));
          assert.ok(
            state.placements.some((p) => p.ip === '172.31.1.6'),
            'the good Service is still placed',
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
