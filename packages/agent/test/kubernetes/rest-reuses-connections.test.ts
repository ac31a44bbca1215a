// KubeRest sends every request through one kept-alive connection pool (client-node alone opened a new
// pool, and so a new TCP connection, for each request and left it open until the server dropped it).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { KubeRest } from '../../src/kubernetes/rest.ts';

test('successive requests reuse one kept-alive connection instead of opening one each', async () => {
  let connections = 0;
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"kind":"Namespace"}');
  }).on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const server_ = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const rest = new KubeRest({ server: server_, token: 't', origin: 'test' });
    for (let i = 0; i < 20; i++) await rest.get('/api/v1/namespaces/default');
    assert.equal(connections, 1, `${connections} TCP connections for 20 requests`);
    rest.transport.close();
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
