import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '../../src/transport/connection.ts';
import {
  done,
  FakeKernel,
  header,
  message,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  RTM_GETLINK,
  RTM_NEWLINK,
  request,
  tick,
} from './fake-kernel.ts';

const decode = (m: { payload: Buffer }) => m.payload.readUInt32LE(0);
const item = (seq: number, n: number, flags = NLM_F_MULTI) => {
  const p = Buffer.alloc(4);
  p.writeUInt32LE(n);
  return message(RTM_NEWLINK, flags, seq, p);
};
const dumpRequest = () => request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);

test('NLM_F_DUMP_INTR on any part: the data comes back with interrupted = true', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const result = conn.dump(dumpRequest(), 'address list', decode);
  await tick();
  const { seq } = header(kernel.requests[0]!);
  kernel.deliver(item(seq, 1), item(seq, 2, NLM_F_MULTI | NLM_F_DUMP_INTR), done(seq));
  const items = await result;
  assert.deepEqual([...items], [1, 2]);
  assert.equal(items.interrupted, true);
  conn.close();
});

test('NLM_F_DUMP_INTR only on NLMSG_DONE also marks the dump interrupted', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const result = conn.dump(dumpRequest(), 'address list', decode);
  await tick();
  const { seq } = header(kernel.requests[0]!);
  kernel.deliver(item(seq, 1), done(seq, NLM_F_MULTI | NLM_F_DUMP_INTR));
  assert.equal((await result).interrupted, true);
  conn.close();
});

test('retryInterrupted re-runs the dump with a fresh seq and returns the clean result', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const result = conn.dump(dumpRequest(), 'address list', decode, 2);
  await tick();
  const s1 = header(kernel.requests[0]!).seq;
  kernel.deliver(item(s1, 1, NLM_F_MULTI | NLM_F_DUMP_INTR), done(s1));
  assert.equal(kernel.requests.length, 2, 'the dump was sent again');
  const s2 = header(kernel.requests[1]!).seq;
  assert.notEqual(s2, s1);
  kernel.deliver(item(s1, 99), item(s2, 7), item(s2, 8), done(s2));
  const items = await result;
  assert.deepEqual([...items], [7, 8], 'only the retry’s items, none of the interrupted run');
  assert.equal(items.interrupted, false);
  assert.equal(conn.dumpRetries, 1);
  conn.close();
});

test('when every retry is interrupted too, the last run’s data comes back flagged', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const result = conn.dump(dumpRequest(), 'address list', decode, 1);
  await tick();
  for (let run = 0; run < 2; run++) {
    const { seq } = header(kernel.requests[run]!);
    kernel.deliver(item(seq, run, NLM_F_MULTI | NLM_F_DUMP_INTR), done(seq));
  }
  assert.equal(kernel.requests.length, 2, 'one retry, no more');
  const items = await result;
  assert.deepEqual([...items], [1]);
  assert.equal(items.interrupted, true);
  conn.close();
});
