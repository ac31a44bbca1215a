// A second, independent client: the real kubectl (client-go) against the fake. It needs the discovery
// documents, list framing, client-side apply (GET, POST, then a strategic or JSON merge PATCH), and a
// raw watch from a resourceVersion, and `get -w --output-watch-events`. kubectl apply runs with --validate=false because the fake serves no
// OpenAPI documents.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { KUBECTL, type KubectlEnv, kubectl, withFakeApiServer, writeKubeconfig } from '../support/kube.ts';
import type { FakeApiServer } from './server.ts';

const skip = existsSync(KUBECTL) ? false : `needs ${KUBECTL}`;

async function withKubectl(fn: (s: FakeApiServer, env: KubectlEnv) => Promise<void>): Promise<void> {
  await withFakeApiServer(async (s) => {
    const env = writeKubeconfig(s);
    try {
      await fn(s, env);
    } finally {
      env.cleanup();
    }
  });
}

const MANIFESTS = `apiVersion: purelb.io/v2
kind: ServiceGroup
metadata:
  name: default
  namespace: default
spec:
  local:
    v4pool:
      pool: 192.168.1.240-192.168.1.250
      subnet: 192.168.1.0/24
      aggregation: default
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  annotations:
    purelb.io/service-group: default
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - port: 80
`;

test('kubectl get services -A -o json lists what the server holds', { skip }, async () => {
  await withKubectl(async (s, env) => {
    s.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'a', namespace: 'kube-system' },
      spec: { ports: [{ port: 53 }] },
    });
    s.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'b', namespace: 'default' },
      spec: { ports: [{ port: 80 }] },
    });
    const r = await kubectl(env, ['get', 'services', '-A', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    assert.deepEqual(
      list.items.map(
        (o: { metadata: { namespace: string; name: string } }) =>
          `${o.metadata.namespace}/${o.metadata.name}`,
      ),
      ['default/b', 'kube-system/a'],
    );
  });
});

test('kubectl apply -f creates a ServiceGroup and a Service, and a second apply patches them', {
  skip,
}, async () => {
  await withKubectl(async (s, env) => {
    const first = await kubectl(env, ['apply', '--validate=false', '-f', '-'], MANIFESTS);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /servicegroup\.purelb\.io\/default created/);
    assert.match(first.stdout, /service\/web created/);
    const again = await kubectl(
      env,
      ['apply', '--validate=false', '-f', '-'],
      MANIFESTS.replace('- port: 80', '- port: 8080').replace('192.168.1.250', '192.168.1.251'),
    );
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /servicegroup\.purelb\.io\/default configured/);
    assert.match(again.stdout, /service\/web configured/);
    assert.ok(
      s.requests.some((r) =>
        r.startsWith('PATCH /apis/purelb.io/v2/namespaces/default/servicegroups/default'),
      ),
    );
    const sg = s.store.get(s.resource('purelb.io/v2', 'ServiceGroup'), 'default', 'default')!;
    assert.equal(
      (sg.spec as { local: { v4pool: { pool: string } } }).local.v4pool.pool,
      '192.168.1.240-192.168.1.251',
    );
    const web = JSON.parse((await kubectl(env, ['get', 'service', 'web', '-o', 'json'])).stdout);
    assert.deepEqual(
      web.spec.ports.map((p: { port: number }) => p.port),
      [8080],
    );
    assert.equal(web.metadata.annotations['purelb.io/service-group'], 'default');
    const bad = await kubectl(
      env,
      ['apply', '--validate=false', '-f', '-'],
      MANIFESTS.replace('- port: 80', '- port: eighty'),
    );
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.ports\[0\]\.port/);
  });
});

test('kubectl get --raw streams a watch from a resourceVersion until timeoutSeconds', { skip }, async () => {
  await withKubectl(async (s, env) => {
    const a = s.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'a' },
      spec: { ports: [{ port: 80 }] },
    });
    s.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' }, spec: { ports: [{ port: 80 }] } });
    const path = `/api/v1/namespaces/default/services?watch=true&timeoutSeconds=1&resourceVersion=${a.metadata.resourceVersion}`;
    const r = await kubectl(env, ['get', '--raw', path]);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      events.map((e: { type: string; object: { metadata: { name: string } } }) => [
        e.type,
        e.object.metadata.name,
      ]),
      [['ADDED', 'b']],
    );
    s.compact();
    const old = await kubectl(env, ['get', '--raw', path]);
    assert.equal(old.code, 0, old.stderr);
    const [err] = old.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.deepEqual([err.type, err.object.code, err.object.reason], ['ERROR', 410, 'Expired']);
  });
});

/** Resolves when cond() holds, checking every few milliseconds (a wait, not a timing assertion). */
function until(cond: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (!cond()) return;
      clearInterval(t);
      resolve();
    }, 5);
  });
}

test('kubectl get -w --output-watch-events follows the list with live events and exits when the watch ends', {
  skip,
  timeout: 60_000,
}, async () => {
  await withKubectl(async (s, env) => {
    s.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { ports: [{ port: 80 }] } });
    const child = spawn(
      KUBECTL,
      [
        '--kubeconfig',
        env.kubeconfig,
        '--cache-dir',
        env.cacheDir,
        'get',
        'services',
        '-w',
        '--output-watch-events',
        '-o',
        'json',
      ],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: env.dir } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await until(() => s.openWatchCount() === 1);
    s.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' }, spec: { ports: [{ port: 80 }] } });
    s.store.remove(s.resource('v1', 'Service'), 'default', 'a');
    await until(() => out.includes('"DELETED"'));
    s.endWatches();
    assert.equal(await exited, 0, err);
    const events = JSON.parse(`[${out.replace(/}\s*{/g, '},{')}]`) as {
      type: string;
      object: { metadata: { name: string } };
    }[];
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [
        ['ADDED', 'a'],
        ['ADDED', 'b'],
        ['DELETED', 'a'],
      ],
    );
    const watch = s.requests.find((r) => r.includes('watch=true'))!;
    assert.match(watch, /resourceVersion=\d+/, 'kubectl watches from the list resourceVersion');
  });
});
