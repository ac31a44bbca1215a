// Cluster-side set-up shared by the Kubernetes-mode tests: a Service with its ingress written the way the
// allocator writes it, and the objects every agent expects (its namespace, its Node).
import assert from 'node:assert/strict';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { type FakeApiServer, withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { withNetns } from '../../../../test/support/netns.ts';
import { RunningAgent, seedShapedNode } from './agent-process.ts';
import { type SvcSpec, seedGroups, service } from './manifests.ts';

/** Creates Service `name` and gives it ingress `ip` through /status (a create ignores status, as upstream). */
export async function addService(server: FakeApiServer, name: string, ip: string): Promise<void> {
  const obj = service({ name, ip }) as { status: unknown };
  server.apply(obj as Record<string, unknown>);
  const r = await call(
    server,
    'PATCH',
    `/api/v1/namespaces/default/services/${name}/status`,
    { status: obj.status },
    'application/merge-patch+json',
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

/** The purelb namespace and a Node object per name (labelled with its hostname, as kubelet does). */
export function addNamespaceAndNodes(server: FakeApiServer, nodes: readonly string[]): void {
  server.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'purelb' } });
  for (const name of nodes) {
    server.apply({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    });
  }
}

/**
 * The seed's cluster on the fake API server (its groups and default LBNodeAgent, node purelb2-1, and
 * `services`), a seed-shaped namespace, and the real agent in Kubernetes mode there; everything is
 * stopped and removed afterwards.
 */
export async function withSeedClusterAgent(
  services: readonly SvcSpec[],
  fn: (server: FakeApiServer, ns: string, agent: RunningAgent) => Promise<void>,
): Promise<void> {
  await withFakeApiServer(async (server) => {
    const kc = writeKubeconfig(server);
    try {
      addNamespaceAndNodes(server, ['purelb2-1']);
      for (const obj of seedGroups()) server.apply(obj as Record<string, unknown>);
      for (const s of services) await addService(server, s.name, s.ip);
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const agent = new RunningAgent(ns, '', ['--kubeconfig', kc.kubeconfig, '--namespace', 'purelb']);
        try {
          await fn(server, ns, agent);
        } finally {
          await agent.stop('SIGKILL');
        }
      });
    } finally {
      kc.cleanup();
    }
  });
}
