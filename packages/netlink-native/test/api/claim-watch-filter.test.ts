// The claim watch's kernel filter, run by the test evaluator over built frames: it keeps every
// kind of frame the evidence rules read (cut to the probe's snap length) and drops the rest,
// including anything the host itself sends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProgram } from '../../src/api/cbpf.ts';
import { CLAIM_WATCH_PROGRAM, claimWatchFilter, PACKET_OUTGOING } from '../../src/api/claim-watch-filter.ts';
import { ETHERTYPE_IPV6, ethernetFrame, IPPROTO_ICMPV6, mac6 } from '../../src/api/ethernet.ts';
import { PROBE_SNAP_LENGTH } from '../../src/api/probe-frames.ts';
import { arpProbe, dadSolicitation, gratuitousArp, unsolicitedNa } from '../../src/index.ts';
import { runFilter } from './cbpf-evaluator.ts';

const MAC = '02:00:00:00:00:01';
const PACKET_HOST = 0;
const PACKET_BROADCAST = 1;
const PACKET_MULTICAST = 2;

const kept = (frame: Buffer, pktType = PACKET_BROADCAST) =>
  runFilter(CLAIM_WATCH_PROGRAM, frame, 'LE', pktType);

/** An IPv6 frame whose next header is `next` and, for ICMPv6, whose type is `type`. */
function ipv6(next: number, type: number): Buffer {
  const frame = ethernetFrame(mac6('33:33:00:00:00:01'), mac6(MAC), ETHERTYPE_IPV6, 40 + 24);
  frame[14] = 0x60;
  frame[20] = next;
  frame[21] = 255;
  frame[54] = type;
  return frame;
}

test('ARP and neighbour discovery from other hosts are kept, cut to the snap length', () => {
  const frames: [Buffer, number][] = [
    [gratuitousArp(MAC, '10.0.0.1', 1), PACKET_BROADCAST],
    [gratuitousArp(MAC, '10.0.0.1', 2), PACKET_HOST],
    [arpProbe(MAC, '10.0.0.1'), PACKET_BROADCAST],
    [dadSolicitation(MAC, '2001:db8::1'), PACKET_MULTICAST],
    [unsolicitedNa(MAC, 'fe80::1', '2001:db8::1'), PACKET_MULTICAST],
  ];
  for (const [frame, type] of frames) assert.equal(kept(frame, type), PROBE_SNAP_LENGTH);
});

test('other traffic and the host’s own frames are dropped', () => {
  assert.equal(kept(ipv6(IPPROTO_ICMPV6, 128)), 0, 'echo request');
  assert.equal(kept(ipv6(IPPROTO_ICMPV6, 133)), 0, 'router solicitation');
  assert.equal(kept(ipv6(IPPROTO_ICMPV6, 143)), 0, 'MLDv2 report');
  assert.equal(kept(ipv6(0, 135)), 0, 'NS behind a hop-by-hop header');
  assert.equal(kept(ipv6(17, 136)), 0, 'UDP');
  assert.equal(kept(ethernetFrame(mac6(MAC), mac6(MAC), 0x0800, 46)), 0, 'IPv4');
  assert.equal(kept(Buffer.alloc(10)), 0, 'a runt');
  assert.equal(kept(gratuitousArp(MAC, '10.0.0.1', 1), PACKET_OUTGOING), 0, 'our own ARP');
  assert.equal(kept(unsolicitedNa(MAC, 'fe80::1', '2001:db8::1'), PACKET_OUTGOING), 0, 'our own NA');
});

test('the encoded program decodes to the same instructions', () => {
  assert.deepEqual(decodeProgram(claimWatchFilter()), CLAIM_WATCH_PROGRAM);
});
