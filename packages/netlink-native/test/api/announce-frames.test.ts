// Golden bytes for the announcement frames, written out by hand from RFC 826 / RFC 4861 (the NA
// checksum computed separately with Python's own arithmetic), for the seed node's enp1s0 MAC.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gratuitousArp, unsolicitedNa } from '../../src/index.ts';

const MAC = '52:54:00:76:05:b6';
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const PAD18 = '00'.repeat(18);

test('gratuitous ARP request: broadcast, sender = target = VIP, target MAC ff:ff:ff:ff:ff:ff, padded to 60', () => {
  const frame = gratuitousArp(MAC, '172.31.1.5', 1);
  const golden = hex(`
    ffffffffffff 5254007605b6 0806
    0001 0800 06 04 0001
    5254007605b6 ac1f0105
    ffffffffffff ac1f0105
    ${PAD18}`);
  assert.equal(frame.length, 60);
  assert.equal(frame.toString('hex'), golden.toString('hex'));
});

test('gratuitous ARP reply: op 2, target MAC = own MAC (arping -A form)', () => {
  const frame = gratuitousArp(MAC, '172.31.1.5', 2);
  const golden = hex(`
    ffffffffffff 5254007605b6 0806
    0001 0800 06 04 0002
    5254007605b6 ac1f0105
    5254007605b6 ac1f0105
    ${PAD18}`);
  assert.equal(frame.toString('hex'), golden.toString('hex'));
});

test('unsolicited NA: to ff02::1 from the link-local, hop limit 255, O=1 S=0 R=0, TLLA option, checksum', () => {
  const frame = unsolicitedNa(MAC, 'fe80::5054:ff:fe76:5b6', '2001:470:8bf5:1:1::2');
  const golden = hex(`
    333300000001 5254007605b6 86dd
    60000000 0020 3a ff
    fe800000000000005054 00fffe7605b6
    ff020000000000000000000000000001
    88 00 f9b3 20000000
    200104708bf500010001000000000002
    02 01 5254007605b6`);
  assert.equal(frame.length, 86);
  assert.equal(frame.toString('hex'), golden.toString('hex'));
});

test('frame builders reject what cannot be announced', () => {
  assert.throws(() => gratuitousArp('52:54:00:76:05', '10.0.0.1', 1), /52:54:00:76:05/);
  assert.throws(() => gratuitousArp(MAC, '2001:db8::1', 1), /2001:db8::1/);
  assert.throws(() => unsolicitedNa(MAC, 'fe80::1', '10.0.0.1'), /10\.0\.0\.1/);
});
