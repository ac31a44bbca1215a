// A JS exception thrown by onData never escapes into libuv (npm `netlink` 0.3.0 aborts the
// process there): it is caught and handed to onError as ECALLBACK, and delivery carries on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
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
