// nl.probe between two throw-away namespaces joined by a veth: the prober (v0) and a peer (v1)
// that holds 172.30.250.56/24 and 2001:db8:1::56/64. Conflicts are what the peer's kernel answers
// (or what another prober sends); the prober's own frames never count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureFrames } from '../../../../test/support/capture.ts';
import { withNetns } from '../../../../test/support/netns.ts';
import { dadSolicitation } from '../../src/api/probe-frames.ts';
import { arpProbe, gratuitousArp, type HandleBinding, Netlink, type ProbeResult } from '../../src/index.ts';
import { native } from '../../src/native/load.ts';
import { ip, ipJson, needsNetns } from './support.ts';

interface Hosts {
  nl: Netlink;
  peer: Netlink;
  ns: string;
  peerNs: string;
  mac: string;
  peerMac: string;
}

const macOf = (ns: string, dev: string): string =>
  ipJson<{ address: string }[]>(ns, 'link', 'show', dev)[0]?.address ?? '';

/** Two namespaces, v0 (prober) <-> v1 (peer, holding .56 and 2001:db8:1::56), handles on both. */
function withHosts(fn: (h: Hosts) => Promise<void>, binding?: HandleBinding): Promise<void> {
  return withNetns((ns) =>
    withNetns(async (peerNs) => {
      ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1', 'netns', peerNs);
      ip(ns, 'link', 'set', 'v0', 'up');
      ip(peerNs, 'link', 'set', 'v1', 'up');
      ip(peerNs, 'address', 'add', '172.30.250.56/24', 'dev', 'v1');
      ip(peerNs, '-6', 'address', 'add', '2001:db8:1::56/64', 'dev', 'v1', 'nodad');
      const nl = await Netlink.open({ netns: ns, ...(binding ? { binding } : {}) });
      const peer = await Netlink.open({ netns: peerNs });
      try {
        await fn({ nl, peer, ns, peerNs, mac: macOf(ns, 'v0'), peerMac: macOf(peerNs, 'v1') });
      } finally {
        nl.close();
        peer.close();
      }
    }),
  );
}

const conflicted = (results: ProbeResult[]) => results.filter((r) => r.conflict).map((r) => r.address);

test('a peer holding the addresses is a conflict with its MAC; free addresses are not', needsNetns, () =>
  withHosts(async ({ nl, peerMac }) => {
    const results = await nl.probe('v0', [
      '172.30.250.56',
      '172.30.250.57',
      '2001:db8:1::56',
      '2001:db8:1::57',
    ]);
    assert.deepEqual(results, [
      { address: '172.30.250.56', conflict: { mac: peerMac, how: 'arp-reply' } },
      { address: '172.30.250.57', conflict: undefined },
      { address: '2001:db8:1::56', conflict: { mac: peerMac, how: 'neighbour-advertisement' } },
      { address: '2001:db8:1::57', conflict: undefined },
    ]);
  }),
);

test(
  "the owning host's kernel answers an ARP probe (sender IP 0) with a reply to the prober",
  needsNetns,
  () =>
    withHosts(async ({ nl, ns, mac, peerMac }) => {
      const { frames } = await native.exchangeFrames({
        netns: { path: `/var/run/netns/${ns}` },
        ifindex: (await nl.links.get('v0')).index,
        frames: [arpProbe(mac, '172.30.250.56')],
        rounds: 1,
        intervalMs: 0,
        waitMs: 200,
      });
      const replies = frames.filter((f) => f.readUInt16BE(12) === 0x0806 && f.readUInt16BE(20) === 2);
      assert.equal(replies.length, 1, 'one ARP reply');
      const r = replies[0] as Buffer;
      const hexMac = (m: string) => m.replaceAll(':', '');
      assert.equal(r.subarray(0, 6).toString('hex'), hexMac(mac), 'unicast to the prober');
      assert.equal(r.subarray(22, 28).toString('hex'), hexMac(peerMac), "sender MAC: the owner's");
      assert.equal([...r.subarray(28, 32)].join('.'), '172.30.250.56', 'sender IP: the probed address');
      assert.equal(r.subarray(32, 38).toString('hex'), hexMac(mac), 'target MAC: the prober');
      assert.equal([...r.subarray(38, 42)].join('.'), '0.0.0.0', 'target IP: the probe sender IP, 0');
    }),
);

test(
  "the owning host's kernel answers a DAD solicitation with an advertisement to all nodes",
  needsNetns,
  () =>
    withHosts(async ({ nl, ns, mac, peerMac }) => {
      const { frames } = await native.exchangeFrames({
        netns: { path: `/var/run/netns/${ns}` },
        ifindex: (await nl.links.get('v0')).index,
        frames: [dadSolicitation(mac, '2001:db8:1::56')],
        rounds: 1,
        intervalMs: 0,
        waitMs: 200,
      });
      const nas = frames.filter((f) => f.readUInt16BE(12) === 0x86dd && f[20] === 58 && f[54] === 136);
      assert.ok(nas.length >= 1, `an advertisement among ${frames.length} frames`);
      const na = nas[0] as Buffer;
      assert.equal(na.subarray(0, 6).toString('hex'), '333300000001', 'to the all-nodes group');
      assert.equal(na.subarray(38, 54).toString('hex'), 'ff020000000000000000000000000001');
      assert.equal((na[58] as number) & 0x40, 0, 'Solicited = 0 (the solicitation came from ::)');
      assert.equal(na.subarray(62, 78).toString('hex'), '20010db8000100000000000000000056', 'target');
      assert.equal(na.subarray(6, 12).toString('hex'), peerMac.replaceAll(':', ''));
    }),
);

test('200 addresses with 3 in use: exactly those 3, in one window', needsNetns, () =>
  withHosts(async ({ nl, peerNs, peerMac }) => {
    ip(peerNs, 'address', 'add', '172.30.250.90/24', 'dev', 'v1');
    ip(peerNs, 'address', 'add', '172.30.250.150/24', 'dev', 'v1');
    const addresses = Array.from({ length: 200 }, (_, i) => `172.30.250.${i + 20}`);
    const started = performance.now();
    const results = await nl.probe('v0', addresses); // defaults: 2 rounds 100 ms apart, 200 ms wait
    const ms = performance.now() - started;
    assert.deepEqual(conflicted(results), ['172.30.250.56', '172.30.250.90', '172.30.250.150']);
    for (const r of results.filter((x) => x.conflict)) assert.equal(r.conflict?.mac, peerMac);
    assert.deepEqual(
      results.map((r) => r.address),
      addresses,
      'one result per address, in order',
    );
    assert.ok(ms >= 295 && ms < 1000, `one 300 ms window, took ${ms.toFixed(0)} ms`);
    console.log(`# 200 addresses probed in ${ms.toFixed(0)} ms`);
  }),
);

test('5,000 addresses of both families share one window too', needsNetns, () =>
  withHosts(async ({ nl, peerMac }) => {
    const addresses = Array.from({ length: 5000 }, (_, i) =>
      i % 2 ? `172.31.${i >> 8}.${i & 255}` : `2001:db8:1::1:${i.toString(16)}`,
    );
    addresses[1234] = '172.30.250.56';
    addresses[4321] = '2001:db8:1::56';
    const started = performance.now();
    const results = await nl.probe('v0', addresses);
    const ms = performance.now() - started;
    assert.deepEqual(conflicted(results), ['172.30.250.56', '2001:db8:1::56']);
    assert.deepEqual(new Set(results.map((r) => r.conflict?.mac).filter(Boolean)), new Set([peerMac]));
    assert.ok(ms < 2000, `one 300 ms window plus sending 10,000 frames, took ${ms.toFixed(0)} ms`);
    console.log(`# 5,000 addresses probed in ${ms.toFixed(0)} ms`);
  }),
);

test('count probes per address leave in RFC 5227 form, intervalMs apart, then waitMs', needsNetns, () =>
  withHosts(async ({ nl, peerNs, mac }) => {
    // ARP requests with sender IP 0.0.0.0, as the peer sees them
    const cap = captureFrames(peerNs, 'v1', 6, 'f[12:14].hex() == "0806" and f[28:32] == bytes(4)');
    try {
      await cap.ready;
      const started = performance.now();
      await nl.probe('v0', ['172.30.250.60', '172.30.250.61'], { count: 3, intervalMs: 80, waitMs: 50 });
      const ms = performance.now() - started;
      const seen = (await cap.frames).map((f) => f.subarray(0, 42).toString('hex'));
      const expected = ['172.30.250.60', '172.30.250.61'].map((a) =>
        arpProbe(mac, a).subarray(0, 42).toString('hex'),
      );
      assert.deepEqual(seen, [...expected, ...expected, ...expected]);
      assert.ok(ms >= 205, `two 80 ms gaps and a 50 ms wait, took ${ms.toFixed(0)} ms`);
    } finally {
      cap.stop();
    }
  }),
);

test("the prober's own frames never count: a concurrent probe, and frames carrying its MAC", needsNetns, () =>
  withHosts(async ({ nl, peerNs, mac }) => {
    const [first, second] = await Promise.all([
      nl.probe('v0', ['172.30.250.77', '2001:db8:1::77']),
      nl.probe('v0', ['172.30.250.77', '2001:db8:1::77']),
    ]);
    assert.deepEqual(conflicted([...(first ?? []), ...(second ?? [])]), [], 'two probes of one host');
    // Frames that arrive from the wire: an ARP reply from .78 carrying our MAC, and a control from
    // another MAC for .79, which must be reported (so the first is skipped for its MAC alone).
    const listening = nl.probe('v0', ['172.30.250.78', '172.30.250.79'], { count: 1, waitMs: 400 });
    await new Promise((r) => setTimeout(r, 150));
    const peerIndex = ipJson<{ ifindex: number }[]>(peerNs, 'link', 'show', 'v1')[0]?.ifindex as number;
    await native.sendFrames({
      netns: { path: `/var/run/netns/${peerNs}` },
      ifindex: peerIndex,
      protocol: 0x0806,
      frames: [
        gratuitousArp(mac, '172.30.250.78', 2),
        gratuitousArp('02:00:00:00:00:79', '172.30.250.79', 2),
      ],
      intervalMs: 0,
    });
    assert.deepEqual(await listening, [
      { address: '172.30.250.78', conflict: undefined },
      { address: '172.30.250.79', conflict: { mac: '02:00:00:00:00:79', how: 'arp-reply' } },
    ]);
  }),
);

test('two hosts probing one address at the same time each see the other', needsNetns, () =>
  withHosts(async ({ nl, peer, mac, peerMac }) => {
    const addresses = ['172.30.250.99', '2001:db8:1::99'];
    const [ours, theirs] = await Promise.all([
      nl.probe('v0', addresses, { waitMs: 300 }),
      peer.probe('v1', addresses, { waitMs: 300 }),
    ]);
    assert.deepEqual(ours, [
      { address: '172.30.250.99', conflict: { mac: peerMac, how: 'arp-probe' } },
      { address: '2001:db8:1::99', conflict: { mac: peerMac, how: 'dad-probe' } },
    ]);
    assert.deepEqual(theirs, [
      { address: '172.30.250.99', conflict: { mac, how: 'arp-probe' } },
      { address: '2001:db8:1::99', conflict: { mac, how: 'dad-probe' } },
    ]);
  }),
);

test('lo, a missing link and a link that is down are clear errors', needsNetns, () =>
  withHosts(async ({ nl, ns }) => {
    await assert.rejects(nl.probe('lo', ['10.0.0.1']), /link lo has no Ethernet address to probe from/);
    await assert.rejects(nl.probe('nosuch0', ['10.0.0.1']), (e: unknown) => {
      return e instanceof RangeError && /unknown link "nosuch0"/.test(e.message);
    });
    await assert.rejects(nl.probe(4242, ['10.0.0.1']), RangeError);
    ip(ns, 'link', 'set', 'v0', 'down');
    await assert.rejects(nl.probe('v0', ['10.0.0.1']), { code: 'ENETDOWN' });
  }),
);

test('bad arguments are refused before anything is sent', needsNetns, () => {
  let exchanges = 0;
  const binding: HandleBinding = {
    NetlinkSocket: native.NetlinkSocket,
    sendFrames: native.sendFrames,
    exchangeFrames: (o) => {
      exchanges++;
      return native.exchangeFrames(o);
    },
  };
  return withHosts(async ({ nl }) => {
    const bad: [() => Promise<unknown>, typeof TypeError | typeof RangeError, RegExp][] = [
      [() => nl.probe('v0', '10.0.0.1' as never), TypeError, /array/],
      [() => nl.probe('v0', ['10.0.0.300']), TypeError, /10\.0\.0\.300/],
      [() => nl.probe('v0', ['10.0.0.1/24']), TypeError, /10\.0\.0\.1\/24/],
      [() => nl.probe('v0', [42 as never]), TypeError, /42/],
      [() => nl.probe('v0', ['10.0.0.1'], { count: 0 }), RangeError, /count/],
      [() => nl.probe('v0', ['10.0.0.1'], { intervalMs: -1 }), RangeError, /intervalMs/],
      [() => nl.probe('v0', ['10.0.0.1'], { waitMs: 1.5 }), RangeError, /waitMs/],
      [() => nl.probe('', ['10.0.0.1']), TypeError, /link/],
    ];
    for (const [call, type, text] of bad)
      await assert.rejects(call(), (e) => e instanceof type && text.test(String(e)));
    assert.deepEqual(await nl.probe('v0', []), [], 'nothing to probe, nothing sent');
    assert.equal(exchanges, 0);
    await nl.probe('v0', ['10.0.0.1'], { count: 1, waitMs: 0 });
    assert.equal(exchanges, 1, 'the spy sees a real probe');
  }, binding);
});
