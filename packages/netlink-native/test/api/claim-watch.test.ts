// nl.watchClaims between two throw-away namespaces joined by a veth: the watcher (v0, holding
// 172.30.251.1 and fe80::1) and a peer (v1, holding 172.30.251.56, fe80::56 and 2001:db8:2::56).
// Evidence is what the peer sends (its announcements, probes, ARP replies, DAD); the watcher's own
// frames never count, and each "nothing" is checked against a frame that did reach the watch.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { withNetns } from '../../../../test/support/netns.ts';
import { ETHERTYPE_IPV6, ethernetFrame, IPPROTO_ICMPV6, mac6 } from '../../src/api/ethernet.ts';
import {
  arpProbe,
  type ClaimEvidence,
  type ClaimWatch,
  gratuitousArp,
  Netlink,
  unsolicitedNa,
  type WatchClaimsOptions,
} from '../../src/index.ts';
import { native } from '../../src/native/load.ts';
import { ip, ipJson, needsNetns } from './support.ts';

interface Hosts {
  nl: Netlink;
  peer: Netlink;
  ns: string;
  peerNs: string;
  mac: string;
  peerMac: string;
  peerIndex: number;
}

const macOf = (ns: string, dev: string): string =>
  ipJson<{ address: string }[]>(ns, 'link', 'show', dev)[0]?.address ?? '';

function withHosts(fn: (h: Hosts) => Promise<void>): Promise<void> {
  return withNetns((ns) =>
    withNetns(async (peerNs) => {
      ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1', 'netns', peerNs);
      // No automatic link-local addresses: their DAD would be neighbour discovery nobody sent on purpose.
      ip(ns, 'link', 'set', 'v0', 'addrgenmode', 'none', 'up');
      ip(peerNs, 'link', 'set', 'v1', 'addrgenmode', 'none', 'up');
      ip(ns, 'address', 'add', '172.30.251.1/24', 'dev', 'v0');
      ip(ns, '-6', 'address', 'add', 'fe80::1/64', 'dev', 'v0', 'nodad');
      ip(peerNs, 'address', 'add', '172.30.251.56/24', 'dev', 'v1');
      ip(peerNs, '-6', 'address', 'add', 'fe80::56/64', 'dev', 'v1', 'nodad');
      ip(peerNs, '-6', 'address', 'add', '2001:db8:2::56/64', 'dev', 'v1', 'nodad');
      const nl = await Netlink.open({ netns: ns });
      const peer = await Netlink.open({ netns: peerNs });
      try {
        const peerIndex = (await peer.links.get('v1')).index;
        await fn({ nl, peer, ns, peerNs, mac: macOf(ns, 'v0'), peerMac: macOf(peerNs, 'v1'), peerIndex });
      } finally {
        nl.close();
        peer.close();
      }
    }),
  );
}

interface Recorder {
  events: ClaimEvidence[];
  errors: Error[];
  options: WatchClaimsOptions;
  /** The first event (from now on) that `pred` accepts, within `ms`. */
  next(pred: (e: ClaimEvidence) => boolean, ms?: number): Promise<ClaimEvidence>;
}

function recorder(addresses: string[]): Recorder {
  const events: ClaimEvidence[] = [];
  const errors: Error[] = [];
  const waiters = new Set<(e: ClaimEvidence) => void>();
  return {
    events,
    errors,
    options: {
      addresses,
      onEvidence: (e) => {
        events.push(e);
        for (const w of [...waiters]) w(e);
      },
      onError: (err) => errors.push(err),
    },
    // Generous: a loaded machine delays frames (and the kernel delays DAD up to a second); how fast
    // evidence arrives was measured apart (README, "Claim watch"), these tests pin what arrives.
    next: (pred, ms = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching evidence within ${ms} ms; seen ${JSON.stringify(events)}`));
        }, ms);
        const check = (e: ClaimEvidence) => {
          if (!pred(e)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(e);
        };
        waiters.add(check);
      }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function watching(nl: Netlink, rec: Recorder, fn: (w: ClaimWatch) => Promise<void>): Promise<void> {
  const w = await nl.watchClaims('v0', rec.options);
  try {
    await fn(w);
  } finally {
    w.close();
  }
}

/** Waits until the watch has read `frames` more frames than `from` (the filter let them through). */
async function framesReach(w: ClaimWatch, from: number, frames: number): Promise<void> {
  for (let i = 0; i < 100 && w.stats.framesReceived < from + frames; i++) await sleep(10);
  assert.ok(
    w.stats.framesReceived >= from + frames,
    `the watch read ${w.stats.framesReceived - from} frames`,
  );
}

test(
  'a gratuitous ARP from another host is evidence at once (not at a poll or timeout), with its MAC',
  needsNetns,
  () =>
    withHosts(async ({ nl, peer, peerMac }) => {
      const rec = recorder(['172.30.251.99']);
      await watching(nl, rec, async () => {
        const sent = Date.now();
        const got = rec.next((e) => e.how === 'arp-reply');
        await peer.announce('v1', '172.30.251.99');
        const e = await got;
        // Upper bound: it includes the peer's link lookup and the sender thread's start.
        const latency = e.at - sent;
        assert.ok(latency < 1000, `evidence ${latency} ms after the announcement started`);
        assert.deepEqual(
          rec.events.map(({ address, how, mac }) => ({ address, how, mac })),
          [
            { address: '172.30.251.99', how: 'arp-request', mac: peerMac },
            { address: '172.30.251.99', how: 'arp-reply', mac: peerMac },
          ],
        );
        assert.deepEqual(rec.errors, []);
      });
    }),
);

test("the holder's ARP reply to our probe is evidence; our own probe is not", needsNetns, () =>
  withHosts(async ({ nl, peerMac }) => {
    const rec = recorder(['172.30.251.56']);
    await watching(nl, rec, async () => {
      const got = rec.next(() => true);
      // The probe is an ARP request from our MAC for .56 (sender 0.0.0.0): it must not count;
      // the peer's kernel answers it with a unicast ARP reply from .56, which must.
      const [result] = await nl.probe('v0', ['172.30.251.56'], { count: 1, waitMs: 100 });
      assert.equal(result?.conflict?.how, 'arp-reply');
      assert.deepEqual(await got, {
        address: '172.30.251.56',
        how: 'arp-reply',
        mac: peerMac,
        at: (await got).at,
      });
      await sleep(50);
      assert.deepEqual(
        rec.events.map((e) => e.how),
        ['arp-reply'],
      );
    });
  }),
);

test("another host's ARP probe for a watched address is evidence", needsNetns, () =>
  withHosts(async ({ nl, peerNs, peerMac, peerIndex }) => {
    const rec = recorder(['172.30.251.99']);
    await watching(nl, rec, async () => {
      const got = rec.next(() => true);
      await native.sendFrames({
        netns: { path: `/var/run/netns/${peerNs}` },
        ifindex: peerIndex,
        protocol: 0x0806,
        frames: [arpProbe(peerMac, '172.30.251.99')],
        intervalMs: 0,
      });
      const e = await got;
      assert.deepEqual({ ...e, at: 0 }, { address: '172.30.251.99', how: 'arp-probe', mac: peerMac, at: 0 });
    });
  }),
);

test('an unsolicited neighbour advertisement for a watched IPv6 address is evidence', needsNetns, () =>
  withHosts(async ({ nl, peer, peerMac }) => {
    const rec = recorder(['2001:db8:2:0::99']);
    await watching(nl, rec, async (w) => {
      assert.deepEqual(w.addresses, ['2001:db8:2::99']);
      const sent = Date.now();
      const got = rec.next(() => true);
      await peer.announce('v1', '2001:db8:2::99');
      const e = await got;
      assert.deepEqual(
        { ...e, at: 0 },
        { address: '2001:db8:2::99', how: 'neighbour-advertisement', mac: peerMac, at: 0 },
      );
      assert.ok(e.at - sent < 1000, `evidence ${e.at - sent} ms after the announcement started`);
    });
  }),
);

test("another host's duplicate address detection for a watched address is evidence", needsNetns, () =>
  withHosts(async ({ nl, peerNs, peerMac }) => {
    const rec = recorder(['2001:db8:2::77']);
    await watching(nl, rec, async () => {
      const got = rec.next(() => true);
      // With DAD on, the peer's kernel sends a solicitation from :: to the solicited-node group.
      ip(peerNs, '-6', 'address', 'add', '2001:db8:2::77/64', 'dev', 'v1');
      const e = await got;
      assert.deepEqual({ ...e, at: 0 }, { address: '2001:db8:2::77', how: 'dad-probe', mac: peerMac, at: 0 });
    });
  }),
);

test("the host's own announcements never count; the same from the peer do", needsNetns, () =>
  withHosts(async ({ nl, peer, peerMac }) => {
    const rec = recorder(['172.30.251.99', '2001:db8:2::99']);
    await watching(nl, rec, async (w) => {
      await nl.announce('v0', '172.30.251.99', { count: 2, intervalMs: 10 });
      await nl.announce('v0', '2001:db8:2::99', { count: 2, intervalMs: 10 });
      await sleep(100);
      assert.equal(rec.events.length, 0, JSON.stringify(rec.events));
      // Not even read: the kernel keeps the host's own frames from the socket.
      assert.equal(w.stats.framesReceived, 0);
      // The control: the watch was listening all along.
      const got = rec.next((e) => e.address === '2001:db8:2::99');
      await peer.announce('v1', '172.30.251.99');
      await peer.announce('v1', '2001:db8:2::99');
      await got;
      assert.deepEqual(new Set(rec.events.map((e) => e.mac)), new Set([peerMac]));
      assert.equal(rec.events.length, 3);
    });
  }),
);

test('a frame from our own MAC is not evidence, even sent by another host', needsNetns, () =>
  withHosts(async ({ nl, peerNs, mac, peerIndex }) => {
    const rec = recorder(['172.30.251.99']);
    await watching(nl, rec, async (w) => {
      const before = w.stats.framesReceived;
      await native.sendFrames({
        netns: { path: `/var/run/netns/${peerNs}` },
        ifindex: peerIndex,
        protocol: 0x0806,
        frames: [gratuitousArp(mac, '172.30.251.99', 1)],
        intervalMs: 0,
      });
      await framesReach(w, before, 1);
      assert.deepEqual(rec.events, []);
    });
  }),
);

test('addresses outside the set are not evidence; setAddresses replaces the set', needsNetns, () =>
  withHosts(async ({ nl, peer, peerMac }) => {
    const rec = recorder(['172.30.251.98']);
    await watching(nl, rec, async (w) => {
      // The kernel filter matches the set too: frames about other addresses are not even read.
      const before = w.stats.framesReceived;
      await peer.announce('v1', '172.30.251.99');
      await sleep(100);
      assert.deepEqual(rec.events, []);
      assert.equal(w.stats.framesReceived, before);

      w.setAddresses(['172.30.251.99', '2001:db8:2::99']);
      assert.deepEqual(w.addresses, ['172.30.251.99', '2001:db8:2::99']);
      const got = rec.next(() => true);
      await peer.announce('v1', '172.30.251.99');
      assert.deepEqual(
        { ...(await got), at: 0 },
        { address: '172.30.251.99', how: 'arp-request', mac: peerMac, at: 0 },
      );
      const v6 = rec.next((e) => e.address === '2001:db8:2::99');
      await peer.announce('v1', '2001:db8:2::99');
      await v6;

      rec.events.length = 0;
      w.setAddresses([]);
      const after = w.stats.framesReceived;
      await peer.announce('v1', '172.30.251.99');
      await peer.announce('v1', '2001:db8:2::99');
      await sleep(100);
      assert.deepEqual(rec.events, []);
      assert.equal(w.stats.framesReceived, after);

      // Bad input leaves the set as it was.
      w.setAddresses(['172.30.251.97']);
      assert.throws(() => w.setAddresses(['172.30.251.96', '172.30.251.300']), TypeError);
      assert.throws(() => w.setAddresses('172.30.251.96' as never), TypeError);
      assert.deepEqual(w.addresses, ['172.30.251.97']);
    });
  }),
);

/** An IPv6 frame to `dst` carrying ICMPv6 of `type` (echo request: 128): not neighbour discovery. */
function icmpv6Frame(dst: string, src: string, type: number): Buffer {
  const frame = ethernetFrame(mac6(dst), mac6(src), ETHERTYPE_IPV6, 48);
  frame[14] = 0x60;
  frame.writeUInt16BE(8, 18); // payload length
  frame[20] = IPPROTO_ICMPV6;
  frame[21] = 255;
  frame[54] = type;
  return frame;
}

/** An IPv4 UDP frame to `dst` (checksums left zero: the filter reads no further than the type). */
function udpFrame(dst: string, src: string): Buffer {
  const frame = ethernetFrame(mac6(dst), mac6(src), 0x0800, 28);
  frame[14] = 0x45;
  frame.writeUInt16BE(28, 16);
  frame[22] = 64;
  frame[23] = 17;
  return frame;
}

const rxPackets = (ns: string, dev: string): number =>
  ipJson<{ stats64: { rx: { packets: number } } }[]>(ns, '-s', 'link', 'show', dev)[0]?.stats64.rx.packets ??
  0;

test('the kernel filter keeps other traffic from waking the watch', needsNetns, () =>
  withHosts(async ({ nl, ns, peerNs, mac, peerMac, peerIndex }) => {
    const rec = recorder(['172.30.251.99', '2001:db8:2::99']);
    await watching(nl, rec, async (w) => {
      const before = w.stats;
      const rxBefore = rxPackets(ns, 'v0');
      const flood = (frame: Buffer, protocol: number, count = 1500) =>
        native.sendFrames({
          netns: { path: `/var/run/netns/${peerNs}` },
          ifindex: peerIndex,
          protocol,
          frames: Array.from({ length: count }, () => frame),
          intervalMs: 0,
        });
      await flood(udpFrame(mac, peerMac), 0x0800);
      await flood(icmpv6Frame(mac, peerMac, 128), ETHERTYPE_IPV6);
      await flood(udpFrame('ff:ff:ff:ff:ff:ff', peerMac), 0x0800);
      await sleep(100);
      assert.ok(rxPackets(ns, 'v0') - rxBefore >= 4500, 'the flood reached v0');
      assert.deepEqual(w.stats, before, 'no frame of the flood reached the watch');
      // The control: one neighbour advertisement for a watched address does.
      await flood(unsolicitedNa(peerMac, 'fe80::56', '2001:db8:2::99'), ETHERTYPE_IPV6, 1);
      await framesReach(w, before.framesReceived, 1);
      assert.deepEqual(
        rec.events.map((e) => e.how),
        ['neighbour-advertisement'],
      );
    });
  }),
);

test('frames the kernel dropped for a full receive queue are reported as ENOBUFS', needsNetns, () =>
  withHosts(async ({ nl, peerNs, peerMac, peerIndex }) => {
    const rec = recorder(['172.30.251.99']);
    const w = await nl.watchClaims('v0', { ...rec.options, rcvbuf: 4096 });
    try {
      const sending = native.sendFrames({
        netns: { path: `/var/run/netns/${peerNs}` },
        ifindex: peerIndex,
        protocol: 0x0806,
        frames: Array.from({ length: 5000 }, () => gratuitousArp(peerMac, '172.30.251.99', 1)),
        intervalMs: 0,
      });
      // Hold the JS thread: the hand-over queue fills, the I/O thread waits, the socket overruns.
      const until = performance.now() + 300;
      while (performance.now() < until);
      await sending;
      for (let i = 0; i < 100 && rec.errors.length === 0; i++) await sleep(10);
      assert.ok(rec.events.length > 0 && rec.events.length < 5000, `${rec.events.length} frames reported`);
      assert.equal((rec.errors[0] as { code?: string } | undefined)?.code, 'ENOBUFS');
      assert.match(rec.errors[0]?.message ?? '', /evidence may have been missed/);
    } finally {
      w.close();
    }
  }),
);

test('a link going down is reported (ENETDOWN) and the watch resumes when it is back up', needsNetns, () =>
  withHosts(async ({ nl, ns, peer }) => {
    const rec = recorder(['172.30.251.99']);
    await watching(nl, rec, async () => {
      ip(ns, 'link', 'set', 'v0', 'down');
      for (let i = 0; i < 100 && rec.errors.length === 0; i++) await sleep(10);
      assert.equal((rec.errors[0] as { code?: string } | undefined)?.code, 'ENETDOWN');
      assert.match(rec.errors[0]?.message ?? '', /v0 went down/);
      ip(ns, 'link', 'set', 'v0', 'up');
      const got = rec.next(() => true);
      await peer.announce('v1', '172.30.251.99');
      assert.equal((await got).how, 'arp-request');
      assert.equal(rec.errors.length, 1);
    });
  }),
);

test('onEvidence throwing goes to onError (ECALLBACK) and the watch keeps reporting', needsNetns, () =>
  withHosts(async ({ nl, peer }) => {
    const seen: string[] = [];
    const errors: (Error & { code?: string; cause?: unknown })[] = [];
    const w = await nl.watchClaims('v0', {
      addresses: ['172.30.251.99'],
      onEvidence: (e) => {
        seen.push(e.how);
        if (e.how === 'arp-request') throw new Error('boom');
      },
      onError: (err) => errors.push(err),
    });
    try {
      await peer.announce('v1', '172.30.251.99');
      for (let i = 0; i < 100 && seen.length < 2; i++) await sleep(10);
      assert.deepEqual(seen, ['arp-request', 'arp-reply']);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.code, 'ECALLBACK');
      assert.equal((errors[0]?.cause as Error | undefined)?.message, 'boom');
    } finally {
      w.close();
    }
  }),
);

test(
  'after close no callback runs, even for frames already queued; closing the handle closes its watches',
  needsNetns,
  () =>
    withHosts(async ({ nl, peer }) => {
      const rec = recorder(['172.30.251.99']);
      const w = await nl.watchClaims('v0', {
        ...rec.options,
        // Closing from inside the first callback: the reply in the same delivery must not follow.
        onEvidence: (e) => {
          rec.options.onEvidence(e);
          w.close();
        },
      });
      await peer.announce('v1', '172.30.251.99');
      for (let i = 0; i < 100 && rec.events.length === 0; i++) await sleep(10);
      await peer.announce('v1', '172.30.251.99');
      await sleep(100);
      assert.equal(rec.events.length, 1);
      assert.equal(w.closed, true);
      assert.throws(() => w.setAddresses([]), { code: 'ERR_SOCKET_CLOSED' });
      w.close(); // idempotent

      const other = recorder(['172.30.251.99']);
      const w2 = await nl.watchClaims('v0', other.options);
      nl.close();
      assert.equal(w2.closed, true);
      await peer.announce('v1', '172.30.251.99');
      await sleep(100);
      assert.deepEqual(other.events, []);
    }),
);

// A child process: open a watch, report the first evidence, close everything, and then exit on its
// own. If close left anything holding the event loop, the child would never exit.
const CHILD = `
import { Netlink } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
const nl = await Netlink.open({ netns: process.argv[1] });
const w = await nl.watchClaims('v0', {
  addresses: ['172.30.251.99'],
  onEvidence: (e) => {
    console.log('evidence ' + e.how);
    w.close();
    nl.close();
  },
  onError: (err) => console.log('error ' + err.message),
});
console.log('ready');
`;

test('the process exits once its watch is closed', needsNetns, () =>
  withHosts(async ({ ns, peer }) => {
    const child = spawn(
      process.execPath,
      ['--conditions=purelb-source', '--input-type=module', '-e', CHILD, ns],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve();
      }),
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      await Promise.race([ready, exited]);
      await peer.announce('v1', '172.30.251.99');
      const code = await exited;
      assert.equal(code, 0, `child output: ${out}`);
      assert.match(out, /ready\nevidence arp-request\n/);
    } finally {
      clearTimeout(timer);
    }
  }),
);

// An open watch holds the process like a socket (the handle's idle request socket does not);
// unref() lets it go without closing it.
const UNREF_CHILD = `
import { Netlink } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
const nl = await Netlink.open({ netns: process.argv[1] });
const w = await nl.watchClaims('v0', { addresses: ['172.30.251.99'], onEvidence() {}, onError() {} });
if (process.argv[2] === 'unref') w.unref();
`;

test('an open watch keeps the process alive until unref() or close', needsNetns, () =>
  withHosts(async ({ ns }) => {
    const run = (mode: string, ms: number) =>
      new Promise<{ code: number | null; signal: string | null }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--conditions=purelb-source', '--input-type=module', '-e', UNREF_CHILD, ns, mode],
          { stdio: 'ignore' },
        );
        const timer = setTimeout(() => child.kill('SIGKILL'), ms);
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal });
        });
      });
    const [held, unrefd] = await Promise.all([run('held', 2000), run('unref', 10_000)]);
    assert.deepEqual(held, { code: null, signal: 'SIGKILL' }, 'an open watch holds the process');
    assert.deepEqual(unrefd, { code: 0, signal: null }, 'an unref()d watch does not');
  }),
);

test('bad arguments are refused before any socket is opened', needsNetns, () =>
  withHosts(async ({ nl }) => {
    const ok = recorder([]).options;
    await assert.rejects(nl.watchClaims('v0', { ...ok, addresses: ['172.30.251.300'] }), TypeError);
    await assert.rejects(nl.watchClaims('v0', { ...ok, addresses: ['172.30.251.1/24'] }), TypeError);
    await assert.rejects(nl.watchClaims('v0', { ...ok, onEvidence: undefined as never }), /onEvidence/);
    await assert.rejects(nl.watchClaims('v0', { ...ok, onError: undefined as never }), /onError/);
    await assert.rejects(nl.watchClaims('v0', { ...ok, rcvbuf: 10 }), RangeError);
    await assert.rejects(nl.watchClaims('nope0', ok), RangeError);
    await assert.rejects(nl.watchClaims('lo', ok), /no Ethernet address/);
    await assert.rejects(nl.watchClaims('', ok), TypeError);
  }),
);
