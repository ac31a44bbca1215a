// serveHttp listens on the addresses it is given and nowhere else (loopback when given none), all of
// them on one port, and an address it cannot bind fails start-up naming it, with nothing left
// listening. Run on the host's loopback: 127.0.0.0/8 is all local, so 127.0.0.2 is "another address
// of the same host" without touching any interface.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { serveHttp } from '../src/http.ts';

/** The HTTP status of GET /healthz at host:port, or the connection error's code (ECONNREFUSED). */
function reach(host: string, port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/healthz', timeout: 2000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

describe('metrics server addresses', () => {
  it('given none, it listens on loopback only', async () => {
    const http = await serveHttp(0, new Registry(), () => true);
    try {
      assert.deepEqual(http.addresses, ['127.0.0.1']);
      assert.equal(await reach('127.0.0.1', http.port), 200);
      assert.equal(await reach('127.0.0.2', http.port), 'ECONNREFUSED');
    } finally {
      await http.close();
    }
  });

  it('given two, both answer on one port and a third address of the host is refused', async () => {
    const http = await serveHttp(0, new Registry(), () => true, ['127.0.0.1', '127.0.0.3']);
    try {
      assert.equal(http.servers.length, 2);
      assert.equal(await reach('127.0.0.1', http.port), 200);
      assert.equal(await reach('127.0.0.3', http.port), 200);
      assert.equal(await reach('127.0.0.2', http.port), 'ECONNREFUSED');
    } finally {
      await http.close();
    }
    assert.equal(await reach('127.0.0.1', http.port), 'ECONNREFUSED', 'closed');
  });

  it('an address it cannot bind fails naming it, and what it had opened is closed', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface of this host.
    const err = await serveHttp(0, new Registry(), () => true, ['127.0.0.1', '192.0.2.1']).then(
      () => assert.fail('listening on 192.0.2.1 should fail'),
      (e: Error) => e,
    );
    const m =
      /^cannot serve \/metrics on 192\.0\.2\.1:(\d+): .*EADDRNOTAVAIL.*\(not an address of this host: see --metrics-address\)$/.exec(
        err.message,
      );
    assert.ok(m, err.message);
    assert.equal(await reach('127.0.0.1', Number(m[1])), 'ECONNREFUSED', '127.0.0.1 was closed again');
  });

  it('a port another socket holds fails naming the address and port', async () => {
    const holder = await serveHttp(0, new Registry(), () => true, ['127.0.0.1']);
    try {
      await assert.rejects(
        serveHttp(holder.port, new Registry(), () => true, ['127.0.0.1']),
        new RegExp(`^Error: cannot serve /metrics on 127\\.0\\.0\\.1:${holder.port}: .*EADDRINUSE`),
      );
    } finally {
      await holder.close();
    }
  });
});
