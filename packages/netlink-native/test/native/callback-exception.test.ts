// A JS exception thrown by onData never escapes into libuv (npm `netlink` 0.3.0 aborts the
// process there): it is caught and handed to onError as ECALLBACK, and delivery carries on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { native } from '../../src/native/load.ts';
import { getLink } from './raw-netlink.ts';

const skip = netnsUnavailableReason();

test('an exception thrown in onData is reported through onError and the socket keeps working', { skip }, () =>
  withNetns(async (ns) => {
    const errors: { errno: number; code: string; token: number; cause?: unknown }[] = [];
    let deliveries = 0;
    let done: () => void = () => {};
    const twoDeliveries = new Promise<void>((r) => {
      done = r;
    });
    const socket = new native.NetlinkSocket({
      protocol: 0,
      netns: { path: `/var/run/netns/${ns}` },
      rcvbuf: 1 << 20,
      sndbuf: 1 << 15,
      groups: [],
      onData: () => {
        deliveries++;
        if (deliveries === 2) done();
        throw new Error(`boom ${deliveries}`);
      },
      onError: (errno, code, token, cause) => errors.push({ errno, code, token, cause }),
    });
    try {
      socket.send(getLink(1, 1), 1);
      await new Promise((r) => setTimeout(r, 100));
      socket.send(getLink(2, 1), 2); // a later delivery still arrives after the throw
      await twoDeliveries;
      await new Promise((r) => setImmediate(r));
      assert.equal(errors.length, 2);
      assert.deepEqual(
        errors.map((e) => [e.errno, e.code, e.token, (e.cause as Error).message]),
        [
          [0, 'ECALLBACK', 0, 'boom 1'],
          [0, 'ECALLBACK', 0, 'boom 2'],
        ],
      );
    } finally {
      socket.close();
    }
  }),
);

test('if onError throws too, the exception is dropped with a note on stderr and the process lives on', {
  skip,
}, () => {
  const loadTs = fileURLToPath(new URL('../../src/native/load.ts', import.meta.url));
  const script = `import { native } from ${JSON.stringify(loadTs)};
const req = Buffer.alloc(32); req.writeUInt32LE(32, 0); req.writeUInt16LE(18, 4); req.writeUInt16LE(1, 6); req.writeInt32LE(1, 20);
const s = new native.NetlinkSocket({ protocol: 0, rcvbuf: 1 << 20, sndbuf: 1 << 15, groups: [],
  onData: () => { throw new Error('from onData'); }, onError: () => { throw new Error('from onError'); } });
process.on('uncaughtException', () => { console.log('escaped'); process.exit(3); });
s.send(req, 1);
setTimeout(() => { s.close(); console.log('alive'); }, 300);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'alive');
  assert.match(r.stderr, /netlink-native: onError threw; the exception was dropped/);
});
