// The agent's own client (client/transport.ts + credentials.ts) against the fake API server serving
// HTTPS: the cluster's CA is checked, a client certificate authenticates, a rotated token file is
// picked up after the server refuses the old token, and an exec-plugin user is authenticated through
// client-node, loaded for that user only.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { withFakeApiServer } from '../../../../../test/support/kube.ts';
import { testPki } from '../../../../../test/support/tls.ts';
import { kubeconfigAccess } from '../../../src/kubernetes/client/access.ts';
import { KubeRest } from '../../../src/kubernetes/rest.ts';

const pki = testPki();
const tls = { key: pki.serverKey, cert: pki.serverCert, clientCa: pki.ca };
const NS_PATH = '/api/v1/namespaces/default';

test('HTTPS: the cluster CA is trusted, another CA is refused, insecure-skip-tls-verify skips the check', () =>
  withFakeApiServer(
    async (server) => {
      const ok = new KubeRest({ server: server.baseUrl, ca: Buffer.from(pki.ca), token: 't', origin: 'x' });
      assert.equal((await ok.get<{ metadata: { name: string } }>(NS_PATH)).metadata.name, 'default');
      const wrong = new KubeRest({
        server: server.baseUrl,
        ca: Buffer.from(pki.otherCa),
        token: 't',
        origin: 'x',
      });
      await assert.rejects(wrong.get(NS_PATH), /self-signed|unable to verify|certificate/i);
      const insecure = new KubeRest({
        server: server.baseUrl,
        insecureSkipTLSVerify: true,
        token: 't',
        origin: 'x',
      });
      await insecure.get(NS_PATH);
      for (const r of [ok, wrong, insecure]) r.transport.close();
    },
    { tls },
  ));

test('a client certificate authenticates; without it and without a token the server answers 401', () =>
  withFakeApiServer(
    async (server) => {
      const base = { server: server.baseUrl, ca: Buffer.from(pki.ca), origin: 'x' };
      const cert = new KubeRest({
        ...base,
        cert: Buffer.from(pki.clientCert),
        key: Buffer.from(pki.clientKey),
      });
      await cert.get(NS_PATH);
      assert.equal(server.requestLog.at(-1)?.caller, 'cert:node-a');
      const none = new KubeRest(base);
      await assert.rejects(
        none.get(NS_PATH),
        (err: Error & { statusCode?: number }) => err.statusCode === 401,
      );
      cert.transport.close();
      none.transport.close();
    },
    { tls, acceptToken: () => false },
  ));

test('a rotated token file is read again after the server refuses the old token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'purelb-token-'));
  let valid = 'token-1';
  return withFakeApiServer(
    async (server) => {
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, 'token-1\n');
      const rest = new KubeRest({ server: server.baseUrl, tokenFile, origin: 'x' });
      await rest.get(NS_PATH);
      // The kubelet rotates the projected token; the old one stops being accepted at once.
      writeFileSync(tokenFile, 'token-2\n');
      valid = 'token-2';
      await rest.get(NS_PATH);
      const callers = server.requestLog.map((r) => r.caller);
      assert.deepEqual(callers, ['token-1', 'token-1', 'token-2'], 'one refused request, then the new token');
      // A token nobody can renew is not retried: the 401 is the answer.
      const fixed = new KubeRest({ server: server.baseUrl, token: 'token-1', origin: 'x' });
      await assert.rejects(fixed.get(NS_PATH), /HTTP 401/);
      rest.transport.close();
      fixed.transport.close();
    },
    { acceptToken: (t) => t === valid },
  ).finally(() => rmSync(dir, { recursive: true, force: true }));
});

test('an exec-plugin user gets its token from the plugin, through client-node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'purelb-exec-'));
  return withFakeApiServer(
    async (server) => {
      const plugin = join(dir, 'plugin.sh');
      const credential = {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { token: 'from-exec' },
      };
      writeFileSync(plugin, `#!/bin/sh\necho '${JSON.stringify(credential)}'\n`);
      chmodSync(plugin, 0o755);
      const file = join(dir, 'config');
      writeFileSync(
        file,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          // client-node refuses plain http:// unless told to skip TLS checks (there are none to skip).
          clusters: [{ name: 'c', cluster: { server: server.baseUrl, 'insecure-skip-tls-verify': true } }],
          users: [
            {
              name: 'u',
              user: {
                exec: {
                  apiVersion: 'client.authentication.k8s.io/v1',
                  command: plugin,
                  interactiveMode: 'Never',
                },
              },
            },
          ],
          contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
          'current-context': 'ctx',
        }),
      );
      const rest = new KubeRest(kubeconfigAccess(file));
      await rest.get(NS_PATH);
      assert.equal(server.requestLog.at(-1)?.caller, 'from-exec');
      rest.transport.close();
    },
    { acceptToken: (t) => t === 'from-exec' },
  ).finally(() => rmSync(dir, { recursive: true, force: true }));
});
