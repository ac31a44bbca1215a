// KubeRest sends every request through one connection pool: client-node alone would open a new
// pool, and so a new TCP connection, for each request and leave it open until the server drops it.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeRest } from '../../src/kubernetes/rest.ts';

test('successive requests reuse one kept-alive connection instead of opening one each', async () => {
  let connections = 0;
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"kind":"Namespace"}');
  }).on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const rest = new KubeRest(kc);
    for (let i = 0; i < 20; i++) await rest.get('/api/v1/namespaces/default');
    // undici may open a second while the first is being returned to its pool; never one per request.
    assert.ok(connections <= 2, `${connections} TCP connections for 20 requests`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
