import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/transport/connection.ts';
import { FakeKernel, request, tick } from './fake-kernel.ts';

test('close() rejects requests in flight and queued, closes the socket, and refuses new requests', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20, window: 2 });
  const all = Promise.allSettled(Array.from({ length: 4 }, (_, i) => conn.ack(request(), `r${i}`)));
  await tick();
  assert.equal(conn.inFlight, 2);
  assert.equal(conn.queued, 2);
  conn.close();
  assert.equal(kernel.closed, true);
  const results = await all;
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.equal((r as PromiseRejectedResult).reason.code, 'ECANCELED');
  }
  await assert.rejects(conn.ack(request(), 'late'), { code: 'ECANCELED', operation: 'late' });
  conn.close();
  assert.equal(kernel.requests.length, 2, 'nothing sent after close');
});

test('requests queued in the same tick as close() are never sent', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const p = conn.ack(request(), 'x');
  conn.close();
  await assert.rejects(p, { code: 'ECANCELED' });
  await tick();
  assert.equal(kernel.sends.length, 0);
});
