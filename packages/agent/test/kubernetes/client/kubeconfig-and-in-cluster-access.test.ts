// What the agent's own client reads from a kubeconfig or a pod's service account (client/access.ts),
// and the errors that name what is wrong, before any request is sent.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { inClusterAccess, kubeconfigAccess } from '../../../src/kubernetes/client/access.ts';

function withDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'purelb-access-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const config = (cluster: object, user: object, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'c', cluster }],
  users: [{ name: 'u', user }],
  contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
  'current-context': 'ctx',
  ...extra,
});

test('a token user and inline CA data are read; file paths are relative to the kubeconfig', () =>
  withDir((dir) => {
    mkdirSync(join(dir, 'pki'));
    writeFileSync(join(dir, 'pki/client.crt'), 'CERT');
    writeFileSync(join(dir, 'pki/client.key'), 'KEY');
    const file = join(dir, 'config');
    writeFileSync(
      file,
      stringify(
        config(
          {
            server: 'https://10.0.0.1:6443/',
            'certificate-authority-data': Buffer.from('CA').toString('base64'),
          },
          { 'client-certificate': 'pki/client.crt', 'client-key': 'pki/client.key', token: 'tok' },
        ),
      ),
    );
    const a = kubeconfigAccess(file);
    assert.equal(a.server, 'https://10.0.0.1:6443');
    assert.equal(a.ca?.toString(), 'CA');
    assert.equal(a.cert?.toString(), 'CERT');
    assert.equal(a.key?.toString(), 'KEY');
    assert.equal(a.token, 'tok');
    assert.equal(a.delegate, undefined);
  }));

test('tokenFile, basic auth, insecure-skip-tls-verify and tls-server-name are kept', () =>
  withDir((dir) => {
    const file = join(dir, 'config');
    writeFileSync(
      file,
      stringify(
        config(
          { server: 'https://api:6443', 'insecure-skip-tls-verify': true, 'tls-server-name': 'kubernetes' },
          { tokenFile: 'token', username: 'admin', password: 'pw' },
        ),
      ),
    );
    const a = kubeconfigAccess(file);
    assert.equal(a.tokenFile, join(dir, 'token'));
    assert.deepEqual(a.basic, { username: 'admin', password: 'pw' });
    assert.equal(a.insecureSkipTLSVerify, true);
    assert.equal(a.tlsServerName, 'kubernetes');
  }));

test('an exec or auth-provider user is delegated to client-node, with its file and context', () =>
  withDir((dir) => {
    for (const user of [
      { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws' } },
      { 'auth-provider': { name: 'oidc', config: {} } },
    ]) {
      const file = join(dir, 'config');
      writeFileSync(file, stringify(config({ server: 'https://api' }, user)));
      assert.deepEqual(kubeconfigAccess(file).delegate, { kubeconfig: file, context: 'ctx' });
    }
  }));

test('what is missing or unsupported is named', () =>
  withDir((dir) => {
    const file = join(dir, 'config');
    const refuse = (body: object, re: RegExp) => {
      writeFileSync(file, stringify(body));
      assert.throws(() => kubeconfigAccess(file), re);
    };
    refuse(config({ server: 'https://api' }, {}, { 'current-context': 'nope' }), /no context named "nope"/);
    refuse(config({}, {}), /context ctx\): the cluster has no server/);
    refuse(config({ server: 'https://api', 'proxy-url': 'http://proxy' }, {}), /proxy-url is not supported/);
    refuse(
      config({ server: 'https://api', 'certificate-authority': 'missing.crt' }, {}),
      /missing\.crt.*ENOENT/,
    );
    refuse({ ...config({ server: 'https://api' }, {}), 'current-context': undefined }, /no current context/);
    assert.throws(() => kubeconfigAccess(join(dir, 'absent')), /cannot load kubeconfig .*absent/);
  }));

test('in cluster: the service host and port, its CA, and the token file to re-read', () =>
  withDir((dir) => {
    writeFileSync(join(dir, 'ca.crt'), 'CA');
    writeFileSync(join(dir, 'token'), 'sa-token');
    const a = inClusterAccess({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, dir);
    assert.equal(a.server, 'https://[fd00::1]:443');
    assert.equal(a.ca?.toString(), 'CA');
    assert.equal(a.tokenFile, join(dir, 'token'));
    assert.throws(() => inClusterAccess({}, dir), /KUBERNETES_SERVICE_HOST is not set/);
    rmSync(join(dir, 'token'));
    assert.throws(
      () => inClusterAccess({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }, dir),
      /service account token/,
    );
  }));
