// Which received frames are evidence of a conflict, rule by rule, on frames built here: answers and
// other hosts' probes count, our own MAC and unrelated traffic never do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conflictEvidence } from '../../src/api/probe-evidence.ts';
import { parseMac } from '../../src/codec/ip.ts';
import { arpProbe, dadSolicitation, gratuitousArp, unsolicitedNa } from '../../src/index.ts';

const OURS = '02:00:00:00:00:0a';
const PEER = '02:00:00:00:00:0b';
const own = parseMac(OURS);
const probed = new Set(['172.30.250.56', '2001:db8:1::56']);
const read = (frame: Buffer) => conflictEvidence(frame, own, probed);

/** An ARP frame from `mac` with the given op and addresses (target MAC zero). */
function arp(mac: string, op: number, sender: string, target: string): Buffer {
  const f = arpProbe(mac, target);
  f.writeUInt16BE(op, 20);
  Buffer.from(sender.split('.').map(Number)).copy(f, 28);
  return f;
}

test('an ARP reply or request from a probed address is a conflict naming the sender MAC', () => {
  assert.deepEqual(read(arp(PEER, 2, '172.30.250.56', '0.0.0.0')), {
    address: '172.30.250.56',
    mac: PEER,
    how: 'arp-reply',
  });
  assert.deepEqual(read(gratuitousArp(PEER, '172.30.250.56', 1)), {
    address: '172.30.250.56',
    mac: PEER,
    how: 'arp-request',
  });
});

test("another host's ARP probe for a probed address is a conflict", () => {
  assert.deepEqual(read(arpProbe(PEER, '172.30.250.56')), {
    address: '172.30.250.56',
    mac: PEER,
    how: 'arp-probe',
  });
});

test('ARP about other addresses, or merely asking for a probed one, is not a conflict', () => {
  assert.equal(read(arp(PEER, 2, '172.30.250.57', '0.0.0.0')), undefined);
  assert.equal(read(arpProbe(PEER, '172.30.250.57')), undefined);
  // a host resolving the address (from an address of its own) does not use it
  assert.equal(read(arp(PEER, 1, '172.30.250.1', '172.30.250.56')), undefined);
});

test('a neighbour advertisement for a probed target is a conflict naming its link-layer address', () => {
  assert.deepEqual(read(unsolicitedNa(PEER, 'fe80::b', '2001:db8:1::56')), {
    address: '2001:db8:1::56',
    mac: PEER,
    how: 'neighbour-advertisement',
  });
  assert.equal(read(unsolicitedNa(PEER, 'fe80::b', '2001:db8:1::57')), undefined);
});

test("another host's DAD solicitation for a probed address is a conflict", () => {
  assert.deepEqual(read(dadSolicitation(PEER, '2001:db8:1::56')), {
    address: '2001:db8:1::56',
    mac: PEER,
    how: 'dad-probe',
  });
  assert.equal(read(dadSolicitation(PEER, '2001:db8:1::57')), undefined);
});

test('a neighbour solicitation sent from a probed address is a conflict', () => {
  const ns = dadSolicitation(PEER, '2001:db8:1::1');
  Buffer.from('20010db8000100000000000000000056', 'hex').copy(ns, 22); // source = the address
  assert.deepEqual(read(ns), { address: '2001:db8:1::56', mac: PEER, how: 'neighbour-solicitation' });
});

test('frames from our own MAC are never conflicts', () => {
  assert.equal(read(arp(OURS, 2, '172.30.250.56', '0.0.0.0')), undefined);
  assert.equal(read(arpProbe(OURS, '172.30.250.56')), undefined);
  assert.equal(read(dadSolicitation(OURS, '2001:db8:1::56')), undefined);
  assert.equal(read(unsolicitedNa(OURS, 'fe80::a', '2001:db8:1::56')), undefined);
  // our MAC as the ARP sender behind another Ethernet source (a bridge re-sending our probe)
  const relayed = arpProbe(OURS, '172.30.250.56');
  parseMac(PEER).forEach((b, i) => {
    relayed[6 + i] = b;
  });
  assert.equal(read(relayed), undefined);
});

test('neighbour discovery that crossed a router (hop limit below 255) is ignored', () => {
  const na = unsolicitedNa(PEER, 'fe80::b', '2001:db8:1::56');
  na[21] = 254;
  assert.equal(read(na), undefined);
});

test('short, truncated and foreign frames are not evidence', () => {
  assert.equal(read(Buffer.alloc(10)), undefined);
  assert.equal(read(arp(PEER, 2, '172.30.250.56', '0.0.0.0').subarray(0, 30)), undefined);
  assert.equal(read(unsolicitedNa(PEER, 'fe80::b', '2001:db8:1::56').subarray(0, 70)), undefined);
  const other = arp(PEER, 2, '172.30.250.56', '0.0.0.0');
  other.writeUInt16BE(0x88b5, 12);
  assert.equal(read(other), undefined);
});
