// The claim watch's kernel filter, run by the test evaluator over built frames: it keeps every
// frame the evidence rules would read as a claim on a watched address (cut to the probe's snap
// length), and drops the rest: other addresses, other traffic, and anything the host sends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProgram, MAX_INSNS } from '../../src/api/cbpf.ts';
import { claimWatchFilter, claimWatchProgram, PACKET_OUTGOING } from '../../src/api/claim-watch-filter.ts';
import { ETHERTYPE_IPV6, ethernetFrame, IPPROTO_ICMPV6, mac6, sealIcmpv6 } from '../../src/api/ethernet.ts';
import { conflictEvidence } from '../../src/api/probe-evidence.ts';
import { PROBE_SNAP_LENGTH } from '../../src/api/probe-frames.ts';
import { parseIP } from '../../src/codec/ip.ts';
import { arpProbe, dadSolicitation, gratuitousArp, unsolicitedNa } from '../../src/index.ts';
import { runFilter } from './cbpf-evaluator.ts';

const PEER = '02:00:00:00:00:02';
const OWN = mac6('02:00:00:00:00:01');
const PACKET_BROADCAST = 1;

const run = (set: ReadonlySet<string> | undefined, frame: Buffer, pktType = PACKET_BROADCAST) =>
  runFilter(claimWatchProgram(set), frame, 'LE', pktType);

/** An IPv6 frame whose next header is `next` and, for ICMPv6, whose type is `type`. */
function ipv6(next: number, type: number): Buffer {
  const frame = ethernetFrame(mac6('33:33:00:00:00:01'), mac6(PEER), ETHERTYPE_IPV6, 40 + 24);
  frame[14] = 0x60;
  frame[20] = next;
  frame[21] = 255;
  frame[54] = type;
  return frame;
}

/** A neighbour solicitation for `target` sent from `source` (not ::), as address resolution sends it. */
function solicitation(source: string, target: string): Buffer {
  const frame = ethernetFrame(mac6('33:33:ff:00:00:01'), mac6(PEER), ETHERTYPE_IPV6, 40 + 32);
  const icmp = 54;
  frame[icmp] = 135;
  frame.set(parseIP(target, 6), icmp + 8);
  frame[icmp + 24] = 1; // source link-layer address option
  frame[icmp + 25] = 1;
  mac6(PEER).forEach((b, i) => {
    frame[icmp + 26 + i] = b;
  });
  sealIcmpv6(frame, parseIP(source, 6), parseIP('ff02::1:ff00:1', 6), 32);
  return frame;
}

/** Every kind of frame the rules know, about `v4` and `v6`, from the peer. */
function framesAbout(v4: string, v6: string): Buffer[] {
  return [
    gratuitousArp(PEER, v4, 1),
    gratuitousArp(PEER, v4, 2),
    arpProbe(PEER, v4),
    dadSolicitation(PEER, v6),
    unsolicitedNa(PEER, 'fe80::2', v6),
    solicitation(v6, '2001:db8::ffff'),
  ];
}

test('every claim on a watched address is kept, cut to the snap length', () => {
  // 300 IPv4 and 60 IPv6 addresses around the watched ones: the jumps reach past 255 instructions.
  const filler = [
    ...Array.from({ length: 300 }, (_, i) => `10.1.${i >> 8}.${i & 255}`),
    ...Array.from({ length: 60 }, (_, i) => `2001:db8:9::${i.toString(16)}`),
  ];
  for (const set of [
    new Set(['192.0.2.7', '2001:db8::7']),
    new Set([...filler, '192.0.2.7', '2001:db8::7']),
    new Set(['192.0.2.7', '2001:db8::7', ...filler]),
  ]) {
    assert.ok(claimWatchProgram(set).length > 1000 || set.size === 2);
    for (const frame of framesAbout('192.0.2.7', '2001:db8::7')) {
      assert.ok(conflictEvidence(frame, OWN, set), 'the frame is evidence');
      assert.equal(run(set, frame), PROBE_SNAP_LENGTH);
    }
  }
});

test('frames about other addresses, other traffic and the host’s own frames are dropped', () => {
  const set = new Set(['192.0.2.7', '2001:db8::7']);
  for (const frame of framesAbout('192.0.2.8', '2001:db8::8')) assert.equal(run(set, frame), 0);
  // Someone resolving a watched address (sender not watched) claims nothing.
  const resolving = arpProbe(PEER, '192.0.2.7');
  resolving.set(parseIP('192.0.2.9', 4), 28);
  assert.equal(conflictEvidence(resolving, OWN, set), undefined);
  assert.equal(run(set, resolving), 0);
  assert.equal(
    run(set, solicitation('2001:db8::9', '2001:db8::7')),
    0,
    'address resolution for a watched target',
  );
  assert.equal(run(set, ipv6(IPPROTO_ICMPV6, 128)), 0, 'echo request');
  assert.equal(run(set, ipv6(0, 135)), 0, 'NS behind a hop-by-hop header');
  assert.equal(run(set, ethernetFrame(OWN, mac6(PEER), 0x0800, 46)), 0, 'IPv4');
  assert.equal(run(set, Buffer.alloc(10)), 0, 'a runt');
  for (const frame of framesAbout('192.0.2.7', '2001:db8::7')) {
    assert.equal(run(set, frame, PACKET_OUTGOING), 0, 'our own');
  }
  assert.equal(run(new Set(), gratuitousArp(PEER, '192.0.2.7', 1)), 0, 'an empty set keeps nothing');
});

test('without a set, or with one too large for a program, all ARP and NS/NA are kept', () => {
  const all = claimWatchProgram();
  const huge = new Set(Array.from({ length: 300 }, (_, i) => `2001:db8:9::${i.toString(16)}`));
  assert.equal(claimWatchProgram(huge).length, all.length);
  assert.deepEqual(claimWatchProgram(huge), all);
  assert.ok(claimWatchProgram(new Set([...huge].slice(0, 100))).length <= MAX_INSNS);
  for (const frame of framesAbout('192.0.2.8', '2001:db8::8'))
    assert.equal(run(undefined, frame), PROBE_SNAP_LENGTH);
  assert.equal(run(undefined, ipv6(IPPROTO_ICMPV6, 136)), PROBE_SNAP_LENGTH);
  assert.equal(run(undefined, ipv6(IPPROTO_ICMPV6, 128)), 0, 'echo request');
  assert.equal(run(undefined, ipv6(IPPROTO_ICMPV6, 143)), 0, 'MLDv2 report');
  assert.equal(run(undefined, gratuitousArp(PEER, '192.0.2.7', 1), PACKET_OUTGOING), 0, 'our own ARP');
});

test('the encoded program decodes to the same instructions', () => {
  const set = new Set(['192.0.2.7', '2001:db8::7']);
  assert.deepEqual(decodeProgram(claimWatchFilter(set)), claimWatchProgram(set));
});
