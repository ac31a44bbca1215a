import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/transport/connection.ts';
import { ack, FakeKernel, header, PORT_ID, request, tick } from './fake-kernel.ts';

function open(kernel: FakeKernel): Connection {
  return new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
}

test('each request gets its own seq, and the port id is written into it', async () => {
  const kernel = new FakeKernel();
  const conn = open(kernel);
  const a = conn.ack(request(), 'a');
  const b = conn.ack(request(), 'b');
  await tick();
  const [ra, rb] = kernel.requests.map((m) => header(m));
  assert.ok(ra && rb);
  assert.equal(rb.seq, ra.seq + 1);
  assert.equal(ra.pid, PORT_ID);
  kernel.deliver(ack(kernel.requests[1]!), ack(kernel.requests[0]!));
  assert.deepEqual(await Promise.all([a, b]), [undefined, undefined]);
  conn.close();
});

test('replies settle the request with their seq, whatever order they come in', async () => {
  const kernel = new FakeKernel();
  const conn = open(kernel);
  const settled: string[] = [];
  const all = ['a', 'b', 'c'].map((name) => conn.ack(request(), name).then(() => settled.push(name)));
  await tick();
  const [ma, mb, mc] = kernel.requests;
  kernel.deliver(ack(mc!));
  kernel.deliver(ack(ma!), ack(mb!));
  await Promise.all(all);
  assert.deepEqual(settled, ['c', 'a', 'b']);
  conn.close();
});

test('a reply with the right seq but another port id settles nothing', async () => {
  const kernel = new FakeKernel();
  const conn = open(kernel);
  let settled = false;
  const p = conn.ack(request(), 'x').then(() => {
    settled = true;
  });
  await tick();
  const req = kernel.requests[0]!;
  kernel.deliver(ack(req, PORT_ID + 1));
  await tick();
  assert.equal(settled, false);
  assert.equal(conn.inFlight, 1);
  kernel.deliver(ack(req));
  await p;
  assert.equal(settled, true);
  conn.close();
});

test('replies for unknown seqs are ignored without disturbing live requests', async () => {
  const kernel = new FakeKernel();
  const conn = open(kernel);
  const p = conn.ack(request(), 'x');
  await tick();
  const req = kernel.requests[0]!;
  const stale = Buffer.from(ack(req));
  stale.writeUInt32LE(header(req).seq + 1000, 8);
  kernel.deliver(stale, ack(req));
  await p;
  assert.equal(conn.inFlight, 0);
  conn.close();
});

test('a single GET resolves with the decoded reply; with NLM_F_ACK it waits for the ACK', async () => {
  const kernel = new FakeKernel();
  const conn = open(kernel);
  const decode = (m: { type: number; payload: Buffer }) => ({ type: m.type, n: m.payload.readUInt32LE(0) });
  const plain = conn.single(request(18, 1), 'get plain', decode);
  const acked = conn.single(request(18, 1 | 4), 'get acked', decode);
  await tick();
  const [r1, r2] = kernel.requests;
  const body = Buffer.alloc(4);
  body.writeUInt32LE(7);
  const reply = (req: Buffer) => {
    const b = Buffer.alloc(20);
    b.writeUInt32LE(20, 0);
    b.writeUInt16LE(16, 4);
    b.writeUInt32LE(header(req).seq, 8);
    b.writeUInt32LE(PORT_ID, 12);
    body.copy(b, 16);
    return b;
  };
  kernel.deliver(reply(r1!), reply(r2!));
  assert.deepEqual(await plain, { type: 16, n: 7 });
  assert.equal(conn.inFlight, 1, 'the acked GET still waits for its ACK');
  kernel.deliver(ack(r2!));
  assert.deepEqual(await acked, { type: 16, n: 7 });
  conn.close();
});
