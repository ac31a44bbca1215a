import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/transport/connection.ts';
import { COST_ACK, windowFor } from '../../src/transport/window.ts';
import { ack, FakeKernel, request, tick } from './fake-kernel.ts';

test('requests issued in one tick leave 64 at a time as they are issued, the rest at the end of the tick', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  kernel.responder = ack;
  const first = Array.from({ length: 64 }, (_, i) => conn.ack(request(), `r${i}`));
  assert.equal(kernel.sends.length, 1, "a datagram's worth leaves before the tick ends");
  const rest = Array.from({ length: 436 }, (_, i) => conn.ack(request(), `r${64 + i}`));
  await Promise.all([...first, ...rest]);
  assert.deepEqual(
    kernel.sends.map((s) => s.messages.length),
    [64, 64, 64, 64, 64, 64, 64, 52],
  );
  conn.close();
});

test('no more than the window is ever in flight; the rest waits in the queue and follows as replies free room', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20, window: 4 });
  const all = Array.from({ length: 10 }, (_, i) => conn.ack(request(), `r${i}`));
  await tick();
  assert.equal(conn.inFlight, 4);
  assert.equal(conn.queued, 6);
  assert.equal(kernel.requests.length, 4);
  kernel.deliver(ack(kernel.requests[0]!), ack(kernel.requests[1]!));
  assert.equal(kernel.requests.length, 6, 'two freed slots refilled at once');
  assert.equal(conn.inFlight, 4);
  kernel.responder = ack;
  kernel.deliver(...kernel.requests.slice(2, 6).map((m) => ack(m)));
  await Promise.all(all);
  assert.equal(conn.inFlight, 0);
  assert.equal(conn.queued, 0);
  conn.close();
});

test('the default window comes from the granted receive buffer: every ACK of a full window fits in half of it', () => {
  const limits = windowFor(8 * 1024 * 1024);
  assert.equal(limits.count, 4096);
  assert.ok(limits.count * COST_ACK <= 4 * 1024 * 1024);
  assert.ok(windowFor(212992).count < limits.count, 'a smaller buffer gives a smaller window');
  assert.throws(() => windowFor(1 << 20, 0), RangeError);
});

test('the window is enforced by the default limits too (a small receive buffer, many requests)', async () => {
  const kernel = new FakeKernel(256 * 1024);
  const conn = new Connection(kernel.open, { rcvbuf: 128 * 1024, sndbuf: 1 << 20 });
  let maxInFlight = 0;
  kernel.responder = (m) => {
    maxInFlight = Math.max(maxInFlight, conn.inFlight);
    return ack(m);
  };
  await Promise.all(Array.from({ length: 2000 }, (_, i) => conn.ack(request(), `r${i}`)));
  assert.equal(maxInFlight, conn.limits.count);
  assert.equal(conn.limits.count, 128);
  conn.close();
});

test('100,000 requests issued at once all settle, in windows, without growing the in-flight set past the window', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  let maxInFlight = 0;
  kernel.responder = (m) => {
    maxInFlight = Math.max(maxInFlight, conn.inFlight);
    return ack(m);
  };
  const results = await Promise.allSettled(
    Array.from({ length: 100_000 }, (_, i) => conn.ack(request(), `r${i}`)),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 100_000);
  assert.ok(maxInFlight <= conn.limits.count);
  assert.equal(kernel.requests.length, 100_000);
  // Batched: a datagram's worth (64) or more per send() call, never one call per request.
  assert.ok(
    kernel.sends.length <= Math.ceil(100_000 / 64),
    `${kernel.sends.length} send() calls for 100,000 requests`,
  );
  conn.close();
});
