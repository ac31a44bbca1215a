// sendFrames writes whole Ethernet frames on a device inside a namespace, spaced by
// intervalMs, without moving the JS thread; failures reject with errno and code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { captureFrames } from '../../../../test/support/capture.ts';
import { ip, ipJson, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { native } from '../../src/native/load.ts';

const skip = netnsUnavailableReason();
const ETHERTYPE = 0x88b5; // IEEE local experimental: nothing else in the namespace sends it

function frame(n: number): Buffer {
  const f = Buffer.alloc(60);
  f.fill(0xff, 0, 6); // broadcast destination
  Buffer.from([0x02, 0, 0, 0, 0, 1]).copy(f, 6);
  f.writeUInt16BE(ETHERTYPE, 12);
  f.write(`frame-${n}`, 14);
  return f;
}

test('frames sent on a veth in a namespace arrive on its peer, in order and spaced', { skip }, () =>
  withNetns(async (ns) => {
    ip(ns, 'link', 'add', 'tx0', 'type', 'veth', 'peer', 'name', 'rx0');
    ip(ns, 'link', 'set', 'tx0', 'up');
    ip(ns, 'link', 'set', 'rx0', 'up');
    const ifindex = ipJson<{ ifindex: number }[]>(ns, 'link', 'show', 'tx0')[0]?.ifindex ?? 0;
    const capture = captureFrames(ns, 'rx0', 3, `f[12:14].hex() == "${ETHERTYPE.toString(16)}"`);
    try {
      await capture.ready;
      const netBefore = readlinkSync('/proc/thread-self/ns/net');
      const started = performance.now();
      const frames = [frame(1), frame(2), frame(3)];
      await native.sendFrames({
        netns: { path: `/var/run/netns/${ns}` },
        ifindex,
        protocol: ETHERTYPE,
        frames,
        intervalMs: 30,
      });
      const elapsed = performance.now() - started;
      assert.equal(readlinkSync('/proc/thread-self/ns/net'), netBefore);
      const seen = await capture.frames;
      assert.deepEqual(
        seen.map((f) => f.toString('hex')),
        frames.map((f) => f.toString('hex')),
      );
      assert.ok(elapsed >= 55, `two 30 ms gaps, took ${elapsed.toFixed(1)} ms`);
    } finally {
      capture.stop();
    }
  }),
);

test('a missing device rejects with ENODEV naming the operation', { skip }, () =>
  withNetns(async (ns) => {
    await assert.rejects(
      native.sendFrames({
        netns: { path: `/var/run/netns/${ns}` },
        ifindex: 4242,
        protocol: ETHERTYPE,
        frames: [frame(1)],
        intervalMs: 0,
      }),
      (err: NodeJS.ErrnoException) =>
        err.code === 'ENODEV' && err.errno === 19 && /AF_PACKET on ifindex 4242/.test(err.message),
    );
  }),
);

test('bad arguments are refused before anything is sent', { skip }, () => {
  assert.throws(
    () => native.sendFrames({ ifindex: 1, protocol: ETHERTYPE, frames: [Buffer.alloc(10)], intervalMs: 0 }),
    RangeError,
  );
  assert.throws(
    () => native.sendFrames({ ifindex: 0, protocol: ETHERTYPE, frames: [], intervalMs: 0 }),
    RangeError,
  );
  assert.throws(
    () =>
      native.sendFrames({
        ifindex: 1,
        protocol: ETHERTYPE,
        frames: ['x' as unknown as Buffer],
        intervalMs: 0,
      }),
    TypeError,
  );
});

test('process.exit() while sendFrames is still sending exits cleanly', { skip }, () =>
  withNetns((ns) => {
    const loadTs = fileURLToPath(new URL('../../src/native/load.ts', import.meta.url));
    // Five frames 100 ms apart on the namespace's lo; the process leaves after the second.
    const script = `import { native } from ${JSON.stringify(loadTs)};
const f = Buffer.alloc(60); f.writeUInt16BE(${ETHERTYPE}, 12);
native.sendFrames({ netns: { path: '/var/run/netns/${ns}' }, ifindex: 1, protocol: ${ETHERTYPE}, frames: [f, f, f, f, f], intervalMs: 100 });
setTimeout(() => process.exit(7), 150);`;
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 10_000,
      });
      assert.equal(r.status, 7, `status ${r.status} signal ${r.signal} ${r.stderr}`);
    }
  }),
);
