// Sends queued faster than the I/O thread wakes go out together: many messages per sendmsg,
// split only at message boundaries, and every request still gets its reply.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { getLink, NLMSG_ERROR, openCollector, RTM_NEWLINK } from './raw-netlink.ts';

const skip = netnsUnavailableReason();

test('10,000 send() calls in one tick produce 10,000 replies from far fewer sendmsg calls', { skip }, () =>
  withNetns(async (ns) => {
    // Replies to a whole sendmsg land before the thread can read, so give them room.
    const c = openCollector({ netns: { path: `/var/run/netns/${ns}` }, rcvbuf: 16 << 20, sndbuf: 1 << 15 });
    try {
      const n = 10_000;
      for (let seq = 1; seq <= n; seq++) c.socket.send(getLink(seq, 1), seq);
      await c.until(() => c.messages.length >= n, 30_000);
      assert.deepEqual(c.errors, []);
      const seqs = new Set(c.messages.filter((m) => m.type === RTM_NEWLINK).map((m) => m.seq));
      assert.equal(seqs.size, n, 'one RTM_NEWLINK per request');
      const stats = c.socket.stats;
      assert.equal(stats.messagesSent, n);
      // 32-byte requests, ≤ 64 KiB - 32 per datagram: at least 32 calls, and far fewer than n.
      assert.ok(stats.sendmsgCalls < n / 20, `sendmsg calls: ${stats.sendmsgCalls}`);
      assert.ok(stats.sendmsgCalls >= Math.ceil((n * 32) / (c.socket.sndbuf - 32)));
      assert.ok(c.chunks.length < stats.datagramsReceived, 'datagrams are concatenated per delivery');
      console.log(
        `# 10,000 requests: ${stats.sendmsgCalls} sendmsg calls, ${stats.datagramsReceived} datagrams in ${c.chunks.length} deliveries`,
      );
    } finally {
      c.socket.close();
    }
  }),
);

test('one buffer holding many messages is split at message boundaries when it exceeds sndbuf', { skip }, () =>
  withNetns(async (ns) => {
    const c = openCollector({ netns: { path: `/var/run/netns/${ns}` }, rcvbuf: 16 << 20, sndbuf: 4096 });
    try {
      const n = 2_000; // 64,000 bytes in one send(), far above one datagram
      const batch = Buffer.concat(Array.from({ length: n }, (_, i) => getLink(i + 1, 1)));
      c.socket.send(batch, 7);
      await c.until(() => c.messages.length >= n, 30_000);
      assert.deepEqual(c.errors, []);
      assert.equal(new Set(c.messages.map((m) => m.seq)).size, n);
      const limit = c.socket.sndbuf - 32;
      assert.ok(c.socket.stats.sendmsgCalls >= Math.ceil((n * 32) / limit));
    } finally {
      c.socket.close();
    }
  }),
);

test(
  'survives 100,000 requests in flight: every one is answered or ENOBUFS is reported, then it still works',
  { skip },
  () =>
    withNetns(async (ns) => {
      const c = openCollector({ netns: { path: `/var/run/netns/${ns}` }, rcvbuf: 1 << 20 });
      try {
        const n = 100_000;
        // Requests for a device that does not exist: each is answered by an NLMSG_ERROR (ENODEV).
        for (let seq = 1; seq <= n; seq++) c.socket.send(getLink(seq, 0x7ffffff0), seq);
        const overrun = () => c.errors.some((e) => e.code === 'ENOBUFS');
        await c.until(() => c.messages.length >= n || overrun(), 60_000);
        // Let whatever is in flight drain, then prove the socket is still good.
        await new Promise((r) => setTimeout(r, 200));
        const answered = c.messages.filter((m) => m.type === NLMSG_ERROR).length;
        assert.ok(
          answered === n || overrun(),
          `answered ${answered}, errors ${JSON.stringify(c.errors.slice(0, 3))}`,
        );
        assert.ok(c.errors.every((e) => e.code === 'ENOBUFS' && e.token === 0));
        const probe = 200_000;
        c.socket.send(getLink(probe, 1), probe);
        await c.until(() => c.messages.some((m) => m.seq === probe && m.type === RTM_NEWLINK));
        console.log(`# 100,000 in flight: ${answered} answered, ENOBUFS reported ${c.errors.length} times`);
      } finally {
        c.socket.close();
      }
    }),
);
