// Opening and closing leaks nothing, close() is idempotent and final, and a process with open
// sockets behaves like one with open net.Sockets: kept alive unless unref()ed, and exiting
// cleanly (no hang, no crash) whenever it does exit, even with the I/O thread blocked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { native } from '../../src/native/load.ts';
import { getLink, openCollector } from './raw-netlink.ts';

const skip = netnsUnavailableReason();
const loadTs = fileURLToPath(new URL('../../src/native/load.ts', import.meta.url));
const count = (dir: string) => readdirSync(dir).length;

test('1,000 open/close cycles leak no fds and no threads; close() twice is harmless', { skip }, () =>
  withNetns(async (ns) => {
    const warm = openCollector();
    warm.socket.close();
    const fds = count('/proc/self/fd');
    const threads = count('/proc/self/task');
    for (let i = 0; i < 1000; i++) {
      const c = openCollector(i % 2 ? { netns: { path: `/var/run/netns/${ns}` }, groups: [1, 5] } : {});
      if (i % 10 === 0) c.socket.send(getLink(1), 1); // some close with a reply in flight
      c.socket.close();
      c.socket.close();
      assert.equal(c.socket.closed, true);
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(count('/proc/self/fd'), fds);
    assert.equal(count('/proc/self/task'), threads);
  }),
);

test('no callback runs after close(), and a closed socket refuses work', { skip }, async () => {
  const c = openCollector();
  c.socket.send(getLink(1), 1);
  c.socket.close();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(c.messages.length + c.errors.length, 0);
  assert.throws(() => c.socket.send(getLink(2), 2), { code: 'ERR_SOCKET_CLOSED' });
  assert.throws(() => c.socket.addMembership(5), { code: 'ERR_SOCKET_CLOSED' });
  assert.deepEqual(Object.keys(c.socket.stats), [
    'sendmsgCalls',
    'messagesSent',
    'datagramsReceived',
    'receiveCalls',
  ]);
});

test('close() returns at once while the I/O thread is blocked on a full hand-over queue', {
  skip,
}, async () => {
  const c = openCollector({ rcvbuf: 32 << 20, sndbuf: 1 << 16 });
  for (let seq = 1; seq <= 20_000; seq++) c.socket.send(getLink(seq, 1), seq);
  // Hold the JS thread: the thread fills the 64-entry queue and waits in a blocking call.
  const end = Date.now() + 300;
  while (Date.now() < end);
  const started = performance.now();
  c.socket.close();
  const took = performance.now() - started;
  // The thread had stopped reading: it was stuck handing over, not done.
  assert.ok(c.socket.stats.datagramsReceived < 20_000, `received ${c.socket.stats.datagramsReceived}`);
  assert.ok(took < 500, `close() took ${took.toFixed(1)} ms`);
  assert.equal(c.messages.length, 0, 'nothing was delivered: the JS thread never yielded');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(c.messages.length + c.errors.length, 0, 'and nothing after close()');
});

test('close() from inside onData (queue full behind it) stops delivery there', { skip }, async () => {
  let calls = 0;
  const socket = new native.NetlinkSocket({
    protocol: 0,
    rcvbuf: 32 << 20,
    sndbuf: 1 << 16,
    groups: [],
    onData: () => {
      calls++;
      const end = Date.now() + 100; // let the thread fill the queue behind this call
      while (Date.now() < end);
      socket.close();
    },
    onError: () => {
      calls += 1000;
    },
  });
  for (let seq = 1; seq <= 20_000; seq++) socket.send(getLink(seq, 1), seq);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(calls, 1);
  assert.equal(socket.closed, true);
});

test('send() refuses bytes that are not whole netlink messages', { skip }, () => {
  const c = openCollector();
  try {
    assert.throws(() => c.socket.send(Buffer.alloc(10), 1), TypeError);
    const short = getLink(1);
    short.writeUInt32LE(64, 0); // claims more than there is
    assert.throws(() => c.socket.send(short, 1), /not a whole netlink message/);
    assert.throws(() => c.socket.send(Buffer.alloc(0), 1), TypeError);
  } finally {
    c.socket.close();
  }
});

function runChild(body: string, timeout = 10_000) {
  const script = `import { native } from ${JSON.stringify(loadTs)};
const s = new native.NetlinkSocket({ protocol: 0, rcvbuf: 1 << 20, sndbuf: 1 << 15, groups: [1, 5],
  onData: globalThis.onData ?? (() => {}), onError: () => {} });
${body}`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout, encoding: 'utf8' });
}

test('an open socket keeps the process alive, like net.Socket', { skip }, () => {
  const r = runChild('setTimeout(() => console.log("still alive"), 300);', 1500);
  assert.equal(r.signal, 'SIGTERM', 'killed by the timeout: the open socket held the loop');
  assert.match(r.stdout, /still alive/);
});

test('unref() lets the process exit while the socket is open', { skip }, () => {
  const r = runChild(
    's.send(Buffer.from([32,0,0,0,18,0,1,3,1,0,0,0,0,0,0,0, ...new Array(16).fill(0)]), 1); s.unref();',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.signal, null);
});

test('process.exit() with a busy open socket exits cleanly, even with the I/O thread blocked on a full queue', {
  skip,
}, () => {
  // onData stalls the JS thread, so the 64-entry hand-over queue fills and the I/O thread waits
  // in a blocking call; exit must still tear everything down without hanging or crashing.
  const r = runChild(`
let calls = 0;
globalThis.onData = undefined;
const req = (seq) => { const b = Buffer.alloc(32); b.writeUInt32LE(32, 0); b.writeUInt16LE(18, 4); b.writeUInt16LE(0x301, 6); b.writeUInt32LE(seq, 8); return b; };
const t = new native.NetlinkSocket({ protocol: 0, rcvbuf: 64 << 20, sndbuf: 1 << 16, groups: [],
  onData: () => { if (++calls === 1) { const end = Date.now() + 300; while (Date.now() < end); setTimeout(() => process.exit(0), 0); } },
  onError: () => {} });
for (let i = 1; i <= 5000; i++) t.send(req(i), i);`);
  assert.equal(r.status, 0, `status ${r.status} signal ${r.signal} ${r.stderr}`);
});

test('a worker that ends with a socket open releases it (environment cleanup hook)', { skip }, () => {
  // A first worker only loads the addon, so one-time fds (the module, libuv internals) are
  // counted before the measurement starts.
  const worker = (open: boolean) => `new Worker(\`import { native } from ${JSON.stringify(loadTs)};
import { parentPort } from 'node:worker_threads';
if (${open}) new native.NetlinkSocket({ protocol: 0, rcvbuf: 1 << 20, sndbuf: 1 << 15, groups: [5], onData() {}, onError() {} });
parentPort.postMessage(1);\`, { eval: true })`;
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
const fds = () => readdirSync('/proc/self/fd').length;
const warm = ${worker(false)};
await once(warm, 'message');
await warm.terminate();
const before = fds();
const w = ${worker(true)};
await once(w, 'message');
await w.terminate();
await new Promise((r) => setTimeout(r, 100));
console.log('fds', before, fds());`,
    ],
    { timeout: 10_000, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const [, before, after] = /fds (\d+) (\d+)/.exec(r.stdout) ?? [];
  assert.ok(before && after, r.stdout);
  assert.equal(after, before, 'the socket and its eventfd are closed when the worker ends');
});
