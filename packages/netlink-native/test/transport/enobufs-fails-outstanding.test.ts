import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetlinkError } from '../../src/errors.ts';
import { Connection } from '../../src/transport/connection.ts';
import { ack, FakeKernel, request, tick } from './fake-kernel.ts';

test('ENOBUFS on the request socket fails every request in flight, and queued ones still go out', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20, window: 3 });
  const all = Array.from({ length: 5 }, (_, i) => conn.ack(request(), `address add 10.0.0.${i}/32 dev v0`));
  const settled = Promise.allSettled(all);
  await tick();
  assert.equal(conn.inFlight, 3);
  kernel.responder = ack;
  kernel.fail(105, 'ENOBUFS', 0);
  const results = await settled;
  for (const r of results.slice(0, 3)) {
    assert.equal(r.status, 'rejected');
    const err = (r as PromiseRejectedResult).reason as NetlinkError;
    assert.equal(err.name, 'NetlinkError');
    assert.equal(err.code, 'ENOBUFS');
    assert.match(err.message, /^address add 10\.0\.0\.\d\/32 dev v0: ENOBUFS .*replies may have been lost/);
  }
  assert.deepEqual(
    results.slice(3).map((r) => r.status),
    ['fulfilled', 'fulfilled'],
  );
  conn.close();
});

test('a failed send fails only the requests of that batch', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const first = conn.ack(request(), 'first');
  await tick();
  const second = conn.ack(request(), 'second');
  await tick();
  assert.equal(kernel.sends.length, 2);
  kernel.fail(90, 'EMSGSIZE', kernel.sends[1]!.token);
  await assert.rejects(second, { code: 'EMSGSIZE', operation: 'second' });
  assert.equal(conn.inFlight, 1);
  kernel.deliver(ack(kernel.requests[0]!));
  await first;
  conn.close();
});

test('an unparseable reply chunk fails what is in flight instead of leaving it hanging', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const p = conn.ack(request(), 'x');
  await tick();
  const broken = Buffer.from(ack(kernel.requests[0]!));
  broken.writeUInt32LE(9999, 0);
  kernel.deliver(broken);
  await assert.rejects(p, { code: 'EPROTO' });
  conn.close();
});

test('a send() that throws fails that batch at once instead of leaving it waiting', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const original = conn.socket.send;
  conn.socket.send = () => {
    throw Object.assign(new Error('socket is closed'), { code: 'ERR_SOCKET_CLOSED' });
  };
  await assert.rejects(conn.ack(request(), 'address add 10.0.0.1/32 dev v0'), {
    code: 'EIO',
    operation: 'address add 10.0.0.1/32 dev v0',
  });
  assert.equal(conn.inFlight, 0);
  conn.socket.send = original;
  kernel.responder = ack;
  await conn.ack(request(), 'next');
  conn.close();
});
