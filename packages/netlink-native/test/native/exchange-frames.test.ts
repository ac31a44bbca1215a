// exchangeFrames sends frames in rounds on a device inside a namespace and returns what the device
// received meanwhile: filtered in the kernel, never the host's own outgoing frames, without
// moving the JS thread; failures reject with errno and code; an abandoned call does not linger.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ip, ipJson, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { native } from '../../src/native/load.ts';

const skip = netnsUnavailableReason();
const KEPT = 0x88b5; // IEEE local experimental EtherTypes: nothing else in a namespace sends them
const OTHER = 0x88b6;

function frame(type: number, n: number): Buffer {
  const f = Buffer.alloc(60);
  f.fill(0xff, 0, 6);
  Buffer.from([0x02, 0, 0, 0, 0, 1]).copy(f, 6);
  f.writeUInt16BE(type, 12);
  f.write(`frame-${n}`, 14);
  return f;
}

/** ldh [12]; jeq #type, keep, drop; ret #snap; ret #0 (struct sock_filter, little endian). */
function keepOnly(type: number, snap: number): Buffer {
  const insns = [
    [0x28, 0, 0, 12],
    [0x15, 0, 1, type],
    [0x06, 0, 0, snap],
    [0x06, 0, 0, 0],
  ];
  const b = Buffer.alloc(insns.length * 8);
  insns.forEach(([code, jt, jf, k], i) => {
    b.writeUInt16LE(code as number, i * 8);
    b[i * 8 + 2] = jt as number;
    b[i * 8 + 3] = jf as number;
    b.writeUInt32LE(k as number, i * 8 + 4);
  });
  return b;
}

const netnsPath = (ns: string) => ({ path: `/var/run/netns/${ns}` });

test('on lo every frame sent comes back once: the outgoing copy is never returned', { skip }, () =>
  withNetns(async (ns) => {
    const frames = [frame(KEPT, 1), frame(KEPT, 2)];
    const before = readlinkSync('/proc/thread-self/ns/net');
    const r = await native.exchangeFrames({
      netns: netnsPath(ns),
      ifindex: 1,
      frames,
      rounds: 2,
      intervalMs: 20,
      waitMs: 50,
      filter: keepOnly(KEPT, 0xffff),
    });
    assert.equal(readlinkSync('/proc/thread-self/ns/net'), before, 'the JS thread never moved');
    assert.equal(r.dropped, 0);
    assert.deepEqual(
      r.frames.map((f) => f.toString('hex')),
      [...frames, ...frames].map((f) => f.toString('hex')),
      'two rounds of two frames, each seen once',
    );
  }),
);

test('the filter decides which frames are kept and how many bytes of each', { skip }, () =>
  withNetns(async (ns) => {
    const r = await native.exchangeFrames({
      netns: netnsPath(ns),
      ifindex: 1,
      frames: [frame(OTHER, 1), frame(KEPT, 2), frame(OTHER, 3)],
      rounds: 1,
      intervalMs: 0,
      waitMs: 50,
      filter: keepOnly(KEPT, 20),
    });
    assert.deepEqual(
      r.frames.map((f) => f.toString('hex')),
      [frame(KEPT, 2).subarray(0, 20).toString('hex')],
    );
  }),
);

test('rounds are intervalMs apart and the call listens waitMs after the last', { skip }, () =>
  withNetns(async (ns) => {
    const started = performance.now();
    await native.exchangeFrames({
      netns: netnsPath(ns),
      ifindex: 1,
      frames: [frame(KEPT, 1)],
      rounds: 3,
      intervalMs: 60,
      waitMs: 100,
    });
    const ms = performance.now() - started;
    assert.ok(ms >= 215 && ms < 1000, `two 60 ms gaps and a 100 ms wait took ${ms.toFixed(1)} ms`);
  }),
);

test('frames arriving from the peer are returned, and memberships are accepted', { skip }, () =>
  withNetns(async (ns) => {
    ip(ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'b0');
    ip(ns, 'link', 'set', 'a0', 'up');
    ip(ns, 'link', 'set', 'b0', 'up');
    const index = (name: string) => ipJson<{ ifindex: number }[]>(ns, 'link', 'show', name)[0]?.ifindex ?? 0;
    const listening = native.exchangeFrames({
      netns: netnsPath(ns),
      ifindex: index('a0'),
      frames: [frame(OTHER, 0)],
      rounds: 1,
      intervalMs: 0,
      waitMs: 300,
      filter: keepOnly(KEPT, 0xffff),
      multicast: [Buffer.from('3333ff000056', 'hex')],
    });
    await new Promise((r) => setTimeout(r, 100));
    await native.sendFrames({
      netns: netnsPath(ns),
      ifindex: index('b0'),
      protocol: KEPT,
      frames: [frame(KEPT, 7)],
      intervalMs: 0,
    });
    const r = await listening;
    assert.deepEqual(
      r.frames.map((f) => f.toString('hex')),
      [frame(KEPT, 7).toString('hex')],
    );
  }),
);

test('a missing device rejects with ENODEV, a down one with ENETDOWN, naming the operation', { skip }, () =>
  withNetns(async (ns) => {
    const base = { netns: netnsPath(ns), frames: [frame(KEPT, 1)], rounds: 1, intervalMs: 0, waitMs: 0 };
    await assert.rejects(
      native.exchangeFrames({ ...base, ifindex: 4242 }),
      (e: NodeJS.ErrnoException) => e.code === 'ENODEV' && /bind AF_PACKET on ifindex 4242/.test(e.message),
    );
    ip(ns, 'link', 'set', 'lo', 'down');
    await assert.rejects(
      native.exchangeFrames({ ...base, ifindex: 1 }),
      (e: NodeJS.ErrnoException) => e.code === 'ENETDOWN' && /sendto frame 0 on ifindex 1/.test(e.message),
    );
  }),
);

test('bad arguments are refused before anything is sent', { skip }, () => {
  const ok = { ifindex: 1, frames: [frame(KEPT, 1)], rounds: 1, intervalMs: 0, waitMs: 0 };
  const bad: [Record<string, unknown>, typeof TypeError | typeof RangeError][] = [
    [{ rounds: 0 }, RangeError],
    [{ waitMs: -1 }, RangeError],
    [{ intervalMs: 1.5 }, TypeError],
    [{ frames: [Buffer.alloc(13)] }, RangeError],
    [{ frames: 'x' }, TypeError],
    [{ filter: Buffer.alloc(12) }, RangeError],
    [{ filter: [1, 2] }, TypeError],
    [{ multicast: [Buffer.alloc(9)] }, RangeError],
    [{ multicast: Buffer.alloc(6) }, TypeError],
    [{ rcvbuf: 10 }, RangeError],
  ];
  for (const [change, type] of bad) {
    assert.throws(
      () => native.exchangeFrames({ ...ok, ...change } as never),
      type,
      JSON.stringify(change, (_k, v) => (v?.type === 'Buffer' ? `<${v.data.length} bytes>` : v)),
    );
  }
});

const threads = () => readdirSync('/proc/self/task').length;

test('a worker that ends while exchangeFrames listens leaves no thread behind', { skip }, () =>
  withNetns(async (ns) => {
    const load = new URL('../../src/native/load.ts', import.meta.url).href;
    const code = `const { parentPort } = require('node:worker_threads');
(async () => {
  const { native } = await import(${JSON.stringify(load)});
  const f = Buffer.alloc(60); f.writeUInt16BE(${KEPT}, 12);
  native.exchangeFrames({ netns: { path: '/var/run/netns/${ns}' }, ifindex: 1, frames: [f], rounds: 1, intervalMs: 0, waitMs: 30000 });
  parentPort.postMessage('listening');
})();`;
    const before = threads();
    const worker = new Worker(code, { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    const started = performance.now();
    await worker.terminate();
    // The exchange thread wakes on the abandonment and exits; give it a moment to be reaped.
    for (let i = 0; i < 50 && threads() > before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(threads(), before, 'threads back to where they were');
    assert.ok(performance.now() - started < 2000, 'well before the 30 s window would have ended');
  }),
);

test('process.exit() while exchangeFrames listens exits at once and cleanly', { skip }, () =>
  withNetns((ns) => {
    const loadTs = fileURLToPath(new URL('../../src/native/load.ts', import.meta.url));
    const script = `import { native } from ${JSON.stringify(loadTs)};
const f = Buffer.alloc(60); f.writeUInt16BE(${KEPT}, 12);
native.exchangeFrames({ netns: { path: '/var/run/netns/${ns}' }, ifindex: 1, frames: [f], rounds: 5, intervalMs: 100, waitMs: 30000 });
setTimeout(() => process.exit(7), 150);`;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 10_000,
      });
      assert.equal(r.status, 7, `status ${r.status} signal ${r.signal} ${r.stderr}`);
      assert.ok(performance.now() - started < 5000);
    }
  }),
);
