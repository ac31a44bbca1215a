// IFLA_STATS64 on every link read: a veth pair with one end in each of two namespaces, traffic
// between them (UDP datagrams sent by node inside a namespace), and the counters read before and after, checked against `ip -s -j`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inNetns, withNetns } from '../../../../test/support/netns.ts';
import { Netlink } from '../../src/index.ts';
import { ip, ipJson, needsNetns, withHandle } from './support.ts';

interface IpStatsLink {
  ifname: string;
  stats64: {
    rx: { bytes: number; packets: number; errors: number; dropped: number; multicast: number };
    tx: { bytes: number; packets: number; errors: number; dropped: number; collisions: number };
  };
}

/** Sends `count` UDP datagrams of 100 bytes to `to`:9 from inside `ns` (with node: no ping needed). */
function sendUdp(ns: string, to: string, count: number): void {
  const script = `const s = require('node:dgram').createSocket('udp4');
let n = 0;
const next = () => (n++ < ${count} ? s.send(Buffer.alloc(100), 9, '${to}', next) : s.close());
next();`;
  inNetns(ns, process.execPath, ['-e', script]);
}

const ipStats = (ns: string, dev: string): IpStatsLink['stats64'] | undefined =>
  ipJson<IpStatsLink[]>(ns, '-s', 'link', 'show', 'dev', dev)[0]?.stats64;

test(
  'stats counters grow with traffic between namespaces over a veth pair, as `ip -s` counts',
  needsNetns,
  () =>
    withHandle(async (nl, a) =>
      withNetns(async (b) => {
        await nl.links.create({ name: 'va', kind: 'veth', peer: 'vb' });
        await nl.links.set('vb', { netns: b });
        ip(a, 'address', 'add', '192.0.2.1/24', 'dev', 'va');
        ip(b, 'address', 'add', '192.0.2.2/24', 'dev', 'vb');
        ip(b, 'link', 'set', 'vb', 'up');
        await nl.links.setUp('va');
        const before = await nl.links.get('va');
        assert.ok(before.stats, 'a get by name carries IFLA_STATS64');
        assert.equal(typeof before.stats.rxPackets, 'bigint');

        sendUdp(a, '192.0.2.2', 5); // b answers ARP, and (rate-limited) ICMP port unreachable

        const after = await nl.links.get(before.index); // by index: statistics asked for too
        assert.ok(after.stats);
        assert.ok(after.stats.txPackets >= before.stats.txPackets + 5n, 'five echo requests at least');
        assert.ok(after.stats.rxPackets >= before.stats.rxPackets + 5n, 'five echo replies at least');
        assert.ok(after.stats.txBytes >= before.stats.txBytes + 5n * 98n, '98-byte echo frames');
        assert.ok(after.stats.rxBytes > before.stats.rxBytes);
        assert.equal(after.stats.rxErrors, 0n);
        assert.equal(after.stats.txErrors, 0n);

        // the same counters from a handle in the other namespace, and from `ip -s` in both
        const nb = await Netlink.open({ netns: b });
        try {
          const far = (await nb.links.list()).find((l) => l.name === 'vb');
          assert.ok(far?.stats, 'a dump carries IFLA_STATS64');
          const shownB = ipStats(b, 'vb');
          assert.ok(shownB);
          assert.ok(far.stats.rxPackets >= after.stats.txPackets, 'vb received what va sent');
          assert.ok(BigInt(shownB.rx.packets) >= far.stats.rxPackets);
        } finally {
          nb.close();
        }
        const shownA = ipStats(a, 'va');
        const last = (await nl.links.get('va')).stats;
        assert.ok(shownA && last);
        assert.ok(
          BigInt(shownA.tx.packets) <= last.txPackets && BigInt(shownA.tx.packets) >= after.stats.txPackets,
        );
        assert.ok(BigInt(shownA.rx.bytes) <= last.rxBytes && BigInt(shownA.rx.bytes) >= after.stats.rxBytes);
      }),
    ),
);

test('every link of a dump has stats; loopback counts its own traffic', needsNetns, () =>
  withHandle(async (nl, ns) => {
    const lo0 = (await nl.links.get('lo')).stats;
    sendUdp(ns, '127.0.0.1', 2);
    const links = await nl.links.list();
    assert.ok(links.every((l) => l.stats !== undefined));
    const lo = links.find((l) => l.name === 'lo')?.stats;
    assert.ok(lo0 && lo);
    assert.ok(lo.rxPackets >= lo0.rxPackets + 2n, 'the two datagrams, received on lo');
    assert.equal(lo.rxPackets, lo.txPackets, 'on loopback every packet sent is received');
  }),
);
