// startKubernetesMode as the CLI calls it: a kubeconfig file (here pointing at the fake API server)
// gives a working source, Lease and write-back; bad options are refused by name before anything starts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { startKubernetesMode } from '../../src/kubernetes/index.ts';
import { memoryLogger, NODE, NS, node, service } from './fixtures.ts';

const base = {
  namespace: NS,
  node: NODE,
  leaseDurationSeconds: 2,
  subnets: () => ['172.30.250.0/24'],
  onFence: () => {},
};

test('a kubeconfig file is loaded; the source lists and the Lease is written through it', () =>
  withFakeApiServer(
    async (server) => {
      server.apply(node(NODE));
      server.apply(service('web'));
      const { kubeconfig, cleanup } = writeKubeconfig(server);
      const { logger } = memoryLogger();
      const mode = startKubernetesMode({ ...base, kubeconfig, instance: 'pod-1', logger });
      try {
        await mode.source.start(() => {});
        assert.deepEqual(
          mode.source.snapshot().services.map((s) => s.metadata.name),
          ['web'],
        );
        await mode.startLease();
        assert.equal(mode.lease.health().fenced, false);
        const lease = server.store.get(
          server.resource('coordination.k8s.io/v1', 'Lease'),
          NS,
          `purelb-node-${NODE}`,
        );
        assert.ok(lease, 'Lease written');
        assert.equal((lease.metadata.annotations as Record<string, string>)['purelb.io/instance'], 'pod-1');
        assert.ok(server.requests.some((r) => r.startsWith('GET /api/v1/services')));
      } finally {
        await mode.stop();
        cleanup();
      }
    },
    { namespaces: ['default', NS] },
  ));

test('bad options name what is wrong', () => {
  assert.throws(() => startKubernetesMode({ ...base, node: '' }), /node name is empty/);
  assert.throws(() => startKubernetesMode({ ...base, namespace: '' }), /namespace is empty/);
  assert.throws(
    () => startKubernetesMode({ ...base, kubeconfig: '/nonexistent/purelb-kubeconfig' }),
    /cannot load kubeconfig \/nonexistent\/purelb-kubeconfig/,
  );
  assert.throws(
    () => startKubernetesMode({ ...base, kubeconfig: '/dev/null' }),
    /cannot load kubeconfig \/dev\/null: expected a document/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'plb-kubemode-'));
  try {
    const noContext = join(dir, 'kubeconfig');
    writeFileSync(
      noContext,
      JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] }),
    );
    assert.throws(
      () => startKubernetesMode({ ...base, kubeconfig: noContext }),
      /has no current context with a cluster/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without --kubeconfig outside a cluster the error says so', () => {
  const saved = process.env.KUBERNETES_SERVICE_HOST;
  delete process.env.KUBERNETES_SERVICE_HOST;
  try {
    assert.throws(
      () => startKubernetesMode(base),
      /not running in a cluster \(KUBERNETES_SERVICE_HOST is not set\)/,
    );
  } finally {
    if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
  }
});

test('a bad lease duration is refused by name', () =>
  withFakeApiServer(async (server) => {
    const { kubeconfig, cleanup } = writeKubeconfig(server);
    try {
      assert.throws(
        () => startKubernetesMode({ ...base, kubeconfig, leaseDurationSeconds: 0 }),
        /leaseDurationSeconds must be a whole number of seconds >= 1, got 0/,
      );
    } finally {
      cleanup();
    }
  }));
