import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/transport/connection.ts';
import {
  ack,
  done,
  FakeKernel,
  header,
  message,
  NLM_F_DUMP,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  RTM_GETLINK,
  RTM_NEWLINK,
  request,
  tick,
} from './fake-kernel.ts';

const decodeIndex = (m: { payload: Buffer }) => m.payload.readUInt32LE(0);
const item = (seq: number, n: number, flags = NLM_F_MULTI) => {
  const p = Buffer.alloc(4);
  p.writeUInt32LE(n);
  return message(RTM_NEWLINK, flags, seq, p);
};
const dumpRequest = () => request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);

test('a dump spread over several chunks resolves with every item, in order, at NLMSG_DONE', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const result = conn.dump(dumpRequest(), 'link list', decodeIndex);
  await tick();
  const { seq } = header(kernel.requests[0]!);
  kernel.deliver(item(seq, 1), item(seq, 2));
  kernel.deliver(item(seq, 3));
  assert.equal(conn.inFlight, 1, 'not settled before DONE');
  kernel.deliver(item(seq, 4), done(seq));
  const items = await result;
  assert.deepEqual([...items], [1, 2, 3, 4]);
  assert.equal(items.interrupted, false);
  conn.close();
});

test('items a decoder drops (undefined) are left out', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const odd = (m: { payload: Buffer }) =>
    m.payload.readUInt32LE(0) % 2 ? m.payload.readUInt32LE(0) : undefined;
  const result = conn.dump(dumpRequest(), 'link list', odd);
  await tick();
  const { seq } = header(kernel.requests[0]!);
  kernel.deliver(item(seq, 1), item(seq, 2), item(seq, 3), done(seq));
  assert.deepEqual([...(await result)], [1, 3]);
  conn.close();
});

test('ACKs of other requests interleaved with dump parts settle their own requests', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const dump = conn.dump(dumpRequest(), 'link list', decodeIndex);
  const add = conn.ack(request(), 'address add');
  await tick();
  assert.equal(kernel.sends.length, 1, 'both left in one send');
  const [dumpReq, addReq] = kernel.requests;
  const { seq } = header(dumpReq!);
  kernel.deliver(item(seq, 1), ack(addReq!), item(seq, 2));
  await add;
  kernel.deliver(done(seq));
  assert.deepEqual([...(await dump)], [1, 2]);
  conn.close();
});

test('a second dump waits until the first is done (the kernel runs one dump per socket)', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const first = conn.dump(dumpRequest(), 'first', decodeIndex);
  const second = conn.dump(dumpRequest(), 'second', decodeIndex);
  await tick();
  assert.equal(kernel.requests.length, 1);
  const s1 = header(kernel.requests[0]!).seq;
  kernel.deliver(item(s1, 1), done(s1));
  assert.equal(kernel.requests.length, 2, 'the second dump is sent as the first ends');
  const s2 = header(kernel.requests[1]!).seq;
  kernel.deliver(item(s2, 2), done(s2));
  assert.deepEqual([...(await first)], [1]);
  assert.deepEqual([...(await second)], [2]);
  conn.close();
});

test('a decoder failure mid-dump rejects the dump once it has drained, and later requests still work', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const bad = (m: { payload: Buffer }) => {
    if (m.payload.readUInt32LE(0) === 2) throw new RangeError('bad item');
    return 1;
  };
  const result = conn.dump(dumpRequest(), 'link list', bad);
  await tick();
  const { seq } = header(kernel.requests[0]!);
  kernel.deliver(item(seq, 1), item(seq, 2), item(seq, 3));
  assert.equal(conn.inFlight, 1);
  kernel.deliver(done(seq));
  await assert.rejects(result, /bad item/);
  const next = conn.ack(request(), 'x');
  await tick();
  kernel.deliver(ack(kernel.requests[1]!));
  await next;
  conn.close();
});

test('a dump that fails part-way (NLMSG_DONE with an errno) rejects with that errno', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const result = conn.dump(dumpRequest(), 'route list', decodeIndex);
  await tick();
  const { seq } = header(kernel.requests[0]!);
  kernel.deliver(item(seq, 1), done(seq, NLM_F_MULTI, 4));
  await assert.rejects(result, { name: 'NetlinkError', code: 'EINTR', operation: 'route list' });
  conn.close();
});
