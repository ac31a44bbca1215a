// Helpers for tests that talk to Kubernetes: start the in-process fake API server, build a KubeConfig
// for the real @kubernetes/client-node pointing at it, and write a kubeconfig file for kubectl.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterAccess } from '../../packages/agent/src/kubernetes/client/access.ts';
import { FakeApiServer, type FakeApiServerOptions } from '../fake-apiserver/server.ts';

export { FakeApiServer, type FakeApiServerOptions };

export const KUBECTL = '/usr/bin/kubectl';

/** Starts a fake API server on 127.0.0.1, port 0. Call stop() when done (see withFakeApiServer). */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const server = new FakeApiServer(options);
  await server.start();
  return server;
}

/** Runs fn with a started fake API server and stops it afterwards, even on failure. */
export async function withFakeApiServer<T>(
  fn: (server: FakeApiServer) => Promise<T>,
  options: FakeApiServerOptions = {},
): Promise<T> {
  const server = await startFakeApiServer(options);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/**
 * The agent's own client's access to the fake server (packages/agent/src/kubernetes/client/), as a
 * kubeconfig with `token` as its user's bearer token would give it.
 */
export function accessFor(server: FakeApiServer, token = 'fake-token'): ClusterAccess {
  return { server: server.baseUrl, token, origin: `fake API server ${server.baseUrl}` };
}

/**
 * A KubeConfig for the real client-node. skipTLSVerify is required: client-node 2.x refuses a plain
 * http:// server without it.
 */
export function kubeConfigFor(server: FakeApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: server.baseUrl, skipTLSVerify: true }],
    users: [{ name: 'fake', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace: 'default' }],
    currentContext: 'fake',
  });
  return kc;
}

export interface KubectlEnv {
  /** The kubeconfig file. */
  kubeconfig: string;
  /** A private discovery cache directory, so runs never share (or touch ~/.kube/cache). */
  cacheDir: string;
  dir: string;
  cleanup: () => void;
}

/**
 * Writes a kubeconfig file (and a discovery cache dir) for kubectl in a fresh temporary directory.
 * `token`: the bearer token it sends (the fake server's request log and faults tell clients by it).
 */
export function writeKubeconfig(server: FakeApiServer, token = 'fake-token'): KubectlEnv {
  const dir = mkdtempSync(join(tmpdir(), 'plb-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // Plain http: client-node 2.x refuses it unless TLS verification is explicitly skipped (kubectl
      // ignores the flag for http).
      clusters: [{ name: 'fake', cluster: { server: server.baseUrl, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: { token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
      'current-context': 'fake',
    }),
  );
  return {
    kubeconfig,
    cacheDir: join(dir, 'cache'),
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl against the env's kubeconfig; resolves with its exit code and output (never rejects on a non-zero exit). */
export function kubectl(env: KubectlEnv, args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      KUBECTL,
      ['--kubeconfig', env.kubeconfig, '--cache-dir', env.cacheDir, ...args],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: env.dir } },
      (err, stdout, stderr) => {
        if (err && typeof (err as { code?: unknown }).code !== 'number') reject(err);
        else resolve({ code: err ? Number((err as { code: number }).code) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
