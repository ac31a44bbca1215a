// A seeded three-node cluster on the fake API server for the cluster-wide commands, and a runner for
// the real `purelb` (Node 24, --conditions=purelb-source) as a child process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { rankNodes } from '@purelb-ts/core';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { type FakeApiServer, withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { formatMicroTime } from '../../src/kubernetes/micro-time.ts';
import { addNamespaceAndNodes } from '../support/cluster.ts';
import { seedGroups, service } from '../support/manifests.ts';

export const ROOT = resolve(import.meta.dirname, '../../../..');
export const NODE = join(ROOT, 'node_modules/.bin/node');
export const PURELB = join(ROOT, 'packages/agent/src/purelb.ts');

export const NODES = ['node-a', 'node-b', 'node-c'] as const;
export const WEB = '172.30.250.53';
export const LOCAL_ETP = '172.30.250.54';
export const API = '172.31.1.5';
/** node-c's Lease has lapsed: the live members are node-a and node-b. */
export const LIVE = ['node-a', 'node-b'];
export const WEB_ORDER = rankNodes(WEB, LIVE);
export const WEB_WINNER = WEB_ORDER[0]!;

/** What node-b's Lease reports (one entry of each annotation unreadable): see `purelb status`. */
export const NODE_B_REPORTS = {
  'purelb.io/carrier-down': 'enp2s0 a/b',
  'purelb.io/refused': '172.30.250.60,no-carrier 172.30.250.59,ambiguous-default-route bogus +2',
};

const lease = (node: string, renewed: number, seconds: number, reports: Record<string, string> = {}) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: {
    name: `purelb-node-${node}`,
    namespace: 'purelb',
    annotations: { 'purelb.io/subnets': '172.30.250.0/24', ...reports },
  },
  spec: { holderIdentity: node, leaseDurationSeconds: seconds, renewTime: formatMicroTime(renewed) },
});

interface Svc {
  name: string;
  ip: string;
  announcing?: string;
  local?: boolean;
}

async function addSvc(server: FakeApiServer, s: Svc): Promise<void> {
  const obj = service(s) as {
    metadata: { annotations: Record<string, string> };
    spec: Record<string, unknown>;
    status: unknown;
  };
  if (s.announcing !== undefined) obj.metadata.annotations['purelb.io/announcing-IPv4'] = s.announcing;
  if (s.local === true) obj.spec.externalTrafficPolicy = 'Local';
  server.apply(obj as unknown as Record<string, unknown>);
  const r = await call(
    server,
    'PATCH',
    `/api/v1/namespaces/default/services/${s.name}/status`,
    { status: obj.status },
    'application/merge-patch+json',
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

/** Nodes a, b, c; Leases of a and b live, c's lapsed; the seed's pools; four LoadBalancer Services. */
export async function seedThreeNodes(server: FakeApiServer): Promise<void> {
  addNamespaceAndNodes(server, NODES);
  for (const obj of seedGroups()) server.apply(obj as Record<string, unknown>);
  const now = Date.now();
  server.apply(lease('node-a', now, 600));
  server.apply(lease('node-b', now, 600, NODE_B_REPORTS));
  server.apply(lease('node-c', now - 3_600_000, 15));
  await addSvc(server, { name: 'web', ip: WEB, announcing: `${WEB_WINNER},enp1s0,${WEB}` });
  await addSvc(server, { name: 'api', ip: API, announcing: `node-a,kube-lb0,${API}` });
  await addSvc(server, { name: 'only-b', ip: LOCAL_ETP, local: true });
  server.apply({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'only-b-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'only-b' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.1.0.5'], conditions: { ready: true }, nodeName: 'node-b' }],
  });
  server.apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'pending', namespace: 'default' },
    spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
  });
}

/** Runs fn against a fake API server holding the seeded cluster, with a kubeconfig for it. */
export async function withSeededCluster(
  fn: (server: FakeApiServer, kubeconfig: string) => Promise<void>,
): Promise<void> {
  await withFakeApiServer(async (server) => {
    const kc = writeKubeconfig(server);
    try {
      await seedThreeNodes(server);
      await fn(server, kc.kubeconfig);
    } finally {
      kc.cleanup();
    }
  });
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of an operator's shell: not in a cluster, no KUBECONFIG, unless `extra` sets them. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of [
    'KUBERNETES_SERVICE_HOST',
    'KUBERNETES_SERVICE_PORT',
    'POD_NAMESPACE',
    'KUBECONFIG',
    'NODE_OPTIONS',
  ])
    delete env[k];
  return { ...env, HOME: '/nonexistent', ...extra };
}

export function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** `purelb ARGS` from the sources. */
export const runPurelb = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> =>
  runProgram(NODE, ['--conditions=purelb-source', PURELB, ...args], childEnv(env));

/** `purelb COMMAND … -o json --kubeconfig K --namespace purelb`, exit 0 and parsed. */
export async function viewJson<T>(kubeconfig: string, args: string[]): Promise<T> {
  const run = await runPurelb([...args, '-o', 'json', '--kubeconfig', kubeconfig, '--namespace', 'purelb']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as T;
}

export async function viewTable(kubeconfig: string, args: string[]): Promise<string> {
  const run = await runPurelb([...args, '--kubeconfig', kubeconfig, '--namespace', 'purelb']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  return run.stdout;
}
