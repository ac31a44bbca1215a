// What the watches keep of an object (project.ts): core's fields, purelb.io/ annotations only, and a
// malformed value exactly as it came, so core still refuses that object by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  projectEndpointSlice,
  projectLease,
  projectNode,
  projectNodeService,
  projectService,
} from '../../src/kubernetes/project.ts';

const apiService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u1',
    resourceVersion: '42',
    labels: { app: 'web' },
    annotations: {
      'purelb.io/service-group': 'default',
      'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","kind":"Service"}',
    },
    managedFields: [{ manager: 'kubectl-client-side-apply', fieldsV1: { 'f:spec': {} } }],
  },
  spec: {
    type: 'LoadBalancer',
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 31234 }],
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    clusterIP: '10.96.0.10',
    selector: { app: 'web' },
  },
  status: { loadBalancer: { ingress: [{ ip: '172.30.250.53', ipMode: 'VIP', ports: [{ port: 80 }] }] } },
};

/** What both projections keep outside the spec: no labels, no managedFields, purelb.io/ annotations only. */
const keptOutsideSpec = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u1',
    resourceVersion: '42',
    annotations: { 'purelb.io/service-group': 'default' },
  },
  status: { loadBalancer: { ingress: [{ ip: '172.30.250.53', ipMode: 'VIP' }] } },
};

test('the node agent keeps of a Service only what node rules read: no ports, cluster IPs or selector', () => {
  assert.deepEqual(projectNodeService(apiService), {
    ...keptOutsideSpec,
    spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster' },
  });
});

test('the allocator keeps of a Service core’s fields and purelb.io/ annotations, nothing else (no labels)', () => {
  assert.deepEqual(projectService(apiService), {
    ...keptOutsideSpec,
    spec: {
      type: 'LoadBalancer',
      ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
      externalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      clusterIP: '10.96.0.10',
      selector: { app: 'web' },
    },
  });
});

test('a malformed value is kept as it came', () => {
  const bad = { ...apiService, status: { loadBalancer: { ingress: 'not-a-list' } } };
  assert.deepEqual(projectService(bad).status, { loadBalancer: { ingress: 'not-a-list' } });
  assert.equal(projectService('junk' as unknown), 'junk');
});

test('an EndpointSlice and a Node keep what elections read, not addresses, targetRef, zone, hints or heartbeats', () => {
  const slice = projectEndpointSlice({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'web-abc',
      namespace: 'shop',
      uid: 'u2',
      resourceVersion: '43',
      creationTimestamp: '2026-12-07T00:00:00Z',
      labels: {
        'kubernetes.io/service-name': 'web',
        'endpointslice.kubernetes.io/managed-by': 'x',
        app: 'web',
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'u1' }],
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: ['10.1.0.5'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'node-a',
        zone: 'z1',
        targetRef: { kind: 'Pod', name: 'web-1' },
        hints: { forZones: [{ name: 'z1' }] },
      },
    ],
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
  });
  assert.deepEqual(slice.metadata, {
    name: 'web-abc',
    namespace: 'shop',
    resourceVersion: '43',
    labels: { 'kubernetes.io/service-name': 'web' },
  });
  assert.equal('ports' in slice, false);
  assert.deepEqual(slice.endpoints, [
    { conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-a' },
  ]);
  const node = projectNode({
    metadata: { name: 'node-a' },
    spec: { unschedulable: true, podCIDR: '10.1.0.0/24' },
    status: {
      addresses: [{ type: 'InternalIP', address: '172.30.250.104' }],
      conditions: [
        { type: 'Ready', status: 'True', lastHeartbeatTime: '2026-12-07T00:00:00Z', reason: 'KubeletReady' },
      ],
      images: [{ names: ['big'] }],
    },
  });
  assert.deepEqual(node, {
    metadata: { name: 'node-a' },
    spec: { unschedulable: true },
    status: {
      addresses: [{ type: 'InternalIP', address: '172.30.250.104' }],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  });
});

test("a node's Lease keeps what it reports (subnets, carrier-down, refused), not others' annotations", () => {
  const annotations = {
    'purelb.io/subnets': '172.30.250.0/24',
    'purelb.io/carrier-down': 'enp1s0',
    'purelb.io/refused': '172.30.250.53,no-carrier',
  };
  const lease = projectLease({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: 'purelb-node-node-a',
      namespace: 'purelb',
      annotations: { ...annotations, 'example.com/other': 'x' },
      managedFields: [{ manager: 'purelb-agent' }],
    },
    spec: { holderIdentity: 'node-a', leaseDurationSeconds: 10, renewTime: '2026-12-07T00:00:00.000000Z' },
  });
  assert.deepEqual(lease.metadata.annotations, annotations);
  assert.deepEqual(lease.spec, {
    holderIdentity: 'node-a',
    leaseDurationSeconds: 10,
    renewTime: '2026-12-07T00:00:00.000000Z',
  });
});

test('endpoint conditions are shared per combination, and an odd one is kept for validation to refuse', () => {
  const slice = (conditions: unknown) =>
    projectEndpointSlice({
      metadata: { name: 's', namespace: 'shop' },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.1.0.5'], conditions, nodeName: 'node-a' }],
    }).endpoints?.[0]?.conditions;
  const a = slice({ ready: true, serving: true, terminating: false, extra: 1 });
  const b = slice({ ready: true, serving: true, terminating: false });
  assert.equal(a, b, 'one object for one combination');
  assert.deepEqual(a, { ready: true, serving: true, terminating: false });
  assert.ok(Object.isFrozen(a), 'shared, so never written');
  assert.notEqual(slice({ ready: false }), a);
  assert.deepEqual(slice({ ready: false }), { ready: false });
  assert.deepEqual(slice({ ready: 'yes', serving: true }), { ready: 'yes', serving: true });
  assert.equal(slice('junk'), 'junk');
});
