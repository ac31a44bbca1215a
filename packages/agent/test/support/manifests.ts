// Manifest files for the end-to-end tests: the seed's groups and agent, and Services as the allocator
// leaves them (status ingress + the PureLB brand), rendered as one YAML stream.
import { stringify } from 'yaml';

export interface SvcSpec {
  name: string;
  ip: string;
  namespace?: string;
}

export const seedGroups = (): object[] => [
  {
    apiVersion: 'purelb.io/v2',
    kind: 'LBNodeAgent',
    metadata: { name: 'default', namespace: 'purelb' },
    spec: { local: { localInterface: 'default', dummyInterface: 'kube-lb0' } },
  },
  group('default', 'local', '172.30.250.50-172.30.250.60', '172.30.250.0/24', 'default'),
  group('remote32', 'remote', '172.31.1.0/24', '172.31.0.0/16', '/32'),
  group('remote24', 'remote', '172.31.2.0/24', '172.31.0.0/16', '/24'),
];

export function group(
  name: string,
  type: 'local' | 'remote',
  pool: string,
  subnet: string,
  aggregation: string,
) {
  return {
    apiVersion: 'purelb.io/v2',
    kind: 'ServiceGroup',
    metadata: { name, namespace: 'purelb' },
    spec: { [type]: { v4pool: { pool, subnet, aggregation } } },
  };
}

export const service = (s: SvcSpec): object => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: s.name,
    namespace: s.namespace ?? 'default',
    annotations: { 'purelb.io/allocated-by': 'PureLB' },
  },
  spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP' }] },
  status: { loadBalancer: { ingress: [{ ip: s.ip, ipMode: 'VIP' }] } },
});

/** One YAML stream: the config documents, then the Services as a `kind: List` (as kubectl prints). */
export function manifests(services: SvcSpec[], config: object[] = seedGroups()): string {
  const docs = [...config, { apiVersion: 'v1', kind: 'List', items: services.map(service) }];
  return docs.map((d) => stringify(d)).join('---\n');
}
