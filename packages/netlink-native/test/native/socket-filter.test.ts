// A netlink socket's kernel filter (SO_ATTACH_FILTER): what it drops never reaches the socket
// (the I/O thread does not even read it), it can be replaced and removed while the socket runs,
// and programs the kernel refuses are errors with errno and code.
import assert from 'node:assert/strict';
import { endianness } from 'node:os';
import { test } from 'node:test';
import { ip, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { native } from '../../src/native/load.ts';
import { type Collector, openCollector, type RawMessage } from './raw-netlink.ts';

const skip = netnsUnavailableReason();
const RTNLGRP_IPV4_IFADDR = 5;
const RTM_NEWADDR = 20;

/** struct sock_filter[] in host byte order. */
function program(insns: [number, number, number, number][]): Buffer {
  const out = Buffer.alloc(insns.length * 8);
  const le = endianness() === 'LE';
  insns.forEach(([code, jt, jf, k], i) => {
    if (le) out.writeUInt16LE(code, i * 8);
    else out.writeUInt16BE(code, i * 8);
    out[i * 8 + 2] = jt;
    out[i * 8 + 3] = jf;
    if (le) out.writeUInt32LE(k, i * 8 + 4);
    else out.writeUInt32BE(k, i * 8 + 4);
  });
  return out;
}

/** ldb [17] (ifa_prefixlen); jeq #prefix → drop, else keep the whole message. */
const dropPrefix = (prefix: number) =>
  program([
    [0x30, 0, 0, 17],
    [0x15, 0, 1, prefix],
    [0x06, 0, 0, 0],
    [0x06, 0, 0, 0xffffffff],
  ]);

/** A jump past the end of the program: the kernel's checker refuses it. */
const REFUSED = program([
  [0x05, 0, 0, 100],
  [0x06, 0, 0, 0],
]);

/** The IPv4 address of an RTM_NEWADDR notification (its first attribute, IFA_ADDRESS). */
const addressOf = (m: RawMessage) => [...m.body.subarray(12, 16)].join('.');

/** Adds each address, then waits for the notification of the last, which every filter here keeps. */
async function addAndWait(c: Collector, ns: string, addresses: string[], last: string): Promise<number[]> {
  const start = c.messages.length;
  for (const a of [...addresses, last]) ip(ns, 'address', 'add', a, 'dev', 'f0');
  const lastAddress = last.split('/')[0];
  await c.until(() =>
    c.messages.slice(start).some((m) => m.type === RTM_NEWADDR && addressOf(m) === lastAddress),
  );
  return c.messages
    .slice(start)
    .filter((m) => m.type === RTM_NEWADDR)
    .map((m) => m.body[1] as number);
}

test('the kernel drops what the filter refuses; setFilter replaces it and removes it', { skip }, () =>
  withNetns(async (ns) => {
    ip(ns, 'link', 'add', 'f0', 'type', 'veth', 'peer', 'name', 'f1');
    const c = openCollector({
      netns: { path: `/var/run/netns/${ns}` },
      groups: [RTNLGRP_IPV4_IFADDR],
      filter: dropPrefix(32),
    });
    try {
      // 20 /32s then a /24: only the /24 is ever read from the socket
      const v32 = Array.from({ length: 20 }, (_, i) => `10.1.0.${i + 1}/32`);
      assert.deepEqual(await addAndWait(c, ns, v32, '10.2.0.1/24'), [24]);
      assert.equal(c.socket.stats.datagramsReceived, 1, 'dropped before the socket: never received');

      c.socket.setFilter(dropPrefix(24));
      assert.deepEqual(await addAndWait(c, ns, ['10.3.0.1/24', '10.3.1.1/24'], '10.4.0.1/32'), [32]);

      c.socket.setFilter(undefined);
      assert.deepEqual(await addAndWait(c, ns, ['10.5.0.1/32', '10.5.1.1/24'], '10.6.0.1/32'), [32, 24, 32]);
      c.socket.setFilter(undefined); // removing none is no error
      assert.deepEqual(c.errors, []);
    } finally {
      c.socket.close();
    }
  }),
);

test(
  'a program the kernel refuses is an errno error, at open and in setFilter; the old filter stays',
  { skip },
  () =>
    withNetns(async (ns) => {
      ip(ns, 'link', 'add', 'f0', 'type', 'veth', 'peer', 'name', 'f1');
      const options = {
        protocol: 0,
        netns: { path: `/var/run/netns/${ns}` },
        rcvbuf: 1 << 16,
        sndbuf: 1 << 15,
        groups: [RTNLGRP_IPV4_IFADDR],
        onData: () => {},
        onError: () => {},
      };
      assert.throws(
        () => new native.NetlinkSocket({ ...options, filter: REFUSED }),
        (e: Error & { code?: string; errno?: number }) =>
          e.code === 'EINVAL' && e.errno === 22 && /SO_ATTACH_FILTER/.test(e.message),
      );
      const c = openCollector({ netns: options.netns, groups: options.groups, filter: dropPrefix(32) });
      try {
        assert.throws(
          () => c.socket.setFilter(REFUSED),
          (e: Error & { code?: string }) => e.code === 'EINVAL' && /SO_ATTACH_FILTER/.test(e.message),
        );
        assert.deepEqual(
          await addAndWait(c, ns, ['10.1.0.1/32'], '10.2.0.1/24'),
          [24],
          'the /32 filter still holds',
        );
        assert.throws(() => c.socket.setFilter(Buffer.alloc(12)), RangeError);
        assert.throws(() => c.socket.setFilter(Buffer.alloc(0)), RangeError);
        assert.throws(() => c.socket.setFilter([1, 2] as unknown as Buffer), TypeError);
      } finally {
        c.socket.close();
      }
      assert.throws(
        () => c.socket.setFilter(undefined),
        (e: Error & { code?: string }) => e.code === 'ERR_SOCKET_CLOSED',
      );
    }),
);
