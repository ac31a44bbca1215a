// One reply datagram larger than any fixed receive buffer (here ~66 KiB: a link carrying the
// kernel's maximum of long alternative names) arrives whole: the I/O thread sizes each read
// with MSG_PEEK|MSG_TRUNC instead of trusting a buffer size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ip, ipJson, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import {
  addLongAltnames,
  getLink,
  linkName,
  longAltname,
  openCollector,
  RTM_NEWLINK,
} from './raw-netlink.ts';

const skip = netnsUnavailableReason();

test('a single 64 KiB+ reply datagram is received untruncated', { skip }, () =>
  withNetns(async (ns) => {
    ip(ns, 'link', 'add', 'big0', 'type', 'veth', 'peer', 'name', 'big1');
    addLongAltnames(ns, 'big0');
    const ifindex = ipJson<{ ifindex: number }[]>(ns, 'link', 'show', 'big0')[0]?.ifindex ?? 0;
    const c = openCollector({ netns: { path: `/var/run/netns/${ns}` } });
    try {
      c.socket.send(getLink(1, ifindex), 1);
      await c.until(() => c.messages.length > 0);
      const [reply] = c.messages;
      assert.equal(reply?.type, RTM_NEWLINK);
      assert.ok(reply.length > 65536, `reply is ${reply.length} bytes`);
      assert.equal(linkName(reply), 'big0');
      // Every altname made it: the tail of the datagram is intact.
      assert.ok(reply.body.includes(Buffer.from(`${longAltname(494)}\0`)));
      assert.equal(c.socket.stats.datagramsReceived, 1);
      assert.deepEqual(c.errors, []);
    } finally {
      c.socket.close();
    }
  }),
);
