// While only ACK-type requests are outstanding on a request socket, the I/O thread reads replies
// in bulk (recvmmsg into fixed slots) instead of sizing each datagram first. These pin that every
// reply still arrives, that a big reply sent among the ACKs still arrives whole (the thread
// switches back to sizing while a GET or dump is outstanding), and that multicast sockets
// always size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ip, ipJson, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import {
  addLongAltnames,
  errnoOf,
  getLink,
  linkName,
  longAltname,
  NLMSG_DONE,
  NLMSG_ERROR,
  openCollector,
  RTM_NEWLINK,
  touchLink,
} from './raw-netlink.ts';

const skip = netnsUnavailableReason();
const RTNLGRP_LINK = 1;

test('100,000 ACK requests are all answered, read in bulk', { skip }, () =>
  withNetns(async (ns) => {
    const c = openCollector({ netns: { path: `/var/run/netns/${ns}` }, rcvbuf: 4 << 20, sndbuf: 1 << 20 });
    try {
      const n = 100_000;
      const batch = Buffer.concat(Array.from({ length: n }, (_, i) => touchLink(i + 1, 1)));
      c.socket.send(batch, 1);
      await c.until(() => c.messages.length >= n, 60_000);
      assert.deepEqual(c.errors, []);
      assert.equal(c.messages.length, n);
      const seqs = new Set<number>();
      for (const m of c.messages) {
        assert.equal(m.type, NLMSG_ERROR);
        assert.equal(errnoOf(m), 0);
        seqs.add(m.seq);
      }
      assert.equal(seqs.size, n, 'one ACK per request');
      const { datagramsReceived, receiveCalls } = c.socket.stats;
      assert.equal(datagramsReceived, n);
      // 64 requests per sendmsg, their ACKs read together: far fewer reads than datagrams.
      assert.ok(
        receiveCalls * 10 < datagramsReceived,
        `${receiveCalls} reads for ${datagramsReceived} datagrams`,
      );
    } finally {
      c.socket.close();
    }
  }),
);

test('a 64 KiB+ GET reply and a dump sent among ACK requests arrive whole', { skip }, () =>
  withNetns(async (ns) => {
    ip(ns, 'link', 'add', 'big0', 'type', 'veth', 'peer', 'name', 'big1');
    addLongAltnames(ns, 'big0');
    const ifindex = ipJson<{ ifindex: number }[]>(ns, 'link', 'show', 'big0')[0]?.ifindex ?? 0;
    const c = openCollector({ netns: { path: `/var/run/netns/${ns}` }, rcvbuf: 4 << 20, sndbuf: 1 << 20 });
    try {
      // seq 1..100 and 203..400 ACKs; 101 the GET of big0; 102 a dump of every link.
      const acks = (from: number, to: number) =>
        Array.from({ length: to - from + 1 }, (_, i) => touchLink(from + i, 1));
      c.socket.send(
        Buffer.concat([...acks(1, 100), getLink(101, ifindex), getLink(102), ...acks(203, 400)]),
        1,
      );
      const done = () => c.messages.some((m) => m.seq === 102 && m.type === NLMSG_DONE);
      await c.until(() => done() && c.messages.filter((m) => m.type === NLMSG_ERROR).length >= 298, 30_000);
      assert.deepEqual(c.errors, []);
      const get = c.messages.filter((m) => m.seq === 101);
      assert.equal(get.length, 1);
      assert.equal(get[0]?.type, RTM_NEWLINK);
      assert.ok((get[0]?.length ?? 0) > 65536, `reply is ${get[0]?.length} bytes`);
      assert.ok(
        get[0]?.body.includes(Buffer.from(`${longAltname(494)}\0`)),
        'the tail of the reply is intact',
      );
      const dumped = c.messages.filter((m) => m.seq === 102 && m.type === RTM_NEWLINK).map(linkName);
      // (The kernel leaves big0 out of dumps: its message is larger than a dump datagram.)
      for (const name of ['lo', 'big1']) assert.ok(dumped.includes(name), `${name} in the dump`);
      const ackSeqs = c.messages.filter((m) => m.type === NLMSG_ERROR).map((m) => m.seq);
      assert.deepEqual(
        ackSeqs.sort((a, b) => a - b),
        [...acks(1, 100), ...acks(203, 400)].map((m) => m.readUInt32LE(8)),
      );
      // Then, with nothing big outstanding, replies are read in bulk again.
      const before = c.socket.stats;
      c.socket.send(Buffer.concat(acks(1000, 1639)), 2);
      await c.until(() => c.messages.filter((m) => m.seq >= 1000).length >= 640);
      const after = c.socket.stats;
      const datagrams = after.datagramsReceived - before.datagramsReceived;
      const reads = after.receiveCalls - before.receiveCalls;
      assert.equal(datagrams, 640);
      assert.ok(reads * 10 < datagrams, `${reads} reads for ${datagrams} datagrams`);
    } finally {
      c.socket.close();
    }
  }),
);

test('a socket in a multicast group sizes every datagram, from the moment it joins', { skip }, () =>
  withNetns(async (ns) => {
    const netns = { path: `/var/run/netns/${ns}` };
    const member = openCollector({ netns, groups: [RTNLGRP_LINK] });
    const joiner = openCollector({ netns });
    try {
      const send = async (c: typeof member, first: number) => {
        const before = c.socket.stats;
        c.socket.send(Buffer.concat(Array.from({ length: 640 }, (_, i) => touchLink(first + i, 1))), first);
        await c.until(() => c.messages.filter((m) => m.seq >= first && m.type === NLMSG_ERROR).length >= 640);
        const after = c.socket.stats;
        return {
          datagrams: after.datagramsReceived - before.datagramsReceived,
          reads: after.receiveCalls - before.receiveCalls,
        };
      };
      const asMember = await send(member, 1);
      assert.equal(asMember.reads, asMember.datagrams, 'a group member never reads in bulk');
      const beforeJoin = await send(joiner, 1);
      assert.ok(beforeJoin.reads * 10 < beforeJoin.datagrams, 'a request socket reads in bulk');
      joiner.socket.addMembership(RTNLGRP_LINK);
      const afterJoin = await send(joiner, 1000);
      assert.equal(afterJoin.reads, afterJoin.datagrams, 'after joining a group it sizes every datagram');
      assert.deepEqual([...member.errors, ...joiner.errors], []);
    } finally {
      member.socket.close();
      joiner.socket.close();
    }
  }),
);
