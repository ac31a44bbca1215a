// Objects and helpers shared by the Kubernetes-mode tests (run against the fake API server through the
// real client-node).
import { createLogger, type Logger } from '../../src/log.ts';

export const NS = 'purelb';
export const NODE = 'node-a';

/** A logger that keeps its JSON lines for assertions instead of printing them. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger('debug', (l) => lines.push(JSON.parse(l))), lines };
}

/**
 * Resolves when `check` returns true; fails with `what` after `limitMs`. The limit only bounds a broken
 * run: it is generous, and nothing asserts how quickly the condition became true.
 */
export async function eventually(what: string, check: () => boolean, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });

export const service = (name: string, namespace = 'default') => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, annotations: { 'purelb.io/allocated-by': 'PureLB' } },
  spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
});

export const serviceGroup = (name: string) => ({
  apiVersion: 'purelb.io/v2',
  kind: 'ServiceGroup',
  metadata: { name, namespace: NS },
  spec: {
    local: {
      v4pools: [{ pool: '172.30.250.10-172.30.250.20', subnet: '172.30.250.0/24', aggregation: 'default' }],
    },
  },
});

export const lbNodeAgent = (name: string) => ({
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name, namespace: NS },
  spec: { local: { localInterface: 'default', dummyInterface: 'kube-lb0' } },
});

export const endpointSlice = (name: string, serviceName: string) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': serviceName } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true }, nodeName: NODE }],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

export const lease = (holder: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: `purelb-node-${holder}`, namespace: NS },
  spec: { holderIdentity: holder, leaseDurationSeconds: 10, renewTime: '2026-11-26T02:00:00.000000Z' },
});
