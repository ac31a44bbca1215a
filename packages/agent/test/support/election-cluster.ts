// The cluster side of the three-node segment: Node objects, an LBNodeAgent announcing takeovers with
// one GARP, the local pool 172.30.250.50-.60, one Service holding VIP (as the allocator leaves it),
// and the real agent started in Kubernetes mode for a node. Shared by the multi-node test and the
// agent bench's failover rounds.
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import type { FakeApiServer } from '../../../../test/support/kube.ts';
import { RunningAgent } from './agent-process.ts';
import { addNamespaceAndNodes, addService } from './cluster.ts';
import { group } from './manifests.ts';
import type { SegmentHost } from './segment.ts';

export const VIP = '172.30.250.53';

export const NODES: readonly SegmentHost[] = [
  { name: 'node-a', ip: '172.30.250.101' },
  { name: 'node-b', ip: '172.30.250.102' },
  { name: 'node-c', ip: '172.30.250.103' },
];

const LB_NODE_AGENT = {
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name: 'default', namespace: 'purelb' },
  spec: {
    local: {
      localInterface: 'default',
      dummyInterface: 'kube-lb0',
      garpConfig: { enabled: true, count: 1, initialDelay: '10ms', verifyBeforeSend: true },
    },
  },
};

/** The purelb namespace, a Node per host, the LBNodeAgent, the local pool and Service `web` on VIP. */
export async function seedElectionCluster(
  server: FakeApiServer,
  hosts: readonly SegmentHost[],
): Promise<void> {
  addNamespaceAndNodes(
    server,
    hosts.map((h) => h.name),
  );
  server.apply(LB_NODE_AGENT);
  server.apply(group('default', 'local', '172.30.250.50-172.30.250.60', '172.30.250.0/24', 'default'));
  await addService(server, 'web', VIP);
}

/** The real agent in Kubernetes mode as node `node`, acting in namespace ns. */
export function startNodeAgent(
  ns: string,
  node: string,
  kubeconfig: string,
  leaseSeconds: number,
): RunningAgent {
  return new RunningAgent(ns, '', [
    '--kubeconfig',
    kubeconfig,
    '--namespace',
    'purelb',
    '--node',
    node,
    '--lease-duration',
    String(leaseSeconds),
  ]);
}

interface LeaseJson {
  metadata: { name: string };
  spec?: { renewTime?: string };
}

/** The election Leases in the purelb namespace: name → last renewal (ms since the epoch). */
export async function leaseRenewals(server: FakeApiServer): Promise<Map<string, number>> {
  const r = await call(server, 'GET', '/apis/coordination.k8s.io/v1/namespaces/purelb/leases');
  const items = (r.body.items ?? []) as LeaseJson[];
  return new Map(items.map((l) => [l.metadata.name, Date.parse(l.spec?.renewTime ?? '')]));
}
