// Services and EndpointSlices shaped as a real API server returns them, for the bench's memory figures:
// a Service applied with `kubectl apply` (its last-applied-configuration annotation and the
// kubectl-client-side-apply managedFields entry), labelled, with a port, a selector and the fields
// the server defaults, then given its address by the allocator (its annotations and status, each with
// their managedFields entry); an EndpointSlice as the EndpointSlice controller writes it (owner reference,
// labels, managedFields), three endpoints with conditions, nodeName, targetRef, zone and hints. About
// 2.5 KB and 2.3 KB of JSON each: what an informer caching whole objects would hold.
import { createHash } from 'node:crypto';

const TIME = '2026-11-30T09:41:27Z';
const ZONES = ['zone-a', 'zone-b', 'zone-c'];

/** A stable uid for a name, formatted as the API server's. */
export function uid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const appLabels = (name: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/instance': `${name}-prod`,
  'app.kubernetes.io/part-of': 'storefront',
});

const f = (keys: readonly string[]): Record<string, object> =>
  Object.fromEntries(keys.map((k) => [`f:${k}`, {}]));

export interface ServiceShape {
  name: string;
  namespace?: string;
  clusterIP: string;
  trafficPolicy?: 'Cluster' | 'Local';
  /** The allocator's address: its annotations and status; without it the Service is as applied. */
  ip?: string;
  group?: string;
}

/** A LoadBalancer Service as `kubectl apply` and then the allocator leave it. */
export function realisticService(s: ServiceShape): Record<string, unknown> {
  const namespace = s.namespace ?? 'default';
  const labels = appLabels(s.name);
  const ports = [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }];
  const selector = { 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/instance': `${s.name}-prod` };
  const trafficPolicy = s.trafficPolicy ?? 'Cluster';
  const applied = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { annotations: {}, labels, name: s.name, namespace },
    spec: {
      allocateLoadBalancerNodePorts: false,
      externalTrafficPolicy: trafficPolicy,
      ports,
      selector,
      type: 'LoadBalancer',
    },
  };
  const annotations: Record<string, string> = {
    'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(applied)}\n`,
  };
  const managedFields: Record<string, unknown>[] = [
    {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion: 'v1',
      time: TIME,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} },
          'f:labels': { '.': {}, ...f(Object.keys(labels)) },
        },
        'f:spec': {
          ...f(['allocateLoadBalancerNodePorts', 'externalTrafficPolicy', 'internalTrafficPolicy']),
          'f:ports': Object.fromEntries([
            ['.', {}],
            ...ports.map((p) => [
              `k:{"port":${p.port},"protocol":"TCP"}`,
              { '.': {}, ...f(['name', 'port', 'protocol', 'targetPort']) },
            ]),
          ]),
          'f:selector': {},
          ...f(['sessionAffinity', 'type']),
        },
      },
    },
  ];
  if (s.ip !== undefined) {
    Object.assign(annotations, {
      'purelb.io/allocated-by': 'PureLB',
      'purelb.io/allocated-from': s.group ?? 'remote',
      'purelb.io/pool-type': 'remote',
    });
    managedFields.push(
      {
        manager: 'purelb-allocator',
        operation: 'Update',
        apiVersion: 'v1',
        time: TIME,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': {
            'f:annotations': f(['purelb.io/allocated-by', 'purelb.io/allocated-from', 'purelb.io/pool-type']),
          },
        },
      },
      {
        manager: 'purelb-allocator',
        operation: 'Update',
        apiVersion: 'v1',
        time: TIME,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { 'f:loadBalancer': { 'f:ingress': {} } } },
        subresource: 'status',
      },
    );
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: s.name,
      namespace,
      uid: uid(`svc/${namespace}/${s.name}`),
      creationTimestamp: TIME,
      labels,
      annotations,
      managedFields,
    },
    spec: {
      ports,
      selector,
      clusterIP: s.clusterIP,
      clusterIPs: [s.clusterIP],
      type: 'LoadBalancer',
      sessionAffinity: 'None',
      externalTrafficPolicy: trafficPolicy,
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      allocateLoadBalancerNodePorts: false,
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: s.ip === undefined ? {} : { ingress: [{ ip: s.ip, ipMode: 'VIP' }] } },
  };
}

export interface SliceShape {
  service: string;
  namespace?: string;
  /** The node of the first endpoint (the others are on two other nodes). */
  node: string;
  /** Varies the endpoints' pod addresses and names (a rollout). */
  generation?: number;
}

const suffix = (seed: string, n: number) =>
  createHash('sha1')
    .update(seed)
    .digest('base64url')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, n)
    .padEnd(n, 'x');

/** The EndpointSlice the EndpointSlice controller writes for a Service with three ready pods. */
export function realisticSlice(e: SliceShape): Record<string, unknown> {
  const namespace = e.namespace ?? 'default';
  const gen = e.generation ?? 0;
  const name = `${e.service}-${suffix(`eps/${e.service}`, 5)}`;
  const h = createHash('sha1').update(`${e.service}/${gen}`).digest();
  const replicaSet = `${e.service}-${suffix(`rs/${e.service}/${gen}`, 10)}`;
  const nodes = [e.node, `${e.node}-peer-b`, `${e.node}-peer-c`];
  const endpoints = nodes.map((nodeName, k) => {
    const pod = `${replicaSet}-${suffix(`pod/${e.service}/${gen}/${k}`, 5)}`;
    return {
      addresses: [`10.244.${(h[k] as number) & 127}.${((h[k + 3] as number) % 250) + 2}`],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName,
      targetRef: { kind: 'Pod', namespace, name: pod, uid: uid(`pod/${pod}`) },
      zone: ZONES[k],
      hints: { forZones: [{ name: ZONES[k] }] },
    };
  });
  const svcUid = uid(`svc/${namespace}/${e.service}`);
  const labels = {
    'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    'kubernetes.io/service-name': e.service,
    ...appLabels(e.service),
  };
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      generateName: `${e.service}-`,
      namespace,
      uid: uid(`eps/${namespace}/${name}`),
      creationTimestamp: TIME,
      labels,
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': TIME },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: e.service,
          uid: svcUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'discovery.k8s.io/v1',
          time: TIME,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:addressType': {},
            'f:endpoints': {},
            'f:metadata': {
              'f:annotations': { '.': {}, 'f:endpoints.kubernetes.io/last-change-trigger-time': {} },
              'f:generateName': {},
              'f:labels': { '.': {}, ...f(Object.keys(labels)) },
              'f:ownerReferences': { '.': {}, [`k:{"uid":"${svcUid}"}`]: {} },
            },
            'f:ports': {},
          },
        },
      ],
    },
    addressType: 'IPv4',
    endpoints,
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
  };
}
